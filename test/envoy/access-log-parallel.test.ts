import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lineAlignedRanges } from "../../src/sources/access-log-threads.js";
import { AccessLogReader } from "../../src/envoy/access-log/reader.js";
import type { AccessLogSummary } from "../../src/envoy/access-log/summary.js";
import { connectFailureLines, healthyLines } from "./fixtures/failure-lines.js";
import { mixedLines } from "./fixtures/mixed-lines.js";
import { readAccessLogFile } from "../../src/sources/access-log-files.js";

/**
 * A large file is read in parts, each by its own thread, and the parts' summaries are added up in file
 * order: the result must be the summary of the whole file read in one thread, samples and line numbers
 * included, and `envoy logs` must print the same bytes whatever the number of threads.
 */
const dir = mkdtempSync(join(tmpdir(), "ktriage-access-log-parallel-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function plain(summary: AccessLogSummary): unknown {
  return JSON.parse(JSON.stringify(summary, (_key, value) => (value instanceof Map ? [...value] : value instanceof Uint32Array ? [...value] : value)));
}

/** The file read in `parts` parts as the threads read them: each part's summary crosses a thread boundary (structuredClone) before it is added. */
function readInParts(file: string, parts: number): AccessLogSummary {
  const [first, ...rest] = lineAlignedRanges(file, statSync(file).size, parts);
  const whole = new AccessLogReader();
  readAccessLogFile(whole, file, undefined, first);
  for (const range of rest) {
    const reader = new AccessLogReader();
    reader.summary.keepSampleCandidates = true;
    whole.summary.addFollowing(structuredClone(readAccessLogFile(reader, file, undefined, range)));
  }
  return whole.summary;
}

function writeMix(name: string, lines: string[], ending: string): string {
  const file = join(dir, name);
  writeFileSync(file, lines.join(ending) + ending);
  return file;
}

describe("reading a file in parts", () => {
  it("splits a file into ranges that start after a line break and cover it", () => {
    const file = writeMix("ranges.log", mixedLines(500, 3), "\n");
    const size = statSync(file).size;
    for (const parts of [1, 2, 3, 7, 64, 2000]) {
      const ranges = lineAlignedRanges(file, size, parts);
      expect(ranges[0]!.start).toBe(0);
      expect(ranges.at(-1)!.end).toBe(size);
      for (let index = 1; index < ranges.length; index++) expect(ranges[index]!.start).toBe(ranges[index - 1]!.end);
      expect(ranges.length).toBeLessThanOrEqual(Math.min(parts, 500));
    }
  });

  it.each([1, 2, 3, 4])("gives the summary of the file read whole, in 2 to 9 parts (mix %i)", (seed) => {
    for (const ending of ["\n", "\r\n"]) {
      const file = writeMix(`mix-${seed}.log`, mixedLines(6000, seed), ending);
      const expected = plain(readAccessLogFile(new AccessLogReader(), file));
      for (const parts of [2, 3, 5, 9]) expect(plain(readInParts(file, parts))).toEqual(expected);
    }
  });

  it("keeps the samples the whole file keeps when every part is full of one problem's lines", () => {
    const lines = mixedLines(20000, 11).filter((line) => / (UF|URX|UH|NR|DC|UT|UC|UO|URX,UF|UF,URX) /.test(line) || line.startsWith("{"));
    expect(lines.length).toBeGreaterThan(1000);
    const file = writeMix("failures.log", lines, "\n");
    const expected = plain(readAccessLogFile(new AccessLogReader(), file));
    for (const parts of [2, 4, 16, 50]) expect(plain(readInParts(file, parts))).toEqual(expected);
  });

  it("keeps the samples of a problem whose lines carry many kinds of flags, in any part", () => {
    // UF, URX, UC and UR are one problem (a failed connection); each order of each set of them is a kind of sample.
    // The first third of the file has one kind (UF,URX): its 5 samples leave room for 5 more of other kinds,
    // which a part that starts with other kinds must find past its own first samples of UF,URX.
    const kinds: string[] = [];
    const build = (done: string[], left: string[]): void => {
      if (done.length > 0) kinds.push(done.join(","));
      for (const flag of left) build([...done, flag], left.filter((other) => other !== flag));
    };
    build([], ["UF", "URX", "UC", "UR"]);
    let state = 7;
    const lines = Array.from({ length: 3000 }, (_, i) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      const line = connectFailureLines[i % connectFailureLines.length]!;
      const pick = state >> 16;
      return i < 1000 || pick % 8 === 0 ? line : line.replace(" UF,URX ", ` ${kinds[(pick >> 3) % kinds.length]} `);
    });
    const file = writeMix("kinds.log", lines, "\n");
    const expected = plain(readAccessLogFile(new AccessLogReader(), file));
    for (const parts of [2, 3, 4, 7, 40, 300]) expect(plain(readInParts(file, parts))).toEqual(expected);
  });
});

describe("reading a file in parts, samples", () => {
  it("keeps a sample the first part's samples leave room for, past the second part's own first ten", () => {
    const connect = connectFailureLines[0]!;
    const kind = (flags: string) => connect.replace(" UF,URX ", ` ${flags} `);
    const filler = Array.from({ length: 40 }, (_, i) => healthyLines[i % healthyLines.length]!);
    // 2 samples of UF,URX, then in the second part 5 of UF and 6 more kinds: the file keeps UF x3 and 5 of those kinds (not UF,URX again).
    const lines = [connect, connect, ...filler, ...filler, ...Array.from({ length: 5 }, () => kind("UF")), connect, ...["UC", "UR", "URX", "UF,UC", "UR,UF", "UC,UR"].map(kind)];
    const file = writeMix("room.log", lines, "\n");
    const expected = readAccessLogFile(new AccessLogReader(), file);
    expect(expected.issues.get("CONNECT")!.samples.map((sample) => sample.kind)).toEqual(["UF,URX", "UF,URX", "UF", "UF", "UF", "UC", "UR", "URX", "UF,UC", "UR,UF"]);
    expect(plain(readInParts(file, 2))).toEqual(plain(expected));
  });
});

describe("envoy logs with threads", () => {
  const cli = resolve(import.meta.dirname, "../../dist/cli.js");
  const run = (file: string, threads: number, output: string) => spawnSync(process.execPath, [cli, "envoy", "logs", file, "-o", output, "--fail-on", "none"], { encoding: "utf8", env: { ...process.env, KTRIAGE_WORKERS: String(threads), KTRIAGE_CODE_CACHE: "0" } });

  it.each(["json", "text"])("prints the same -o %s with 1 to 4 threads", (output) => {
    const file = writeMix(`cli-${output}.log`, mixedLines(30000, 5), "\n");
    const one = run(file, 1, output);
    expect(one.status).toBe(0);
    expect(one.stdout.length).toBeGreaterThan(1000);
    for (const threads of [2, 3, 4]) {
      const many = run(file, threads, output);
      expect({ status: many.status, stdout: many.stdout, stderr: many.stderr }).toEqual({ status: one.status, stdout: one.stdout, stderr: one.stderr });
    }
  });
});
