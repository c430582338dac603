import { scriptAlwaysFailsRule } from "../../../src/rules/manifest/script-always-fails.js";
import { testRule } from "../../helpers/rule-tester.js";
import { cronJob, deployment } from "./fixtures.js";

const image = (ref: string) => deployment(`containers:\n- name: app\n  image: ${ref}`);

const sh = (script: string) => `containers:\n- name: app\n  image: alpine:3.20\n  command: ["sh", "-c"]\n  args:\n  - |\n${script
  .split("\n")
  .map((l) => "    " + l)
  .join("\n")}`;

testRule(scriptAlwaysFailsRule, {
  valid: [
    { name: "exit 1 only when the migration fails, then exec of the server", mode: "lint", files: { "d.yaml": deployment(sh("./migrate up || exit 1\nexec /app/server")) } },
    {
      // microservices-demo's loadgenerator frontend-check init container, as published: the loop exits 0 on success.
      name: "retry loop that exits 0 on success, exit 1 only when the retries run out",
      mode: "lint",
      files: { "d.yaml": deployment(sh('MAX_RETRIES=12\nRETRY_INTERVAL=10\nfor i in $(seq 1 $MAX_RETRIES); do\n  STATUSCODE=$(wget --server-response http://${FRONTEND_ADDR} 2>&1 | awk \'/^  HTTP/{print $2}\')\n  if [ $STATUSCODE -eq 200 ]; then\n      echo "Frontend is reachable."\n      exit 0\n  fi\n  sleep $RETRY_INTERVAL\ndone\necho "Failed to reach frontend after $MAX_RETRIES attempts."\nexit 1')) },
    },
    { name: "exit inside if", mode: "lint", files: { "d.yaml": deployment(sh('if [ ! -f /etc/app/config.yaml ]; then\n  echo "missing config" >&2\n  exit 1\nfi\nexec /app/server')) } },
  ],
  invalid: [
    {
      name: "exit 1 left at the end",
      mode: "lint",
      files: { "d.yaml": deployment(sh("echo starting\n/app/warmup\nexit 1")) },
      expect: { category: "app-runtime-error", summary: /always ends with `exit 1`/, resource: { line: 21 } },
    },
    {
      name: "CronJob script that always fails",
      mode: "lint",
      files: { "cj.yaml": cronJob('containers:\n- name: report\n  image: alpine:3.20\n  command: ["/bin/sh", "-c", "echo generating; false"]') },
      expect: { category: "job-backoff-limit", resource: { kind: "CronJob" } },
    },
  ],
});
