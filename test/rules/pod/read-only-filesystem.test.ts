import { readOnlyFilesystem } from "../../../src/rules/pod/read-only-filesystem.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, list, NOW, pod, running } from "./fixtures.js";

const ro = { readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 10001 };
const crashing = (name = "app") => list(pod({ containers: [{ name, securityContext: ro, status: crashLoop({ exitCode: 1 }, 5, "2m40s", name) }] }));
const log = (text: string, container = "app") => [{ pod: "api-7d9f8b6c5d-x2k9p", container, previous: true, text }];

testRule(readOnlyFilesystem, {
  valid: [
    { name: "read-only root with an emptyDir, healthy", files: { "pod.json": list(pod({ containers: [{ securityContext: ro, volumeMounts: [{ name: "tmp", mountPath: "/tmp" }], status: running() }], volumes: [{ name: "tmp", emptyDir: {} }] })) }, now: NOW },
    { name: "nginx's informational read-only notice alone does not crash it", files: { "pod.json": list(pod({ containers: [{ name: "nginx", status: running() }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "nginx", text: "10-listen-on-ipv6-by-default.sh: info: can not modify /etc/nginx/conf.d/default.conf (read-only file system?)\n" }], now: NOW },
  ],
  invalid: [
    {
      name: "open /app/logs/app.log: read-only file system",
      files: { "pod.json": crashing() },
      logs: log("2025/06/02 10:12:08 open /app/logs/app.log: read-only file system\n"),
      now: NOW,
      expect: { category: "read-only-filesystem", evidence: [/readOnlyRootFilesystem: true/], fixIncludes: [/mountPath: \/app\/logs/, /emptyDir: \{\}/] },
    },
    {
      name: "postfix entrypoint chmod (docker-postfix#199)",
      files: { "pod.json": crashing("postfix") },
      logs: log("chmod: changing permissions of '/scripts/common-run.sh': Read-only file system\nchmod: changing permissions of '/scripts/common.sh': Read-only file system\n", "postfix"),
      now: NOW,
      expect: { category: "read-only-filesystem", fixIncludes: [/mountPath: \/scripts/] },
    },
    {
      name: "OpenSearch keystore temp file (opensearch helm-charts#187)",
      files: { "pod.json": crashing("opensearch") },
      logs: log('sed: couldn\'t open temporary file /usr/share/opensearch/config/sedJSnoBz: Read-only file system\nException in thread "main" org.opensearch.bootstrap.BootstrapException: java.nio.file.FileSystemException: /usr/share/opensearch/config/opensearch.keystore.tmp: Read-only file system\n', "opensearch"),
      now: NOW,
      expect: { category: "read-only-filesystem", fixIncludes: [/mountPath: \/usr\/share\/opensearch\/config/] },
    },
  ],
});
