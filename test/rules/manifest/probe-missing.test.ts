import { probeMissingRule } from "../../../src/rules/manifest/probe-missing.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const web = (probes: string, ports = "  ports:\n  - name: http\n    containerPort: 8080") => `containers:
- name: web
  image: ghcr.io/nginxinc/nginx-unprivileged:1.27-alpine
${ports}
${probes}`;

const healthy = web(`  startupProbe:
    httpGet: { path: /healthz/startup, port: http }
    periodSeconds: 2
    failureThreshold: 60
  livenessProbe:
    httpGet: { path: /healthz/live, port: http }
    periodSeconds: 10
    timeoutSeconds: 2
    failureThreshold: 3
  readinessProbe:
    httpGet: { path: /healthz/ready, port: http }
    periodSeconds: 5
    timeoutSeconds: 1
    failureThreshold: 2`);

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
