import { readOnlyRootWritesRule } from "../../../src/rules/manifest/read-only-root-writes.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

testRule(readOnlyRootWritesRule, {
  valid: [
    {
      // kube-prometheus node-exporter as published: the udev path is read under a read-only hostPath mount.
      name: "path under a read-only hostPath mount is not on the root filesystem",
      mode: "lint",
      files: {
        "d.yaml": deployment(`containers:
- name: node-exporter
  image: quay.io/prometheus/node-exporter:v1.9.1
  args: ["--path.rootfs=/host/root", "--path.udev.data=/host/root/run/udev/data"]
  securityContext:
    readOnlyRootFilesystem: true
  volumeMounts:
  - name: root
    mountPath: /host/root
    readOnly: true
    mountPropagation: HostToContainer
volumes:
- name: root
  hostPath:
    path: /`),
      },
    },
    {
      // Argo CD's argocd-redis as published: /data is the redis image's declared VOLUME, writable under a read-only root.
      name: "redis /data is an image VOLUME",
      mode: "lint",
      files: { "d.yaml": deployment(`containers:\n- name: redis\n  image: public.ecr.aws/docker/library/redis:8.2.3-alpine\n  args: ["--save", "", "--appendonly", "no"]\n  securityContext:\n    readOnlyRootFilesystem: true`) },
    },
    {
      name: "the fix: emptyDir mounted at /app/logs",
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
      name: "log file under /app/logs with no volume there",
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
