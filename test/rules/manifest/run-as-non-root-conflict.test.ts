import { runAsNonRootConflictRule } from "../../../src/rules/manifest/run-as-non-root-conflict.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

testRule(runAsNonRootConflictRule, {
  valid: [
    { name: "non-root UID", mode: "lint", files: { "d.yaml": deployment("securityContext: { runAsNonRoot: true, runAsUser: 10001 }\ncontainers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0") } },
    { name: "unknown image without runAsUser: cannot tell", mode: "lint", files: { "d.yaml": deployment("securityContext: { runAsNonRoot: true }\ncontainers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0") } },
  ],
  invalid: [
    {
      name: "runAsNonRoot with runAsUser: 0",
      mode: "lint",
      files: { "d.yaml": deployment("containers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 0") },
      expect: { category: "insufficient-privileges", severity: "error", summary: /sets runAsUser: 0/, resource: { line: 21 }, evidence: [/runAsUser is 0/], fixIncludes: ["runAsUser: 10001"] },
    },
    {
      name: "runAsNonRoot with the root nginx image",
      mode: "lint",
      files: { "d.yaml": deployment("securityContext:\n  runAsNonRoot: true\ncontainers:\n- name: web\n  image: nginx:1.27.2") },
      expect: { summary: /runs as root \(the default user of nginx:1.27.2\)/, resource: { line: 17 } },
    },
  ],
});
