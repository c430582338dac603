import { commandNotInImageRule } from "../../../src/rules/manifest/command-not-in-image.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const container = (image: string, command: string) => deployment(`containers:\n- name: app\n  image: ${image}\n  command: ${command}`);
/** The wait-for-the-database init container of many charts, as written for busybox. */
const waitFor = (image: string, script: string) =>
  deployment(`initContainers:\n- name: wait-for-db\n  image: ${image}\n  command: ["sh", "-c", ${JSON.stringify(script)}]\ncontainers:\n- name: app\n  image: ghcr.io/acme/shop-api:2.4.1`);

testRule(commandNotInImageRule, {
  valid: [
    { name: "busybox's wget in a wait loop", mode: "lint", files: { "d.yaml": waitFor("busybox:1.36", "until wget -q --spider http://db:5432; do sleep 2; done") } },
    { name: "curl installed first", mode: "lint", files: { "d.yaml": waitFor("alpine:3.20", "apk add --no-cache curl && until curl -sf http://db:5432; do sleep 2; done") } },
    { name: "curl only named in a message", mode: "lint", files: { "d.yaml": waitFor("alpine:3.20", 'echo "curl is not here"; sleep 5') } },
    { name: "bash in ubuntu", mode: "lint", files: { "d.yaml": container("ubuntu:24.04", '["bash", "-c", "exec /app/server"]') } },
    { name: "a distroless debug tag has a busybox shell", mode: "lint", files: { "d.yaml": container("gcr.io/distroless/base-debian12:debug", '["sh", "-c", "exec /app/server"]') } },
    { name: "distroless with its own entrypoint", mode: "lint", files: { "d.yaml": deployment("containers:\n- name: app\n  image: gcr.io/distroless/static-debian12:nonroot\n  args: [\"--port\", \"8080\"]") } },
    { name: "distroless by digest alone: cannot tell a debug image", mode: "lint", files: { "d.yaml": container("gcr.io/distroless/static@sha256:3f3e3a5b1c7a0c8a0d2b7c5e9f4e6d8c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e", '["sh", "-c", "exec /app/server"]') } },
    { name: "an image of another publisher named alpine", mode: "lint", files: { "d.yaml": container("ghcr.io/acme/alpine:3.20", '["bash", "-c", "exec /app/server"]') } },
    { name: "curlimages/curl has curl", mode: "lint", files: { "d.yaml": waitFor("curlimages/curl:8.10.1", "until curl -sf http://db:5432; do sleep 2; done") } },
  ],
  invalid: [
    {
      name: "a wait loop with curl in busybox never ends",
      mode: "lint",
      files: { "d.yaml": waitFor("busybox:1.36", "until curl -sf http://db:5432; do echo waiting; sleep 2; done") },
      expect: { severity: "error", category: "bad-command", summary: /Container wait-for-db runs curl as a command of its script, and the busybox image has no curl \(busybox:1.36\)/, fixIncludes: [/wget -q -O-/] },
    },
    {
      name: "bash as command[0] in alpine",
      mode: "lint",
      files: { "d.yaml": container("alpine:3.20", '["/bin/bash", "-c", "echo starting; exec /app/server"]') },
      expect: { summary: /Container app runs bash as command\[0\], and the alpine image has no bash \(alpine:3.20\)/, resource: { line: 19 }, fixIncludes: [/- sh/] },
    },
    {
      name: "a shell in distroless",
      mode: "lint",
      files: { "d.yaml": container("gcr.io/distroless/static-debian12:nonroot", '["sh", "-c", "exec /app/server --port 8080"]') },
      expect: { summary: /runs sh as command\[0\], and distroless images have no shell \(sh\)/, fixIncludes: [/:debug tag/] },
    },
    {
      name: "sleep in distroless (a debugging overlay)",
      mode: "lint",
      files: { "d.yaml": container("gcr.io/distroless/java21-debian12", '["sleep", "3600"]') },
      expect: { summary: /runs sleep as command\[0\], and distroless images have no sleep \(no shell, no coreutils\)/ },
    },
    {
      name: "kubectl in the official alpine image",
      mode: "lint",
      files: { "d.yaml": container("docker.io/library/alpine:3.20", '["kubectl", "get", "pods"]') },
      expect: { summary: /the alpine image has no kubectl/ },
    },
  ],
});
