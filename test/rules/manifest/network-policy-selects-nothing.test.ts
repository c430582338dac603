import { networkPolicySelectsNothingRule } from "../../../src/rules/manifest/network-policy-selects-nothing.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const web = deployment("containers:\n- name: web\n  image: ghcr.io/acme/web:1.0.0", { name: "web" });

const policy = (selector: string, peer = "app: web") => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  podSelector:
    matchLabels:
      ${selector}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector:
        matchLabels:
          ${peer}
`;

testRule(networkPolicySelectsNothingRule, {
  valid: [
    { name: "policy selects the web pods", mode: "lint", files: { "d.yaml": web, "np.yaml": policy("app: web") } },
    { name: "peer in another manifest set (no near-miss label)", mode: "lint", files: { "d.yaml": web, "np.yaml": policy("app: web", "app: prometheus") } },
  ],
  invalid: [
    { name: "podSelector label typo", mode: "lint", files: { "d.yaml": web, "np.yaml": policy("app: wbe") }, expect: { category: "network-policy-conflict", severity: "info", resource: { kind: "NetworkPolicy", line: 7 }, summary: /selects app=wbe/ } },
    { name: "policy alone in the inputs", mode: "lint", files: { "np.yaml": policy("app: web") }, expect: { summary: /no pod template in the inputs carries/ } },
    { name: "peer label typo", mode: "lint", files: { "d.yaml": web, "np.yaml": policy("app: web", "app: webb") }, expect: { summary: /ingress rule 0 admits pods labelled app=webb/ } },
  ],
});
