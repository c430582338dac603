import { virtualServiceDestinationPortRequired } from "../../../src/rules/istio/virtualservice-destination-port-required.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

const service = `apiVersion: v1\nkind: Service\nmetadata:\n  name: productpage\n  namespace: default\nspec:\n  selector:\n    app: productpage\n  ports:\n  - name: http\n    port: 9080\n  - name: http-metrics\n    port: 15090`;
const vs = (port: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: productpage\n  namespace: default\nspec:\n  hosts:\n  - productpage\n  http:\n  - route:\n    - destination:\n        host: productpage${port}`;

testRule(virtualServiceDestinationPortRequired, {
  valid: [{ name: "port given", files: { "a.yaml": docs(service, vs("\n        port:\n          number: 9080")) } }],
  invalid: [{ name: "two Service ports and no port in the destination", files: { "a.yaml": docs(service, vs("")) }, expect: { severity: "error", summary: /exposes ports 9080, 15090/, fixIncludes: [/number: 9080/], equivalents: ["IST0112"] } }],
});
