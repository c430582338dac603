import { virtualServiceRouteWeights } from "../../../src/rules/istio/virtualservice-route-weights.js";
import { testRule } from "../../helpers/rule-tester.js";

const vs = (routes: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n  namespace: default\nspec:\n  hosts:\n  - reviews\n  http:\n  - route:\n${routes}`;
const route = (subset: string, weight?: number) => `    - destination:\n        host: reviews\n        subset: ${subset}\n${weight === undefined ? "" : `      weight: ${weight}\n`}`;

testRule(virtualServiceRouteWeights, {
  valid: [
    { name: "90/10 canary", files: { "vs.yaml": vs(route("v1", 90) + route("v2", 10)) } },
    { name: "single destination without weight", files: { "vs.yaml": vs(route("v1")) } },
  ],
  invalid: [
    { name: "90/20 adds up to 110", files: { "vs.yaml": vs(route("v1", 90) + route("v2", 20)) }, expect: { severity: "warning", resource: { line: 10 }, summary: /weights add up to 110, not 100 \(effective split reviews\/v1: 81.8%, reviews\/v2: 18.2%\)/, fixIncludes: [/weight: 82/, /weight: 18/] } },
    { name: "single destination with weight 50", files: { "vs.yaml": vs(route("v3", 50)) }, expect: { summary: /one destination with weight 50/, equivalents: ["KIA1104"] } },
  ],
});
