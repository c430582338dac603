import { afterAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
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

  it("keeps the caches of the build just written and of the two builds written last, and removes older builds' files", () => {
    const home = join(work, "upgrade");
    const folder = join(home, "ktriage", "code-cache");
    mkdirSync(folder, { recursive: true });
    const build = (hash: string) => `ktriage0.0.9-${hash}-node20.0.0-x64`;
    const files: Record<string, number> = {
      // minutes ago; a build's age is its newest file's
      [`${build("OLDEST01")}-lint.bin`]: 400,
      [`${build("OLDEST01")}-scan.bin`]: 300,
      [`${build("OLDER002")}-lint.bin`]: 200,
      [`${build("RECENT03")}-lint.bin`]: 500,
      [`${build("RECENT03")}-pod.bin`]: 5,
      [`${build("RECENT04")}-envoy.bin`]: 50,
      [`${build("DEADWRIT")}-lint.bin.123.tmp`]: 60,
      [`${build("WRITING5")}-lint.bin.456.tmp`]: 1,
      "notes.txt": 10_000,
    };
    for (const [name, minutes] of Object.entries(files)) {
      writeFileSync(join(folder, name), "x");
      const when = new Date(Date.now() - minutes * 60_000);
      utimesSync(join(folder, name), when, when);
    }
    expect(lint({ XDG_CACHE_HOME: home }).code).toBe(0);
    const left = cacheFiles(home);
    const written = left.filter((name) => !(name in files));
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^ktriage.*-lint\.bin$/);
    expect(left.filter((name) => name in files)).toEqual(
      [`${build("RECENT03")}-lint.bin`, `${build("RECENT03")}-pod.bin`, `${build("RECENT04")}-envoy.bin`, `${build("WRITING5")}-lint.bin.456.tmp`, "notes.txt"].sort(),
    );
  });

  it("leaves at most three builds when several builds write the same folder at once, and each answers the same", async () => {
    const home = join(work, "concurrent");
    const launcher = readFileSync(cli, "utf8");
    const key = /"(ktriage[^"]+)"/.exec(launcher.slice(launcher.indexOf("const KEY")))![1]!;
    const runs = Array.from({ length: 6 }, (_, index) => {
      // The same bundle under another build key, as another installed version would be.
      const dist = join(work, `build${index}`);
      mkdirSync(dist);
      symlinkSync(resolve(root, "dist/chunks"), join(dist, "chunks"));
      writeFileSync(join(dist, "cli.js"), launcher.replace(JSON.stringify(key), JSON.stringify(`${key}X${index}`)));
      return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        const child = spawn(process.execPath, [join(dist, "cli.js"), "lint", manifests, "-o", "json", "--fail-on", "none"], {
          env: { ...process.env, KTRIAGE_CODE_CACHE: "", XDG_CACHE_HOME: home },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("close", (code) => done({ code, stdout, stderr }));
      });
    });
    for (const run of await Promise.all(runs)) {
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(JSON.stringify((JSON.parse(run.stdout) as { findings: unknown[] }).findings)).toBe(uncached.findings);
    }
    const left = cacheFiles(home);
    expect(left.filter((name) => name.endsWith(".tmp"))).toEqual([]);
    expect(left.length).toBeGreaterThan(0);
    expect(left.length).toBeLessThanOrEqual(3);
    for (const name of left) expect(name).toMatch(new RegExp(`^${key.replace(/[.]/g, "\\.")}X[0-5]-node.*-lint\\.bin$`));
  }, 120_000);
});
