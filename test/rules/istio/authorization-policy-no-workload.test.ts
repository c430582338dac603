import { authorizationPolicyNoWorkload } from "../../../src/rules/istio/authorization-policy-no-workload.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, reviewsDeployment } from "./fixtures.js";

const policy = (selector: string, namespace = "default") => `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: reviews-viewer\n  namespace: ${namespace}\nspec:\n${selector}  action: ALLOW\n  rules:\n  - from:\n    - source:\n        principals: ["cluster.local/ns/default/sa/bookinfo-productpage"]\n    to:\n    - operation:\n        methods: ["GET"]`;

testRule(authorizationPolicyNoWorkload, {
  valid: [
    { name: "selects reviews", files: { "a.yaml": docs(reviewsDeployment("v1"), policy("  selector:\n    matchLabels:\n      app: reviews\n")) } },
    { name: "mesh-wide policy in the root namespace", files: { "a.yaml": docs(reviewsDeployment("v1"), policy("", "istio-system")) } },
  ],
  invalid: [
    { name: "selector matches nothing", files: { "a.yaml": docs(reviewsDeployment("v1"), policy("  selector:\n    matchLabels:\n      app: review\n")) }, expect: { severity: "warning", summary: /selects app=review, and no workload in namespace default/, equivalents: ["IST0127"] } },
    { name: "namespace-wide policy in an empty namespace", files: { "a.yaml": docs(reviewsDeployment("v1"), policy("", "reviews")) }, expect: { summary: /namespace reviews, which runs no workload/ } },
  ],
});
