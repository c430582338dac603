// Wall time of `ktriage lint` over Istio's analyzer testdata (114 files),
// including Node start-up, as a user runs it. Prints figures; asserts nothing.
// Target: at most 0.5 s wall on an idle 2-core machine.
//
//   npm run build && node bench/lint-peer.mjs [runs=5]
//   KTRIAGE_DIST=/path/to/dist node bench/lint-peer.mjs
//   ISTIOCTL=istioctl node bench/lint-peer.mjs   # also times `istioctl analyze --use-kube=false` on the same files
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";

const repo = new URL("..", import.meta.url).pathname;
const dist = process.env.KTRIAGE_DIST ?? join(repo, "dist");
const cli = join(dist, "cli.js");
const testdata = resolve(repo, "../shared/peer/istio-analyzers/testdata");
const runs = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);

if (!existsSync(cli)) {
  console.error(`no ${cli}: run npm run build first (or set KTRIAGE_DIST)`);
  process.exit(2);
}
if (!existsSync(testdata)) {
  console.error(`no ${testdata}: the peer suite is not on this machine`);
  process.exit(2);
}

const files = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.ya?ml$/.test(entry)) files.push(path);
  }
};
walk(testdata);

function time(command, args) {
  const start = performance.now();
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { ms: performance.now() - start, status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? "", error: result.error };
}

const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
};

const startup = summary(Array.from({ length: runs }, () => time(process.execPath, [cli, "--version"]).ms));
const lint = [];
let findings = 0;
for (let i = 0; i < runs; i++) {
  const run = time(process.execPath, [cli, "lint", testdata, "-o", "json", "--fail-on", "none"]);
  lint.push(run.ms);
  if (run.status !== 0 && run.status !== 1) {
    console.error(`ktriage lint failed (exit ${run.status}): ${run.stderr.split("\n").find((line) => line.trim()) ?? ""}`);
    process.exit(1);
  }
  try {
    findings = JSON.parse(run.stdout).findings.length;
  } catch {
    findings = -1;
  }
}
const figures = summary(lint);
console.log(
  `ktriage lint files=${files.length} findings=${findings} runs=${runs} wall_ms_min=${figures.min.toFixed(0)} wall_ms_median=${figures.median.toFixed(0)} wall_ms_max=${figures.max.toFixed(0)} node_startup_ms_median=${startup.median.toFixed(0)} loadavg=${loadavg()[0].toFixed(2)}`,
);

const istioctl = process.env.ISTIOCTL;
if (istioctl) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const run = time(istioctl, ["analyze", "--use-kube=false", ...files.flatMap((file) => ["-f", file])]);
    if (run.error) {
      console.log(`istioctl: ${run.error.message}`);
      break;
    }
    times.push(run.ms);
  }
  if (times.length) {
    const s = summary(times);
    console.log(`istioctl analyze --use-kube=false files=${files.length} runs=${times.length} wall_ms_min=${s.min.toFixed(0)} wall_ms_median=${s.median.toFixed(0)} wall_ms_max=${s.max.toFixed(0)}`);
  }
}
