import { selectorMismatchRule } from "../../../src/rules/manifest/selector-mismatch.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const container = "containers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0";

testRule(selectorMismatchRule, {
  valid: [{ name: "selector matches labels", mode: "lint", files: { "d.yaml": deployment(container) } }],
  invalid: [
    {
      name: "selector does not match template labels",
      mode: "lint",
      files: { "d.yaml": deployment(container).replace("    metadata:\n      labels:\n        app: web", "    metadata:\n      labels:\n        app: web-v2") },
      expect: { category: "config-schema-error", severity: "error", summary: /selects app=web but its pod template is labelled app=web-v2/, resource: { line: 8 }, equivalents: ["kube-linter:mismatching-selector"] },
    },
  ],
});
