import { schemaValidation } from "../../../src/rules/istio/schema-validation.js";
import { testRule } from "../../helpers/rule-tester.js";
import { reviewsDestinationRule, reviewsVirtualService } from "./fixtures.js";

testRule(schemaValidation, {
  valid: [
    { name: "valid VirtualService", files: { "vs.yaml": reviewsVirtualService("v1") } },
    { name: "valid DestinationRule", files: { "dr.yaml": reviewsDestinationRule("v1", "v2") } },
    { name: "Kubernetes objects are not Istio's to validate", files: { "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  key: value\n" } },
  ],
  invalid: [
    {
      name: "port number as a string",
      files: { "vs.yaml": `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ratings\n  namespace: default\nspec:\n  hosts:\n  - ratings\n  http:\n  - route:\n    - destination:\n        host: ratings\n        port:\n          number: "9080"\n` },
      expect: { severity: "error", resource: { line: 14 }, summary: /spec.http\[0\].route\[0\].destination.port.number: expected an integer, got string "9080"/, equivalents: ["IST0106"] },
    },
    {
      name: "misspelt field subset in a DestinationRule",
      files: { "dr.yaml": `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n  namespace: default\nspec:\n  host: reviews\n  subset:\n  - name: v1\n    labels:\n      version: v1\n` },
      expect: { resource: { line: 8 }, summary: /unknown field "subset" \(did you mean "subsets"\?\)/, fixIncludes: [/subsets:/] },
    },
    { name: "hosts as a string", files: { "vs.yaml": `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: reviews\n  http:\n  - route:\n    - destination:\n        host: reviews\n` }, expect: { summary: /spec.hosts: expected a list, got string/ } },
    { name: "unknown CRD kind", files: { "x.yaml": `apiVersion: networking.istio.io/v1\nkind: VirtualServce\nmetadata:\n  name: reviews\nspec:\n  hosts:\n  - reviews\n` }, expect: { summary: /kind VirtualServce is not served by networking.istio.io \(did you mean VirtualService\?\)/ } },
    { name: "bad enum value", files: { "pa.yaml": `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: strict\n` }, expect: { summary: /"strict" is not one of UNSET, DISABLE, PERMISSIVE, STRICT/, fixIncludes: [/mode: STRICT/] } },
  ],
});
