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
    { name: "Service alone in the inputs: its pods may be deployed separately (info)", mode: "lint", files: { "s.yaml": service("app: payments", "8080", "payments") }, expect: { severity: "info" } },
    {
      // node-local-dns's kube-dns-upstream selects the cluster's CoreDNS pods, which another manifest deploys.
      name: "same key, unrelated value (pods deployed separately): info, and no selector rewrite",
      mode: "lint",
      files: { "d.yaml": deployment("containers:\n- name: node-cache\n  image: registry.k8s.io/dns/k8s-dns-node-cache:1.26.4", { name: "node-local-dns", labels: { "k8s-app": "node-local-dns" } }), "s.yaml": service("k8s-app: kube-dns", "53", "kube-dns-upstream") },
      expect: { severity: "info", fixIncludes: ["kubectl get pods -n shop -l k8s-app=kube-dns --show-labels"] },
    },
  ],
});
