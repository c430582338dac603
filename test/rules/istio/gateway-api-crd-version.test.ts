import { gatewayApiCrdVersion } from "../../../src/rules/istio/gateway-api-crd-version.js";
import { testRule } from "../../helpers/rule-tester.js";

const crd = (version: string) => `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: tlsroutes.gateway.networking.k8s.io\n  annotations:\n    gateway.networking.k8s.io/bundle-version: ${version}\n    gateway.networking.k8s.io/channel: experimental\nspec:\n  group: gateway.networking.k8s.io\n  names:\n    kind: TLSRoute\n    plural: tlsroutes\n  scope: Namespaced\n  versions:\n  - name: v1alpha2\n    served: true\n    storage: true\n`;

testRule(gatewayApiCrdVersion, {
  valid: [{ name: "v1.5.0", files: { "crd.yaml": crd("v1.5.0") } }],
  invalid: [{ name: "v1.4.1", files: { "crd.yaml": crd("v1.4.1") }, expect: { severity: "warning", resource: { line: 6 }, summary: /Gateway API v1.4.1; Istio needs at least v1.5.0/, equivalents: ["IST0176"] } }],
});
