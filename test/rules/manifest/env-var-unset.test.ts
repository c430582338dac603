import { envVarUnsetRule } from "../../../src/rules/manifest/env-var-unset.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const script = (body: string, env = "") => `containers:
- name: worker
  image: ghcr.io/acme/worker:3.1.0
  command: ["sh", "-c"]
  args:
  - |
${body
  .split("\n")
  .map((l) => "    " + l)
  .join("\n")}
${env}`;

const check = 'if [ -z "$DATABASE_URL" ]; then echo "DATABASE_URL is required" >&2; exit 1; fi\nexec /app/worker --db "$DATABASE_URL"';

testRule(envVarUnsetRule, {
  valid: [
    { name: "variable set from a Secret", mode: "lint", files: { "d.yaml": deployment(script(check, "  env:\n  - name: DATABASE_URL\n    valueFrom:\n      secretKeyRef:\n        name: worker-db\n        key: url")) } },
    { name: "default given in the script", mode: "lint", files: { "d.yaml": deployment(script('exec /app/worker --port "${PORT:-8080}"')) } },
    { name: "variable assigned by the script itself", mode: "lint", files: { "d.yaml": deployment(script('CONFIG_DIR=/etc/worker\nexec /app/worker --config "${CONFIG_DIR}/worker.yaml"')) } },
    { name: "envFrom an unknown Secret may set it", mode: "lint", files: { "d.yaml": deployment(script(check, "  envFrom:\n  - secretRef:\n      name: worker-env")) } },
    { name: "service discovery variables come from the kubelet", mode: "lint", files: { "d.yaml": deployment(script('exec /app/worker --redis "${REDIS_SERVICE_HOST}:${REDIS_SERVICE_PORT}"')) } },
  ],
  invalid: [
    {
      name: "if [ -z \"$VAR\" ] with no env",
      mode: "lint",
      files: { "d.yaml": deployment(script(check)) },
      expect: { category: "missing-config-reference", severity: "error", resource: { container: "worker", line: 21 }, summary: /checks for DATABASE_URL/, fixIncludes: ["name: DATABASE_URL"] },
    },
    {
      name: "$(VAR) expansion in args with a misspelt env name",
      mode: "lint",
      files: {
        "d.yaml": deployment('containers:\n- name: api\n  image: ghcr.io/acme/api:1.2.0\n  args: ["--listen=:$(HTTP_PORT)"]\n  env:\n  - name: HTTP_PROT\n    value: "8080"'),
      },
      expect: { severity: "warning", summary: /HTTP_PORT/ },
    },
    {
      name: "${VAR:?} required expansion",
      mode: "lint",
      files: { "d.yaml": deployment(script('exec /app/worker --queue "${QUEUE_NAME:?QUEUE_NAME must be set}"')) },
      expect: { severity: "error", summary: /QUEUE_NAME/ },
    },
  ],
});
