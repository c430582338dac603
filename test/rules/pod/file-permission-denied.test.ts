import { filePermissionDenied } from "../../../src/rules/pod/file-permission-denied.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, list, NOW, pod, running } from "./fixtures.js";

const crashing = (name: string, image: string) => list(pod({ name: "postgres-0", owner: "StatefulSet/postgres", containers: [{ name, image, volumeMounts: [{ name: "data", mountPath: "/var/lib/pgsql/data" }], status: crashLoop({ exitCode: 1 }, 7, "5m0s", name, "postgres-0") }], volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data-postgres-0" } }] }));
const log = (text: string, container: string) => [{ pod: "postgres-0", container, previous: true, text }];

testRule(filePermissionDenied, {
  valid: [
    { name: "healthy postgres", files: { "pod.json": list(pod({ name: "postgres-0", containers: [{ name: "postgres", status: running() }] })) }, now: NOW },
    { name: "exec permission denied is a bad command, not a file permission", files: { "pod.json": list(pod({ containers: [{ status: crashLoop({ exitCode: 126 }) }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "exec /app/entrypoint.sh: permission denied\n" }], now: NOW },
  ],
  invalid: [
    {
      name: "PostgreSQL on EBS without fsGroup (konveyor/operator#172)",
      files: { "pod.json": crashing("postgresql", "quay.io/sclorg/postgresql-12-c8s") },
      logs: log("mkdir: cannot create directory '/var/lib/pgsql/data/userdata': Permission denied\n", "postgresql"),
      now: NOW,
      expect: { category: "file-permission-denied", fixIncludes: [/fsGroup/] },
    },
    {
      name: "crunchy-postgres shows the uid first (crunchy-containers#105)",
      files: { "pod.json": crashing("pgset", "crunchydata/crunchy-postgres:centos7-10.4") },
      logs: log("uid=26(postgres) gid=26(postgres) groups=26(postgres)\n+ mkdir -p /pgdata/pgset-0\nmkdir: cannot create directory '/pgdata/pgset-0': Permission denied\n", "pgset"),
      now: NOW,
      expect: { category: "file-permission-denied", fixIncludes: [/fsGroup: 26/] },
    },
    {
      name: "nginx cannot open its error log as non-root (wire-server#3352)",
      files: { "pod.json": crashing("nginz", "quay.io/wire/nginz:5.0") },
      logs: log('nginx: [alert] could not open error log file: open() "/var/log/nginx/error.log" failed (13: Permission denied)\n2025/06/02 10:12:08 [emerg] 9#9: open() "/var/run/nginz.pid" failed (13: Permission denied)\n', "nginz"),
      now: NOW,
      expect: { category: "file-permission-denied" },
    },
  ],
});
