import { describe, expect, it } from "vitest";
import { causeFromLog, primaryMatch, runningLogCause } from "../../../../src/rules/pod/causes/log-cause.js";
import { crashLoop, running } from "../fixtures.js";
import { appLog, containerContext } from "./contexts.js";

/** Last lines of real crashes, with the cause each names. */
const rows: Array<[string, string, string]> = [
  ["libpq refused", 'psycopg2.OperationalError: connection to server at "postgres" (10.96.151.170), port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?', "dependency-unavailable"],
  ["Go name lookup", 'panic: dial tcp: lookup postgres.ops.svc.cluster.local on 10.96.0.10:53: no such host\n\ngoroutine 1 [running]:\nmain.main()', "dependency-unavailable"],
  ["port taken", "Error: listen EADDRINUSE: address already in use :::3000\n    at Server.setupListenHandle [as _listen2] (node:net:1817:16)", "port-in-use"],
  ["read-only root", "nginx: [emerg] mkdir() \"/var/cache/nginx/client_temp\" failed (30: Read-only file system)", "read-only-filesystem"],
  ["Java heap", 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n\tat java.base/java.util.Arrays.copyOf(Arrays.java:3512)', "oom-killed"],
];

describe("a crash's log line names its cause", () => {
  it.each(rows)("%s", (_name, log, category) => {
    const container = containerContext({ containers: [{ status: crashLoop({ exitCode: 1 }) }] }, [], appLog(log));
    const match = primaryMatch(container);
    expect(match).toBeDefined();
    expect(causeFromLog(container, match!, { exitCode: 1 }, true).category).toBe(category);
  });

  it("localhost on a port the sidecar declares is the sidecar, not a database", () => {
    const container = containerContext(
      { containers: [{ status: crashLoop({ exitCode: 1 }) }, { name: "cloud-sql-proxy", ports: [{ containerPort: 5432 }], status: running() }] },
      [],
      appLog('2025/06/02 10:12:08 failed to connect to database: dial tcp 127.0.0.1:5432: connect: connection refused'),
    );
    expect(causeFromLog(container, primaryMatch(container)!, { exitCode: 1 }, true)).toMatchObject({ category: "sidecar-dependency", detail: { sidecar: "cloud-sql-proxy" } });
  });

  it("a running container whose current log shows an unhandled failure is a warning; a retried one is nothing", () => {
    const failing = containerContext({ containers: [{ status: running() }] }, [], appLog("ERROR main: could not open /etc/app/config.yaml: open /etc/app/config.yaml: no such file or directory", false));
    expect(runningLogCause(failing)?.severity).toBe("warning");
    const retried = containerContext({ containers: [{ status: running() }] }, [], appLog('WARN retrying: connection to server at "postgres" (10.96.151.170), port 5432 failed: Connection refused', false));
    expect(runningLogCause(retried)).toBeUndefined();
  });
});
