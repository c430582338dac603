import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(__dirname, "../..");
const cli = resolve(root, "dist/cli.js");
const manifests = resolve(root, "examples/manifests");
const work = mkdtempSync(join(tmpdir(), "ktriage-code-cache-"));
afterAll(() => {
  chmodSync(work, 0o755);
  rmSync(work, { recursive: true, force: true });
});

function lint(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [cli, "lint", manifests, "-o", "json", "--fail-on", "none"], {
    encoding: "utf8",
    env: { ...process.env, KTRIAGE_CODE_CACHE: "", ...env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  const report = result.stdout ? (JSON.parse(result.stdout) as { findings: unknown[] }) : undefined;
  return { code: result.status, stderr: result.stderr, findings: JSON.stringify(report?.findings) };
}

function cacheFiles(home: string): string[] {
  try {
    return readdirSync(join(home, "ktriage", "code-cache")).sort();
  } catch {
    return [];
  }
}

describe("the command line's V8 code cache", () => {
  const uncached = lint({ KTRIAGE_CODE_CACHE: "0", XDG_CACHE_HOME: join(work, "off") });

  it("is off with KTRIAGE_CODE_CACHE=0 and writes nothing", () => {
    expect(uncached.code).toBe(0);
    expect(uncached.stderr).toBe("");
    expect(cacheFiles(join(work, "off"))).toEqual([]);
  });

  it("is written after a command's first run, one file per command, and the cached run answers the same", () => {
    const home = join(work, "fresh");
    const first = lint({ XDG_CACHE_HOME: home });
    expect(cacheFiles(home)).toHaveLength(1);
    expect(cacheFiles(home)[0]).toMatch(/^ktriage.*-node\d+\.\d+\.\d+-[a-z0-9]+-lint\.bin$/);
    const second = lint({ XDG_CACHE_HOME: home });
    for (const run of [first, second]) {
      expect(run.code).toBe(0);
      expect(run.stderr).toBe("");
      expect(run.findings).toBe(uncached.findings);
    }
  });

  it("rewrites a cache V8 rejects, and answers the same meanwhile", () => {
    const home = join(work, "garbage");
    lint({ XDG_CACHE_HOME: home });
    const [name] = cacheFiles(home);
    const file = join(home, "ktriage", "code-cache", name!);
    writeFileSync(file, "not a V8 code cache");
    const run = lint({ XDG_CACHE_HOME: home });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.findings).toBe(uncached.findings);
    expect(readdirSync(join(home, "ktriage", "code-cache"))).toEqual([name]);
    expect(statSync(file).size).toBeGreaterThan("not a V8 code cache".length);
  });

  it("is skipped where the cache folder cannot be written", () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere: a file where the folder should be stands in for a read-only home.
      writeFileSync(join(work, "blocked"), "");
      const run = lint({ XDG_CACHE_HOME: join(work, "blocked") });
      expect(run.code).toBe(0);
      expect(run.stderr).toBe("");
      expect(run.findings).toBe(uncached.findings);
      return;
    }
    const home = join(work, "readonly");
    mkdirSync(home);
    chmodSync(home, 0o555);
    const run = lint({ XDG_CACHE_HOME: home });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(cacheFiles(home)).toEqual([]);
  });

  it("removes other versions' caches a week older than the new one, and keeps recent ones", () => {
    const home = join(work, "upgrade");
    const folder = join(home, "ktriage", "code-cache");
    mkdirSync(folder, { recursive: true });
    const old = "ktriage0.0.9-OLDHASH1-node20.0.0-x64-lint.bin";
    const recent = "ktriage0.0.9-OTHERHSH-node20.0.0-x64-scan.bin";
    const unrelated = "notes.txt";
    for (const name of [old, recent, unrelated]) writeFileSync(join(folder, name), "x");
    const monthAgo = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    utimesSync(join(folder, old), monthAgo, monthAgo);
    utimesSync(join(folder, unrelated), monthAgo, monthAgo);
    lint({ XDG_CACHE_HOME: home });
    const left = cacheFiles(home);
    expect(left).not.toContain(old);
    expect(left).toContain(recent);
    expect(left).toContain(unrelated);
    expect(left.filter((name) => name.endsWith("-lint.bin"))).toHaveLength(1);
  });
});
