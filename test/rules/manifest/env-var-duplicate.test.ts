import { envVarDuplicateRule } from "../../../src/rules/manifest/env-var-duplicate.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

testRule(envVarDuplicateRule, {
  valid: [{ name: "distinct names", mode: "lint", files: { "d.yaml": deployment('containers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0\n  env:\n  - { name: LOG_LEVEL, value: info }\n  - { name: PORT, value: "8080" }') } }],
  invalid: [
    {
      name: "LOG_LEVEL twice",
      mode: "lint",
      files: { "d.yaml": deployment('containers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0\n  env:\n  - { name: LOG_LEVEL, value: info }\n  - { name: PORT, value: "8080" }\n  - { name: LOG_LEVEL, value: debug }') },
      expect: { category: "missing-config-reference", severity: "warning", resource: { line: 22 }, summary: /sets LOG_LEVEL twice \(env\[0\] and env\[2\]\)/, equivalents: ["kube-linter:duplicate-env-var"] },
    },
  ],
});
