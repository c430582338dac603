import { commandExitsImmediatelyRule } from "../../../src/rules/manifest/command-exits-immediately.js";
import { testRule } from "../../helpers/rule-tester.js";
import { cronJob, deployment, pod } from "./fixtures.js";

const image = (ref: string) => deployment(`containers:\n- name: app\n  image: ${ref}`);

const sh = (script: string) => `containers:\n- name: app\n  image: alpine:3.20\n  command: ["sh", "-c"]\n  args:\n  - |\n${script
  .split("\n")
  .map((l) => "    " + l)
  .join("\n")}`;

testRule(commandExitsImmediatelyRule, {
  valid: [
    { name: "debug container that echoes, then sleeps an hour", mode: "lint", files: { "d.yaml": deployment('containers:\n- name: c\n  image: alpine:3.20\n  command: ["sh","-c","echo OK; sleep 3600"]') } },
    { name: "exec of a server", mode: "lint", files: { "d.yaml": deployment(sh("echo starting\nexec /app/server --port 8080")) } },
    { name: "chown then exec of the server, chained with &&", mode: "lint", files: { "d.yaml": deployment(sh("chown -R indexer:indexer /srv/media && exec su-exec indexer /usr/local/bin/media-indexer")) } },
    { name: "Job may finish", mode: "lint", files: { "cj.yaml": cronJob('containers:\n- name: report\n  image: alpine:3.20\n  command: ["sh", "-c", "date; echo done"]') } },
  ],
  invalid: [
    {
      name: "Deployment that echoes and ends",
      mode: "lint",
      files: { "d.yaml": deployment('containers:\n- name: hello\n  image: busybox:1.36\n  command: ["sh", "-c", "echo Hello Kubernetes; date"]') },
      expect: { category: "exits-zero-under-always", severity: "error", summary: /echo Hello Kubernetes; date/, fixIncludes: ["exec sleep infinity"] },
    },
    {
      name: "one-shot commands chained with && and ||",
      mode: "lint",
      files: { "d.yaml": deployment(sh("mkdir -p /data/cache && chown 1000:1000 /data/cache || echo cannot prepare /data/cache")) },
      expect: { category: "exits-zero-under-always" },
    },
    { name: "bare Pod running printenv", mode: "lint", files: { "p.yaml": pod('containers:\n- name: env\n  image: busybox:1.36\n  command: ["printenv"]') }, expect: { resource: { kind: "Pod" } } },
  ],
});
