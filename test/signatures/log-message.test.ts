import { describe, expect, it } from "vitest";
import { logMessage } from "../../src/signatures/scan.js";

describe("what a log line says, for verdicts", () => {
  it.each([
    // logfmt (go-kit, the lab's port clash)
    ['ts=2025-06-02T10:40:22.412Z caller=main.go:134 level=error msg="Error starting HTTP server" err="listen tcp :8080: bind: address already in use"', "Error starting HTTP server: listen tcp :8080: bind: address already in use"],
    // logrus text (traefik, ../shared/reference/log-signatures.tsv)
    ['time="2016-11-22T12:35:00Z" level=fatal msg="Error creating server: listen tcp :8080: bind: address already in use"', "Error creating server: listen tcp :8080: bind: address already in use"],
    ['time="2022-01-06T07:43:18Z" level=fatal msg="configmaps \\"local-path-config\\" is forbidden"', 'configmaps "local-path-config" is forbidden'],
    // Go's log package
    ["2025/06/02 10:42:29 load config: open /etc/app/config.yaml: no such file or directory", "load config: open /etc/app/config.yaml: no such file or directory"],
    // Python logging
    ["2025-06-02 10:30:02,118 ERROR export: upload failed", "ERROR export: upload failed"],
    // kubectl logs --timestamps
    ["2025-06-02T10:12:09.123456789Z panic: assignment to entry in nil map", "panic: assignment to entry in nil map"],
    // klog
    ['E0602 10:40:22.412345       1 server.go:79] "Failed to listen" err="listen tcp 0.0.0.0:9443: bind: address already in use"', "Failed to listen: listen tcp 0.0.0.0:9443: bind: address already in use"],
    // JSON (zap, pino)
    ['{"level":"error","ts":1748860822.41,"msg":"failed to connect to database","error":"dial tcp 10.96.12.7:5432: connect: connection refused"}', "failed to connect to database: dial tcp 10.96.12.7:5432: connect: connection refused"],
    ['{"level":50,"time":1748860822410,"msg":"Cannot find module \'/app/dist/main.js\'"}', "Cannot find module '/app/dist/main.js'"],
    // plain lines stay as they are
    ["exec /usr/local/bin/docker-entrypoint.sh: exec format error", "exec /usr/local/bin/docker-entrypoint.sh: exec format error"],
    ["botocore.exceptions.NoCredentialsError: Unable to locate credentials", "botocore.exceptions.NoCredentialsError: Unable to locate credentials"],
    ["{not json at all: an object-looking line", "{not json at all: an object-looking line"],
  ])("%s", (line, message) => {
    expect(logMessage(line)).toBe(message);
  });
});
