import { virtualServiceUnreachableRule } from "../../../src/rules/istio/virtualservice-unreachable-rule.js";
import { testRule } from "../../helpers/rule-tester.js";

const vs = (rules: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: productpage\n  namespace: bookinfo\nspec:\n  hosts:\n  - productpage\n  http:\n${rules}`;
const rule = (match: string, subset: string) => `  - ${match ? `match:\n${match}\n    ` : ""}route:\n    - destination:\n        host: productpage\n        subset: ${subset}\n`;
const prefix = (path: string, method = "") => `    - uri:\n        prefix: ${path}${method ? `\n      method:\n        exact: ${method}` : ""}`;

testRule(virtualServiceUnreachableRule, {
  valid: [
    { name: "specific first, catch-all last", files: { "vs.yaml": vs(rule(prefix("/api/v1/products"), "v2") + rule(prefix("/api"), "v1") + rule("", "v1")) } },
    { name: "different methods on the same prefix", files: { "vs.yaml": vs(rule(prefix("/api", "GET"), "v1") + rule(prefix("/api", "POST"), "v2")) } },
  ],
  invalid: [
    {
      name: "catch-all before a specific rule",
      files: { "vs.yaml": vs(rule("", "v1") + rule(prefix("/api/v1/products"), "v2")) },
      expect: { severity: "warning", resource: { line: 14 }, summary: /rule #1 is never used: rule #0 before it has no match/, equivalents: ["IST0130"] },
    },
    {
      name: "a broader prefix first",
      files: { "vs.yaml": vs(rule(prefix("/api"), "v1") + rule(prefix("/api/v1/products"), "v2")) },
      expect: { severity: "info", summary: /rule #1 match #0 is never used: a broader match comes first in rule #0/, equivalents: ["IST0131"] },
    },
  ],
});
