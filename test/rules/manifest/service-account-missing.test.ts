import { serviceAccountMissingRule } from "../../../src/rules/manifest/service-account-missing.js";
import { testRule } from "../../helpers/rule-tester.js";
import { cronJob, deployment } from "./fixtures.js";

const sa = (name: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: shop\n`;
const spec = (account: string, field = "serviceAccountName") => `${field}: ${account}\ncontainers:\n- name: web\n  image: ghcr.io/acme/web:2.3.1\n`;

testRule(serviceAccountMissingRule, {
  valid: [
    { name: "ServiceAccount in the set", mode: "lint", files: { "d.yaml": deployment(spec("web")), "sa.yaml": sa("web") } },
    { name: "default ServiceAccount", mode: "lint", files: { "d.yaml": deployment(spec("default")) } },
  ],
  invalid: [
    {
      name: "typo next to the defined account",
      mode: "lint",
      files: { "d.yaml": deployment(spec("web-sa")), "sa.yaml": sa("web-svc") + "---\n" + sa("web") },
      expect: { category: "missing-config-reference", severity: "error", summary: /"web-sa", which does not exist; did you mean/, resource: { line: 16 }, equivalents: ["kube-linter:non-existent-service-account"] },
    },
    {
      name: "deprecated serviceAccount field, none defined: warning",
      mode: "lint",
      files: { "cj.yaml": cronJob(spec("reporter", "serviceAccount")) },
      expect: { severity: "warning", resource: { kind: "CronJob", name: "report" }, fixIncludes: ["kubectl create serviceaccount reporter -n shop"] },
    },
  ],
});
