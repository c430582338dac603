import { readOnlyRootWritesRule } from "../../../src/rules/manifest/read-only-root-writes.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

testRule(readOnlyRootWritesRule, {
  valid: [
    {
      name: "seed 001 section 4.6 fix: emptyDir at /app/logs",
      mode: "lint",
      files: {
        "d.yaml": deployment(`containers:
- name: app
  image: ghcr.io/acme/billing:4.2.0
  args: ["--log-file=/app/logs/app.log"]
  securityContext:
    readOnlyRootFilesystem: true
  volumeMounts:
  - name: work
    mountPath: /app/logs
volumes:
- name: work
  emptyDir: {}`),
      },
    },
    {
      name: "nginx-unprivileged with /tmp as emptyDir",
      mode: "lint",
      files: { "d.yaml": deployment("containers:\n- name: web\n  image: nginxinc/nginx-unprivileged:1.27-alpine\n  securityContext: { readOnlyRootFilesystem: true }\n  volumeMounts:\n  - { name: tmp, mountPath: /tmp }\nvolumes:\n- { name: tmp, emptyDir: {} }") },
    },
  ],
  invalid: [
    {
      name: "seed 001 section 4.6: log path with no volume",
      mode: "lint",
      files: { "d.yaml": deployment('containers:\n- name: app\n  image: ghcr.io/acme/billing:4.2.0\n  args: ["--log-file=/app/logs/app.log"]\n  securityContext:\n    readOnlyRootFilesystem: true') },
      expect: { category: "read-only-filesystem", severity: "error", resource: { container: "app", line: 21 }, summary: /writes to \/app\/logs\/app.log/, fixIncludes: ["mountPath: /app/logs", "emptyDir: {}"] },
    },
    {
      name: "official nginx image under readOnlyRootFilesystem",
      mode: "lint",
      files: { "d.yaml": deployment("containers:\n- name: web\n  image: nginx:1.27.2\n  securityContext:\n    readOnlyRootFilesystem: true") },
      expect: { summary: /\/var\/cache\/nginx, \/var\/run/ },
    },
  ],
});
