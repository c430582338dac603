import { describe, expect, it } from "vitest";
import { isCategory } from "../../src/model/categories.js";
import type { LogStream } from "../../src/model/inputs.js";
import { LOG_SIGNATURES } from "../../src/signatures/catalog.js";
import { compileCatalog, matchLine, meaningfulTail, scanLogs, strongestMatch } from "../../src/signatures/scan.js";

/** Envoy's response texts are left out of the container-cause scan; each entry still matches its own example. */
const everything = compileCatalog(LOG_SIGNATURES);

function stream(text: string, previous = false, firstLine = 1): LogStream {
  return { previous, origin: { file: previous ? "app.previous.log" : "app.log" }, firstLine, lines: text.split("\n") };
}

describe("log signature catalog", () => {
  it("has unique ids, real categories, lower-case keywords and a source for every entry", () => {
    const ids = new Set<string>();
    for (const signature of LOG_SIGNATURES) {
      expect(ids.has(signature.id), signature.id).toBe(false);
      ids.add(signature.id);
      expect(isCategory(signature.category), signature.id).toBe(true);
      expect(signature.keyword, signature.id).toBe(signature.keyword.toLowerCase());
      expect(signature.source.length, signature.id).toBeGreaterThan(10);
      expect(signature.example.length, signature.id).toBeGreaterThan(5);
    }
  });

  for (const signature of LOG_SIGNATURES) {
    it(`${signature.id} matches the line it was written from`, () => {
      expect(signature.example.toLowerCase(), "keyword in example").toContain(signature.keyword);
      const found = matchLine(signature.example, everything).map((m) => m.signature.id);
      expect(found).toContain(signature.id);
    });
  }

  it("a specific cause outranks a generic stack trace on the same line", () => {
    const top = matchLine('time="2016-11-22T12:35:00Z" level=fatal msg="Error creating server: listen tcp :8080: bind: address already in use"')[0]!;
    expect(top.signature.category).toBe("port-in-use");
    expect(top.groups.port).toBe("8080");
  });

  it("does not match ordinary healthy lines", () => {
    for (const line of ["INFO  Started ApiApplication in 8.4 seconds", "GET /healthz 200 1ms", "listening on :8080", "connected to postgres at postgres:5432"]) {
      expect(matchLine(line), line).toEqual([]);
    }
  });
});

describe("one pass over the logs", () => {
  it("keeps line numbers, offset by the stream's first line", () => {
    const matches = scanLogs([stream("booting\nconnect ECONNREFUSED 10.96.0.20:6379\nbye", false, 41)]);
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ line: 42, index: 1, previous: false, groups: { host: "10.96.0.20", port: "6379" } });
  });

  it("prefers the previous instance's log at equal strength", () => {
    const current = stream("dial tcp 10.96.12.7:5432: connect: connection refused");
    const previous = stream("dial tcp 10.96.12.7:5432: connect: connection refused", true);
    expect(strongestMatch(scanLogs([current, previous]))!.previous).toBe(true);
  });

  it("looks past the timestamp kubectl logs --timestamps puts first", () => {
    const matches = scanLogs([stream("2025-06-02T10:12:08.123456789Z /bin/sh: ./docker_run.sh: not found", true)]);
    expect(matches[0]).toMatchObject({ signature: { id: "shell-command-not-found" }, groups: { path: "./docker_run.sh" } });
    expect(matches[0]!.text).toMatch(/^2025-06-02T10:12:08/);
  });

  it("cuts very long lines in evidence", () => {
    const long = `panic: ${"x".repeat(5000)}`;
    expect(scanLogs([stream(long)])[0]!.text.length).toBeLessThan(500);
  });

  it("the meaningful tail skips blank lines and stack frames", () => {
    const tail = meaningfulTail(stream("start\nError: boom\n    at main (/app/index.js:3:9)\n    at node:internal/main:1:1\n\n"), 2);
    expect(tail.map((t) => t.text)).toEqual(["start", "Error: boom"]);
  });
});
