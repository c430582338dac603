#!/usr/bin/env node
// Scale benchmark: for each size, generates a synthetic snapshot (bench/generate-snapshot.mjs) in a
// temporary folder, then loads and analyses it in a fresh child process so that peak RSS is per size.
// The child gets the heap the CLI would run with for that much input (Node's default, or the larger one
// ktriage restarts itself with: src/cli/heap.ts).
// Prints one line per size:
//
//   pods=10000 events=50000 load_ms=... analyze_ms=... rss_mb=... load_cpu_ms=... analyze_cpu_ms=... loadavg=...
//
// Wall times depend on what else runs on the machine; the CPU times (user + system of the child) and the
// 1-minute load average at the end of the size say how comparable a run is.
//
//   npm run bench                       # 1k, 10k, 100k pods
//   npm run bench -- 1000 10000         # chosen sizes
//   BENCH_KEEP=1 npm run bench          # keep the generated snapshots (printed on stderr)
//   BENCH_REUSE=1 npm run bench         # measure the snapshots kept by an earlier run (generated and kept when missing)
//   BENCH_TIMEOUT_S=600 npm run bench   # stop a size whose analysis runs longer (default 900 s)
//
// Needs a build (dist/, or BENCH_DIST=<dir>); runs `npm run build` when dist/ is missing.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir, totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
/** A size whose analysis takes longer than this is stopped and reported as a timeout. */
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 900);
const DIST = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(ROOT, "dist");

if (process.argv[2] === "--measure") {
  await measure(process.argv[3]);
} else {
  await main(process.argv.slice(2));
}

async function main(args) {
  const sizes = args.length ? args.map(Number) : [1_000, 10_000, 100_000];
  if (!loaderOf(DIST) || !existsSync(join(DIST, "engine", "engine.js")) || !existsSync(join(DIST, "rules", "index.js"))) {
    process.stderr.write("bench: dist/ is missing, running npm run build\n");
    const build = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
    if (!loaderOf(DIST)) {
      process.stderr.write(`bench: the build did not produce dist/ (exit ${build.status})\n`);
      process.exit(2);
    }
  }
  const { heapFlagsFor } = await import(pathToFileURL(join(DIST, "cli", "heap.js")).href);
  for (const pods of sizes) {
    const dir = join(tmpdir(), `ktriage-bench-${pods}`);
    const reused = process.env.BENCH_REUSE && existsSync(join(dir, "ktriage-snapshot.json"));
    process.stderr.write(reused ? `bench: reusing the snapshot in ${dir}\n` : `bench: generating ${pods} pods in ${dir}\n`);
    const generated = reused ? describeSnapshot(dir, pods) : JSON.parse(execFileSync(process.execPath, [join(HERE, "generate-snapshot.mjs"), "--pods", String(pods), "--out", dir], { encoding: "utf8", maxBuffer: 1 << 20 }).trim());
    // The heap the CLI would run with for this much input: Node's default, or the one ktriage restarts itself with.
    const sizing = heapFlagsFor(generated.bytes, getHeapStatistics().heap_size_limit, totalmem());
    const child = spawnSync(process.execPath, [...(sizing?.flags ?? []), fileURLToPath(import.meta.url), "--measure", dir], { encoding: "utf8", maxBuffer: 1 << 20, timeout: TIMEOUT_S * 1000 });
    const reports = child.stdout.trim().split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
    const loaded = reports.find((report) => report.phase === "loaded");
    const result = reports.find((report) => report.phase === "analysed");
    if (result) {
      console.log(`pods=${result.pods} events=${result.events} load_ms=${result.loadMs} analyze_ms=${result.analyzeMs} rss_mb=${result.rssMb} load_cpu_ms=${result.loadCpuMs ?? "NaN"} analyze_cpu_ms=${result.analyzeCpuMs ?? "NaN"} loadavg=${loadavg()[0].toFixed(1)}`);
      process.stderr.write(`bench:   ${(generated.bytes / 1e6).toFixed(0)} MB on disk, ${generated.logs} log files, ${result.findings} findings from ${result.rules} rules, ${result.problems} input problems\n`);
    } else {
      const why = child.error?.code === "ETIMEDOUT" || child.signal ? `timeout(>${TIMEOUT_S * 1000})` : `error(exit-${child.status})`;
      if (!child.signal) process.stderr.write(child.stderr);
      console.log(`pods=${loaded?.pods ?? generated.pods} events=${loaded?.events ?? generated.events} load_ms=${loaded?.loadMs ?? "NaN"} analyze_ms=${why} rss_mb=${loaded?.rssMb ?? "NaN"}`);
      process.stderr.write(`bench:   analysis did not finish; rss_mb is the peak after loading\n`);
    }
    if (process.env.BENCH_KEEP || process.env.BENCH_REUSE) process.stderr.write(`bench:   kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** What generate-snapshot.mjs prints, for a snapshot kept from an earlier run: its size on disk and its log files. */
function describeSnapshot(dir, pods) {
  let bytes = 0;
  let logs = 0;
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        bytes += statSync(path).size;
        if (entry.name.endsWith(".log")) logs++;
      }
    }
  };
  walk(dir);
  return { pods, bytes, logs, dir };
}

/** The module with viewFromPaths: sources/load-view.js, or view/load.js in builds before it moved. */
function loaderOf(dist) {
  return [join(dist, "sources", "load-view.js"), join(dist, "view", "load.js")].find((path) => existsSync(path));
}

/** Child process: load the snapshot, run every diagnose rule, report times and peak RSS. */
async function measure(dir) {
  const { viewFromPaths } = await import(pathToFileURL(loaderOf(DIST)).href);
  const { runRules } = await import(pathToFileURL(join(DIST, "engine", "engine.js")).href);
  const { allRules } = await import(pathToFileURL(join(DIST, "rules", "index.js")).href);
  const cpuMs = (since) => {
    const used = process.cpuUsage(since);
    return Math.round((used.user + used.system) / 1000);
  };
  const loadCpu = process.cpuUsage();
  const loadStart = performance.now();
  const view = viewFromPaths([dir]);
  const loadMs = Math.round(performance.now() - loadStart);
  const loadCpuMs = cpuMs(loadCpu);
  const pods = view.list("Pod").length;
  console.log(JSON.stringify({ phase: "loaded", pods, events: view.events.length, loadMs, rssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
  const analyzeCpu = process.cpuUsage();
  const analyzeStart = performance.now();
  const result = runRules(allRules, view, { scope: "diagnose" });
  const analyzeMs = Math.round(performance.now() - analyzeStart);
  const analyzeCpuMs = cpuMs(analyzeCpu);
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(
    JSON.stringify({
      phase: "analysed",
      pods,
      events: view.events.length,
      loadMs,
      analyzeMs,
      rssMb,
      loadCpuMs,
      analyzeCpuMs,
      findings: result.findings.length,
      rules: allRules.length,
      problems: view.inputs.problems.length,
    }),
  );
}
