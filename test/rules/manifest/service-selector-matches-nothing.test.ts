import { serviceSelectorMatchesNothingRule } from "../../../src/rules/manifest/service-selector-matches-nothing.js";
import { testRule } from "../../helpers/rule-tester.js";
import { api, deployment, service } from "./fixtures.js";

testRule(serviceSelectorMatchesNothingRule, {
  valid: [
    { name: "selector matches the Deployment", mode: "lint", files: { "d.yaml": api, "s.yaml": service("app: api") } },
    { name: "Service without selector (manual endpoints)", mode: "lint", files: { "s.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: legacy-db\n  namespace: shop\nspec:\n  ports:\n  - port: 5432\n" } },
  ],
  invalid: [
    {
      name: "selector label typo",
      mode: "lint",
      files: { "d.yaml": api, "s.yaml": service("app: apii") },
      expect: { category: "service-without-endpoints", severity: "error", resource: { kind: "Service", name: "api", line: 7 }, summary: /selects app=apii.*Deployment api has app=api/, fixIncludes: ["app: api"], equivalents: ["kube-linter:dangling-service"] },
    },
    { name: "Service alone in the inputs: warning", mode: "lint", files: { "s.yaml": service("app: payments", "8080", "payments") }, expect: { severity: "warning" } },
  ],
});
