import { deprecatedFields } from "../../../src/rules/istio/deprecated-fields.js";
import { testRule } from "../../helpers/rule-tester.js";

const vs = (delay: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ratings-delay\n  namespace: default\nspec:\n  hosts:\n  - ratings\n  http:\n  - fault:\n      delay:\n        fixedDelay: 7s\n${delay}    route:\n    - destination:\n        host: ratings\n`;

testRule(deprecatedFields, {
  valid: [{ name: "percentage.value", files: { "vs.yaml": vs("        percentage:\n          value: 100\n") } }],
  invalid: [{ name: "fault delay percent", files: { "vs.yaml": vs("        percent: 100\n") }, expect: { severity: "warning", resource: { line: 13 }, summary: /HTTPFaultInjection.Delay.Percent/, equivalents: ["IST0002"] } }],
});
