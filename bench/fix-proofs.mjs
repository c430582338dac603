// What proving fixes costs: runs the rules in-process on lint and scan inputs and prints, per input,
// the analysis wall and CPU time, the fixes proven / kept as guidance / dropped, and how many times the
// prover ran rules again (reruns) and how many rule runs that made (rule_runs). Asserts nothing.
//
//   npm run build && node bench/fix-proofs.mjs lint:../shared/peer/istio-analyzers/testdata lint:/tmp/lint10k scan:/tmp/snap10k
//   GENERATE_ONLY=1 KEEP=1 node bench/lint-10k.mjs          # a 10k-object lint folder
//   node bench/generate-snapshot.mjs --pods 10000 --out DIR  # a 10k-pod snapshot
//   KTRIAGE_DIST=/path/to/dist node bench/fix-proofs.mjs ...  # measure another build
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const dist = process.env.KTRIAGE_DIST ?? new URL("../dist/", import.meta.url).pathname;
const load = (path) => import(pathToFileURL(join(dist, path)).href);
const { runRules } = await load("engine/engine.js");
const { allRules } = await load("rules/index.js");
const { buildLintInput } = await load("sources/lint-input.js");
const { viewFromPaths } = await load("sources/load-view.js");

const inputs = process.argv.slice(2);
if (inputs.length === 0) {
  console.error("usage: node bench/fix-proofs.mjs lint:PATH|scan:PATH ...");
  process.exit(2);
}
for (const input of inputs) {
  const [, mode, path] = /^(lint|scan):(.*)$/.exec(input) ?? [];
  if (!mode) throw new Error(`${input}: expected lint:PATH or scan:PATH`);
  const view = mode === "lint" ? buildLintInput({ paths: [resolve(path)] }).view : viewFromPaths([resolve(path)]);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = runRules(allRules, view, { scope: mode === "lint" ? "lint" : "diagnose" });
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const { proven, guidance, dropped, reruns, ruleRuns } = result.fixes;
  console.log(`${mode} ${path} analyze_ms=${wall.toFixed(0)} analyze_cpu_ms=${((used.user + used.system) / 1000).toFixed(0)} findings=${result.findings.length} proven=${proven} guidance=${guidance} dropped=${dropped} reruns=${reruns ?? "NaN"} rule_runs=${ruleRuns ?? "NaN"} loadavg=${loadavg()[0].toFixed(2)}`);
}
