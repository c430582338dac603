import { destinationRuleSubsetWithoutLabels } from "../../../src/rules/istio/destinationrule-subset-without-labels.js";
import { testRule } from "../../helpers/rule-tester.js";

const dr = (subsets: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n  host: reviews\n  subsets:\n${subsets}`;
const labelled = (name: string) => `  - name: ${name}\n    labels:\n      version: ${name}\n`;
const bare = (name: string) => `  - name: ${name}\n`;

testRule(destinationRuleSubsetWithoutLabels, {
  valid: [{ name: "every subset labelled", files: { "dr.yaml": dr(labelled("v1") + labelled("v2")) } }],
  invalid: [
    { name: "the only subset has no labels", files: { "dr.yaml": dr(bare("all")) }, expect: { severity: "warning", resource: { kind: "DestinationRule", line: 9 }, summary: /subset "all" has no labels/, equivalents: ["KIA0209"] } },
    { name: "an unlabelled subset beside labelled ones", files: { "dr.yaml": dr(labelled("v1") + bare("all")) }, expect: { severity: "info", resource: { line: 12 }, summary: /subset "all" has no labels/ } },
  ],
});
