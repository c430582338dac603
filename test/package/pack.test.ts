import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuiltCli, repoRoot } from "../cluster/support.js";

// The package as a user gets it: `npm pack`, then `npm install -g` from the tarball into a
// temporary prefix, then the installed bins and the library example of docs/library.md.
// Dependencies come from the npm cache when they are there (--prefer-offline).

let work: string;
let tarball: string;
let prefix: string;
let files: string[];
const figures: string[] = [];

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline", "--loglevel", "warn"], { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" }, maxBuffer: 64 << 20 });
}

beforeAll(() => {
  ensureBuiltCli();
  work = mkdtempSync(join(tmpdir(), "ktriage-pack-"));
  // dist/ is built; --ignore-scripts skips the build that `npm pack` would run again, but then the
  // manifest has to be stripped by hand as prepack does.
  execFileSync(process.execPath, ["scripts/pack-manifest.mjs", "strip"], { cwd: repoRoot });
  let packed;
  try {
    packed = JSON.parse(npm(["pack", "--ignore-scripts", "--json", "--pack-destination", work], repoRoot)) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
  } finally {
    execFileSync(process.execPath, ["scripts/pack-manifest.mjs", "restore"], { cwd: repoRoot });
  }
  tarball = join(work, packed[0]!.filename);
  files = packed[0]!.files.map((file) => file.path).sort();
  figures.push(`package: ${(packed[0]!.size / 1024).toFixed(0)} kB packed, ${(packed[0]!.unpackedSize / 1024).toFixed(0)} kB unpacked, ${files.length} files`);
  prefix = join(work, "prefix");
  const started = Date.now();
  npm(["install", "-g", "--prefix", prefix, tarball], work);
  figures.push(`npm install -g from the tarball: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 600_000);

afterAll(() => {
  process.stderr.write(`[package] ${figures.join("; ")}\n`);
  if (work) rmSync(work, { recursive: true, force: true });
});

function bin(name: string, args: string[]) {
  return spawnSync(join(prefix, "bin", name), args, { cwd: repoRoot, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", KUBECONFIG: "" }, maxBuffer: 64 << 20 });
}

describe("npm package", () => {
  it("holds the bundles, the typed library, the schemas, the deploy files, README, LICENSE and CHANGELOG, nothing else", () => {
    const unexpected = files.filter((path) => !/^(dist\/(cli|ktriage)\.js|dist\/chunks\/(?:[a-z]+-[A-Z0-9]+|access-log-worker)\.js|dist\/ktriage\.d\.ts|schema\/[a-z-]+\.schema\.json|deploy\/.+\.yaml|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/.test(path));
    expect(unexpected).toEqual([]);
    for (const wanted of ["dist/cli.js", "dist/ktriage.js", "dist/ktriage.d.ts", "schema/report.schema.json", "deploy/rbac.yaml", "LICENSE", "README.md", "CHANGELOG.md"]) expect(files).toContain(wanted);
    const license = readFileSync(join(repoRoot, "LICENSE"), "utf8");
    expect(license).toContain("Apache License\n                           Version 2.0, January 2004");
    expect(license).toContain("END OF TERMS AND CONDITIONS");
  });

  it("its manifest declares the bins, exports, repository and homepage, and no install-time script", () => {
    const manifest = JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" })) as Record<string, any>;
    expect(manifest.bin).toEqual({ ktriage: "dist/cli.js", "kubectl-ktriage": "dist/cli.js" });
    expect(manifest.exports["."]).toMatchObject({ types: "./dist/ktriage.d.ts", import: "./dist/ktriage.js" });
    expect(manifest.exports["./cli"]).toBe("./dist/cli.js");
    expect(manifest.repository.url).toMatch(/^git\+https:\/\/github\.com\//);
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(manifest.license).toBe("Apache-2.0");
    for (const script of ["preinstall", "install", "postinstall", "prepare"]) expect(manifest.scripts?.[script]).toBeUndefined();
    // Everything but the Kubernetes client (loaded only for exec/auth-provider kubeconfigs) and prom-client (only by `watch --listen`) is in the bundles.
    expect(Object.keys(manifest.dependencies ?? {}).sort()).toEqual(["@kubernetes/client-node", "prom-client"]);
  });

  it("installs with npm install -g and runs ktriage --version", () => {
    const run = bin("ktriage", ["--version"]);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe(JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version);
    expect(run.status).toBe(0);
  });

  it("runs as a kubectl plugin: kubectl-ktriage scan --snapshot examples/lab", () => {
    const run = bin("kubectl-ktriage", ["scan", "--snapshot", "examples/lab", "-o", "json", "--fail-on", "none"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { command: string; findings: { rule: string }[] };
    expect(report.command).toBe("scan");
    expect(report.findings.map((finding) => finding.rule)).toContain("pod/oom-killed");
    const help = bin("kubectl-ktriage", ["--help"]);
    expect(help.stdout).toMatch(/^Usage: kubectl ktriage /m);
  });

  const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" }).status === 0;
  it.skipIf(!kubectl)("kubectl finds it on PATH as a plugin: kubectl ktriage", () => {
    const env = { ...process.env, PATH: `${join(prefix, "bin")}:${process.env.PATH}`, NO_COLOR: "1", KUBECONFIG: "" };
    const list = spawnSync("kubectl", ["plugin", "list"], { encoding: "utf8", env });
    expect(list.stdout).toContain(join(prefix, "bin", "kubectl-ktriage"));
    const run = spawnSync("kubectl", ["ktriage", "explain", "pod/oom-killed"], { cwd: repoRoot, encoding: "utf8", env });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^pod\/oom-killed — /);
  });

  it("runs the library example of docs/library.md against the installed package", () => {
    const app = join(work, "app");
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "library-example", private: true, type: "module" }));
    npm(["install", tarball], app);
    const docs = readFileSync(join(repoRoot, "docs/library.md"), "utf8");
    const example = /<!-- library-example -->\n```js\n([\s\S]*?)```/.exec(docs)?.[1];
    expect(example).toBeDefined();
    writeFileSync(join(app, "example.mjs"), example!);
    const out = join(work, "out");
    mkdirSync(out);
    // The example reads examples/ relative to the working directory and writes ktriage.sarif there.
    const sandbox = join(out, "repo");
    mkdirSync(sandbox);
    execFileSync("cp", ["-r", join(repoRoot, "examples"), sandbox]);
    const run = spawnSync(process.execPath, [join(app, "example.mjs")], { cwd: sandbox, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ktriage \d+\.\d+\.\d+: \d+ findings, [1-9]\d* errors, \d+ rules$/);
    expect(lines.slice(1, 4).every((line) => /^[a-z]+\/[a-z0-9-]+ {2}\w+ \S+\/\S+: /.test(line))).toBe(true);
    expect(lines.at(-1)).toMatch(/^lint: [1-9]\d* findings written to ktriage\.sarif$/);
    const sarif = JSON.parse(readFileSync(join(sandbox, "ktriage.sarif"), "utf8")) as { version: string; runs: { results: unknown[] }[] };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(0);
    // The types resolve from the package's exports, as a TypeScript user's editor would see them.
    const typesEntry = join(app, "node_modules/ktriage/dist/ktriage.d.ts");
    expect(existsSync(typesEntry)).toBe(true);
    const declarations = readFileSync(typesEntry, "utf8");
    for (const name of ["diagnose", "lint", "loadSnapshot", "loadFiles", "loadCluster", "render"]) expect(declarations).toMatch(new RegExp(`export declare function ${name}\\(`));
    expect(declarations).not.toMatch(/^import /m);
  }, 300_000);
});
