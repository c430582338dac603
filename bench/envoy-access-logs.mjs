// Access-log benchmark: TEXT throughput and memory on a large generated file,
// and the same group-by on the JSON encoding against jq.
// Usage: node bench/envoy-access-logs.mjs [--size-mb 2048] [--json-size-mb 200]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { compiled } from "./envoy-build.mjs";
import { generate } from "./side-by-side/access-log-records.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const textMb = option("--size-mb", 2048);
const jsonMb = option("--json-size-mb", 200);

const out = compiled();
const { summarizeFile } = await import(pathToFileURL(join(out, "sources/access-log-files.js")).href);

console.log(`load average at start: ${(await import("node:os")).loadavg().map((value) => value.toFixed(1)).join(" ")} on ${(await import("node:os")).cpus().length} CPUs`);
const dir = mkdtempSync(join(tmpdir(), "ktriage-bench-"));
try {
  const textPath = join(dir, "access.log");
  process.stderr.write(`generating ${textMb} MB of TEXT access log...\n`);
  const textLines = await generate(textPath, textMb, false);
  const textBytes = statSync(textPath).size;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const rssBefore = process.memoryUsage().rss;
  let cpuStart = process.cpuUsage();
  let started = process.hrtime.bigint();
  const textSummary = await summarizeFile(textPath);
  let seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  clearInterval(sampler);
  console.log(`TEXT: ${(textBytes / 1048576).toFixed(0)} MB, ${textLines} lines, ${textSummary.entries} parsed, ${textSummary.skipped.count} skipped in ${seconds.toFixed(2)} s wall = ${(textBytes / 1048576 / seconds).toFixed(0)} MB/s (CPU ${cpuSeconds.toFixed(2)} s = ${(textBytes / 1048576 / cpuSeconds).toFixed(0)} MB/s per core); RSS before ${(rssBefore / 1048576).toFixed(0)} MB, peak ${(peakRss / 1048576).toFixed(0)} MB`);
  rmSync(textPath);

  const jsonPath = join(dir, "access.json.log");
  process.stderr.write(`generating ${jsonMb} MB of JSON access log...\n`);
  await generate(jsonPath, jsonMb, true);
  const jsonBytes = statSync(jsonPath).size;
  cpuStart = process.cpuUsage();
  started = process.hrtime.bigint();
  const jsonSummary = await summarizeFile(jsonPath);
  seconds = Number(process.hrtime.bigint() - started) / 1e9;
  cpu = process.cpuUsage(cpuStart);
  const ours = seconds;
  const oursCpu = (cpu.user + cpu.system) / 1e6;
  const codes = [...jsonSummary.codes.entries()].map(([code, count]) => `${code}=${count}`).join(" ");
  console.log(`JSON (ktriage): ${(jsonBytes / 1048576).toFixed(0)} MB in ${ours.toFixed(2)} s wall = ${(jsonBytes / 1048576 / ours).toFixed(0)} MB/s, CPU ${oursCpu.toFixed(2)} s (full summary: codes, flags, clusters, hosts, percentiles; ${codes})`);

  const jq = spawnSync("jq", ["--version"]);
  if (jq.status !== 0) {
    console.log("jq: not installed (apt-get install -y jq), comparison skipped");
  } else {
    // The same group-by jq can express: count by response code, flags, upstream cluster and host.
    const program = 'reduce inputs as $r ({}; .code[$r.response_code|tostring] += 1 | .flags[$r.response_flags] += 1 | .cluster[$r.upstream_cluster] += 1 | .host[$r.upstream_host] += 1)';
    started = process.hrtime.bigint();
    const result = spawnSync("bash", ["-c", `TIMEFORMAT=%U+%S; time jq -n -c '${program}' ${jsonPath}`], { maxBuffer: 1 << 26 });
    const jqSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const jqCpu = result.stderr.toString().trim().split("\n").pop().split("+").reduce((sum, part) => sum + Number(part), 0);
    const jqCodes = result.status === 0 ? JSON.parse(result.stdout.toString()).code : undefined;
    console.log(`JSON (jq ${jq.stdout.toString().trim()}): ${jqSeconds.toFixed(2)} s wall = ${(jsonBytes / 1048576 / jqSeconds).toFixed(0)} MB/s, CPU ${jqCpu.toFixed(2)} s; same counts: ${JSON.stringify(jqCodes) === JSON.stringify(Object.fromEntries(jsonSummary.codes))}`);
    console.log(`ktriage vs jq: ${(jqSeconds / ours).toFixed(1)}x faster (wall), ${(jqCpu / oursCpu).toFixed(1)}x (CPU)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
void execFileSync;
