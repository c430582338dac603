import { probeMissingRule } from "../../../src/rules/manifest/probe-missing.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, healthy, web } from "./fixtures.js";

testRule(probeMissingRule, {
  valid: [
    { name: "both probes", mode: "lint", files: { "d.yaml": deployment(healthy) } },
    { name: "CronJob containers need none", mode: "lint", files: { "cj.yaml": "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: backup\nspec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n          - name: backup\n            image: ghcr.io/acme/backup:1.0.0\n" } },
  ],
  invalid: [
    {
      name: "no probes at all",
      mode: "lint",
      files: { "d.yaml": deployment(web("")) },
      expect: { category: "readiness-probe-failure", severity: "info", summary: /no readinessProbe and no livenessProbe/, fixIncludes: ["readinessProbe:", "port: http"] },
    },
    { name: "readiness only", mode: "lint", files: { "d.yaml": deployment(web("  readinessProbe:\n    httpGet: { path: /ready, port: http }")) }, expect: { category: "liveness-probe-failure" } },
  ],
});
