import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { plainBytes, scanPlainBytes } from "../../src/envoy/access-log/byte-scanner.js";
import { scanIstioTextLine, scanPlainIstioText, plainLine } from "../../src/envoy/access-log/fast-parsers.js";
import { AccessLogReader, summarizeLines } from "../../src/envoy/access-log/reader.js";
import type { AccessLogSummary } from "../../src/envoy/access-log/summary.js";
import { textLine } from "./fixtures/access-lines.js";
import { mixedLines, requests } from "./fixtures/mixed-lines.js";
import { readAccessLogFile, readAccessLogStream } from "../../src/sources/access-log-files.js";

/**
 * Files are read in place: plain TEXT lines (1xx-3xx, no flag) are counted without an entry, every
 * other line goes through the line parsers. Whatever the lines, the summary must be the one the
 * line-by-line reader (summarizeLines) makes, line numbers included.
 */

/** A summary as plain data (Maps as entry lists), to compare two summaries whole. */
function plain(summary: AccessLogSummary): unknown {
  return JSON.parse(JSON.stringify(summary, (_key, value) => (value instanceof Map ? [...value] : value instanceof Uint32Array ? [...value] : value)));
}

const dir = mkdtempSync(join(tmpdir(), "ktriage-access-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reading access-log files", () => {
  it.each([1, 2, 3, 4])("a file gives the summary the line-by-line reader gives (mix %i)", async (seed) => {
    const lines = mixedLines(3000, seed);
    const expected = plain(summarizeLines(lines));
    for (const ending of ["\n", "\r\n"]) {
      const file = join(dir, `mix-${seed}.log`);
      const body = lines.join(ending);
      writeFileSync(file, seed % 2 ? body : body + ending);
      const fromFile = readAccessLogFile(new AccessLogReader(), file);
      const fromStream = await readAccessLogStream(new AccessLogReader(), Readable.from([Buffer.from(body.slice(0, 5000)), Buffer.from(body.slice(5000))]));
      if (ending === "\n") {
        expect(plain(fromFile)).toEqual(expected);
        expect(plain(fromStream)).toEqual(expected);
      } else {
        // CRLF: the same lines, the carriage return taken off each.
        expect(plain(fromFile)).toEqual(plain(summarizeLines(body.split("\n"))));
        expect(plain(fromStream)).toEqual(plain(fromFile));
      }
    }
  });

  it("counts a plain line in place only when the TEXT scanner reads it as a 1xx-3xx request with no flag", () => {
    let plainCount = 0;
    for (const line of mixedLines(4000, 7)) {
      const text = `x\n${line}\ny`;
      const accepted = scanPlainIstioText(text, 2, 2 + line.length);
      const entry = scanIstioTextLine(line);
      if (!accepted) continue;
      plainCount++;
      expect(entry).toBeDefined();
      expect(entry!.responseFlags).toBe("");
      expect(plainLine.code).toBe(entry!.responseCode);
      expect(plainLine.duration).toBe(entry!.duration);
      expect(text.slice(plainLine.clusterStart, plainLine.clusterEnd).replace(/^-$/, "")).toBe(entry!.upstreamCluster);
      expect(text.slice(plainLine.hostStart, plainLine.hostEnd).replace(/^-$/, "")).toBe(entry!.upstreamHost);
    }
    expect(plainCount).toBeGreaterThan(500);
  });

  it("reads a plain line from its bytes exactly as from its text", () => {
    let accepted = 0;
    for (const line of mixedLines(6000, 11)) {
      if (!/^[\x00-\x7f]*$/.test(line)) continue;
      const text = `x\n${line}\ny`;
      const newline = 2 + line.length;
      const fromText = newline > 2 && scanPlainIstioText(text, 2, line.endsWith("\r") ? newline - 1 : newline);
      const fromBytes = scanPlainBytes(Buffer.from(text, "latin1"), 2, newline);
      expect(fromBytes, line).toBe(fromText);
      if (!fromBytes) continue;
      accepted++;
      expect([plainBytes.code, plainBytes.duration, plainBytes.hostStart, plainBytes.hostEnd, plainBytes.clusterStart, plainBytes.clusterEnd]).toEqual([plainLine.code, plainLine.duration, plainLine.hostStart, plainLine.hostEnd, plainLine.clusterStart, plainLine.clusterEnd]);
    }
    expect(accepted).toBeGreaterThan(1000);
  });

  it.each(["\n", "\r\n"])("a file of ASCII lines, read from its bytes, gives the summary the line-by-line reader gives (%j)", (ending) => {
    const lines = mixedLines(20000, 5).filter((line) => /^[\x00-\x7f]*$/.test(line));
    const file = join(dir, "ascii.log");
    writeFileSync(file, lines.join(ending) + ending);
    expect(plain(readAccessLogFile(new AccessLogReader(), file))).toEqual(plain(summarizeLines(lines.join(ending).split("\n"))));
  });

  it("names the file line of a line that is not an access-log line", () => {
    const file = join(dir, "bad.log");
    writeFileSync(file, [textLine(requests[0]!), "not an access log line", textLine(requests[1]!)].join("\n") + "\n");
    const summary = readAccessLogFile(new AccessLogReader(), file);
    expect(summary.skipped).toEqual({ count: 1, samples: [{ line: 2, text: "not an access log line" }] });
  });
});
