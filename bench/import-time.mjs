// Library import time: the bundle the package ships (dist/ktriage.js) against the module tree tsc
// leaves in dist/ (dist/index.js). Each import runs in a fresh Node process; prints medians, asserts nothing.
//   npm run build && node bench/import-time.mjs [runs]
import { spawnSync } from "node:child_process";

const dist = new URL("../dist/", import.meta.url);
const runs = Number(process.argv[2] ?? 9);
const probe = 'const t=performance.now();await import(process.argv[1]);process.stdout.write(String(performance.now()-t))';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

for (const [label, file] of [["bundle dist/ktriage.js", "ktriage.js"], ["module tree dist/index.js", "index.js"]]) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", probe, new URL(file, dist).href], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`${file}: ${run.stderr}`);
    times.push(Number(run.stdout));
  }
  console.log(`${label.padEnd(28)} median ${median(times).toFixed(0)} ms over ${runs} fresh processes (min ${Math.min(...times).toFixed(0)} ms)`);
}
