// ktriage and jq side by side on the same access-log records: `ktriage envoy logs` summarises Istio's
// default TEXT log (response codes, flags, upstream clusters and hosts, latency percentiles and the
// findings); jq runs the group-by it can express (counts by code, flags, cluster and host) on the same
// records as Envoy's JSON encoding. `cat > /dev/null` of the TEXT file is the floor: reading it.
// ktriage runs in one thread (KTRIAGE_WORKERS=1), in a thread per core, and as users run it (a thread
// per core the load average leaves idle, for a file of 32 MiB or more).
// Prints each tool's median wall and CPU time, the throughput and the ratio. Asserts nothing.
//
//   npm run build && node bench/vs-jq.mjs [--size-mb 122] [--runs 5]
//   KTRIAGE_DIST=/other/checkout/dist node bench/vs-jq.mjs    # time another build of ktriage
//   JQ=/path/to/jq node bench/vs-jq.mjs
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "./side-by-side/access-log-records.mjs";
import { ktriageCli, machine, ms, ratio, timeRuns } from "./side-by-side/timing.mjs";

const repo = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const sizeMb = option("--size-mb", 122);
const runs = option("--runs", 5);
const cli = ktriageCli(repo);
const jq = process.env.JQ ?? "jq";
if (spawnSync(jq, ["--version"]).status !== 0) {
  console.error(`${jq}: not found; install jq (apt-get install -y jq) or set JQ=/path/to/jq`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "ktriage-vs-jq-"));
try {
  const text = join(dir, "access.log");
  const json = join(dir, "access.json.log");
  const records = await generate(text, sizeMb, false);
  await generate(json, Infinity, true, records);
  const textMb = statSync(text).size / 1048576;
  const jsonMb = statSync(json).size / 1048576;
  console.log(`machine: ${machine()}`);
  console.log(`records: ${records} (TEXT ${textMb.toFixed(0)} MB, JSON ${jsonMb.toFixed(0)} MB), ${runs} runs each`);

  const out = join(dir, "out");
  const cat = timeRuns("cat", [text], { runs, out: "/dev/null" });
  const ktriageArgs = [cli, "envoy", "logs", text, "-o", "json", "--fail-on", "none"];
  const cores = availableParallelism();
  const oneThread = timeRuns(process.execPath, ktriageArgs, { runs, out, env: { KTRIAGE_WORKERS: "1" } });
  const everyCore = timeRuns(process.execPath, ktriageArgs, { runs, out, env: { KTRIAGE_WORKERS: String(cores) } });
  // As users run it: a thread per core the load average leaves idle (src/sources/access-log-threads.ts).
  const threadsNow = Math.max(1, Math.round(cores - loadavg()[0]));
  const ours = timeRuns(process.execPath, ktriageArgs, { runs, out });
  const summary = JSON.parse(ours.last.stdout || "{}");
  const sameAsOneThread = oneThread.last.stdout === ours.last.stdout && everyCore.last.stdout === ours.last.stdout;
  const program = "reduce inputs as $r ({}; .code[$r.response_code|tostring] += 1 | .flags[$r.response_flags] += 1 | .cluster[$r.upstream_cluster] += 1 | .host[$r.upstream_host] += 1)";
  const theirs = timeRuns(jq, ["-n", "-c", program, json], { runs, out, okStatus: [0] });
  const jqCodes = JSON.parse(theirs.last.stdout || "{}").code ?? {};
  const ourCodes = codesOf(summary);
  const same = JSON.stringify(sortKeys(jqCodes)) === JSON.stringify(sortKeys(ourCodes));

  console.log(`cat > /dev/null (TEXT):   wall ${ms(cat.wall)}  cpu ${ms(cat.cpu)}  ${(textMb / (cat.wall / 1000)).toFixed(0)} MB/s`);
  const row = (label, run) => console.log(`ktriage envoy logs TEXT, ${label}:  wall ${ms(run.wall)}  cpu ${ms(run.cpu)}  ${(textMb / (run.wall / 1000)).toFixed(0)} MB/s wall, ${(textMb / (run.cpu / 1000)).toFixed(0)} MB/s per core (exit ${run.last.status})`);
  row("one thread (KTRIAGE_WORKERS=1)", oneThread);
  row(`${cores} threads (KTRIAGE_WORKERS=${cores})`, everyCore);
  row(`as run by default (${threadsNow} thread(s) at this load)`, ours);
  console.log(`the same output with 1 and ${cores} threads: ${sameAsOneThread}`);
  console.log(`jq group-by JSON:         wall ${ms(theirs.wall)}  cpu ${ms(theirs.cpu)}  ${(jsonMb / (theirs.wall / 1000)).toFixed(0)} MB/s (exit ${theirs.last.status})`);
  console.log(`same response-code counts: ${same}`);
  console.log(`ratio (wall): ${ratio(ours.wall, theirs.wall)}; ratio (cpu): ${ratio(ours.cpu, theirs.cpu)}; one thread (cpu): ${ratio(oneThread.cpu, theirs.cpu)}; ktriage at ${((100 * cat.wall) / ours.wall).toFixed(0)}% of cat's speed (one thread ${((100 * cat.wall) / oneThread.wall).toFixed(0)}%)`);
  console.log(`load at the end: ${loadavg().map((value) => value.toFixed(1)).join(" ")}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Response-code counts from `envoy logs -o json`. */
function codesOf(report) {
  const codes = {};
  for (const summary of report.summaries ?? []) for (const [code, count] of Object.entries(summary.responseCodes ?? {})) codes[code] = (codes[code] ?? 0) + Number(count);
  return codes;
}

function sortKeys(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)));
}
