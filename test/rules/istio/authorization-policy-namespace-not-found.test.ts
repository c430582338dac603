import { authorizationPolicyNamespaceNotFound } from "../../../src/rules/istio/authorization-policy-namespace-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

const namespaces = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: frontend\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod-payments`;
const policy = (list: string) => `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: allow-frontend\n  namespace: backend\nspec:\n  action: ALLOW\n  rules:\n  - from:\n    - source:\n        namespaces: [${list}]`;

testRule(authorizationPolicyNamespaceNotFound, {
  valid: [{ name: "existing namespace and pattern", files: { "a.yaml": docs(namespaces, policy('"frontend", "prod-*"')) } }],
  invalid: [{ name: "typo in the namespace", files: { "a.yaml": docs(namespaces, policy('"fronted"')) }, expect: { severity: "error", resource: { line: 21 }, summary: /namespaces "fronted" matches no namespace/, equivalents: ["IST0101", "KIA0101"] } }],
});
