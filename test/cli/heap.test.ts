import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { heapFlagsFor } from "../../src/cli/heap.js";

const root = resolve(__dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "ktriage-heap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scan(heapMb: number, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, resolve(root, "dist/cli.js"), "scan", "--snapshot", join(dir, "snap"), "-o", "json", "--fail-on", "none"], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

describe("inputs larger than Node's heap", () => {
  it("are analysed by restarting with a heap sized for them, not by an out-of-memory abort", () => {
    const generated = spawnSync(process.execPath, [resolve(root, "bench/generate-snapshot.mjs"), "--pods", "1500", "--out", join(dir, "snap")], { encoding: "utf8" });
    expect(generated.status, generated.stderr).toBe(0);

    // 30 MB of snapshot does not fit in a 40 MB heap: without the restart, V8 aborts.
    const withoutRestart = scan(40, { KTRIAGE_HEAP_MB: "40" });
    expect(withoutRestart.code).not.toBe(0);

    const result = scan(40);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { findings: unknown[]; inputs: { objects: number } };
    expect(report.inputs.objects).toBeGreaterThan(1500);
    expect(report.findings.length).toBeGreaterThan(50);
  });
});

describe("heap sizing", () => {
  const GB = 1024 ** 3;
  it("keeps Node's default heap for inputs that fit in it", () => {
    expect(heapFlagsFor(209e6, 4 * GB, 24 * GB)).toBeUndefined();
  });

  it("sizes the heap for 2 GB of snapshot: 2.5 bytes of heap a byte of input, plus a quarter", () => {
    const sizing = heapFlagsFor(2.09e9, 4.05 * GB, 24 * GB)!;
    expect(sizing.heapMb).toBe(sizing.wantedMb);
    expect(sizing.heapMb).toBeGreaterThan(6000);
    expect(sizing.flags).toEqual([`--max-old-space-size=${sizing.heapMb}`, expect.stringMatching(/^--initial-old-space-size=\d+$/), "--max-semi-space-size=64"]);
  });

  it("never asks for more than 85% of the machine's memory", () => {
    const sizing = heapFlagsFor(20e9, 4 * GB, 24 * GB)!;
    expect(sizing.heapMb).toBe(Math.floor((24 * GB * 0.85) / 1024 ** 2));
    expect(sizing.wantedMb).toBeGreaterThan(sizing.heapMb);
  });
});
