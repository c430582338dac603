import { probeExecNeverSucceedsRule } from "../../../src/rules/manifest/probe-exec-never-succeeds.js";
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

testRule(probeExecNeverSucceedsRule, {
  valid: [{ name: "shell command as a list", mode: "lint", files: { "d.yaml": deployment(web('  livenessProbe:\n    exec:\n      command: ["sh", "-c", "redis-cli ping | grep PONG"]\n    timeoutSeconds: 5')) } }],
  invalid: [
    {
      name: "single string with spaces",
      mode: "lint",
      files: { "d.yaml": deployment(web('  livenessProbe:\n    exec:\n      command: ["cat /tmp/healthy"]')) },
      expect: { category: "bad-probe-config", summary: /single string "cat \/tmp\/healthy"/, fixIncludes: ["- sh", "- cat /tmp/healthy"] },
    },
    { name: "exit 1 in a shell", mode: "lint", files: { "d.yaml": deployment(web('  readinessProbe:\n    exec:\n      command: ["/bin/sh", "-c", "exit 1"]')) }, expect: { summary: /readiness exec probe/ } },
  ],
});
