import { probesIdenticalRule } from "../../../src/rules/manifest/probes-identical.js";
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

testRule(probesIdenticalRule, {
  valid: [{ name: "separate live and ready endpoints", mode: "lint", files: { "d.yaml": deployment(healthy) } }],
  invalid: [
    {
      name: "same httpGet for both",
      mode: "lint",
      files: { "d.yaml": deployment(web("  livenessProbe:\n    httpGet: { path: /health, port: http }\n    initialDelaySeconds: 30\n  readinessProbe:\n    httpGet: { path: /health, port: http }")) },
      expect: { category: "liveness-probe-failure", severity: "warning", summary: /identical.*httpGet \/health/, equivalents: ["kube-score:pod-probes-identical"], fixIncludes: ["path: /healthz/live"] },
    },
  ],
});
