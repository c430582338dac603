// Where a command's start-up goes: runs `node --cpu-prof dist/cli.js ARGS` several times (warm code
// cache) and sums the profiles' self time by where the code comes from: the bundle's source files
// (through the source map a KTRIAGE_SOURCEMAP=1 build writes), Node's built-ins, the launcher, the
// garbage collector. Prints shares of the samples; asserts nothing.
//
//   KTRIAGE_SOURCEMAP=1 npm run build && node bench/startup-profile.mjs [--runs 5] [--depth 2] -- lint small.yaml -o json
//   KTRIAGE_DIST=/other/dist node bench/startup-profile.mjs -- lint small.yaml
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const split = args.indexOf("--");
const own = split < 0 ? args : args.slice(0, split);
const command = split < 0 ? ["lint", fileURLToPath(new URL("../examples/lab/manifests", import.meta.url)), "-o", "json"] : args.slice(split + 1);
const option = (name, fallback) => (own.includes(name) ? Number(own[own.indexOf(name) + 1]) : fallback);
const runs = option("--runs", 5);
const depth = option("--depth", 2);
const interval = option("--interval", 100);
const functions = own.includes("--functions");
const inclusive = own.includes("--inclusive");
const group = (where) => where.split("/").slice(0, depth).join("/");
const dist = process.env.KTRIAGE_DIST ?? fileURLToPath(new URL("../dist", import.meta.url));
const cli = join(dist, "cli.js");
const chunkFiles = readdirSync(join(dist, "chunks")).filter((name) => name.endsWith(".js"));
const maps = new Map();
for (const name of chunkFiles) {
  const file = join(dist, "chunks", name);
  if (!existsSync(`${file}.map`)) continue;
  const payload = JSON.parse(readFileSync(`${file}.map`, "utf8"));
  // finish-build drops a shebang line and renames import( to __ktriageImport( after esbuild wrote the map.
  const renames = readFileSync(file, "utf8").split("\n").map((line) => [...line.matchAll(/__ktriageImport\(/g)].map((match) => match.index));
  maps.set(name, { map: new SourceMap(payload), linesRemoved: payload.x_ktriage_lines_removed ?? 0, renames });
}
if (maps.size === 0) console.error("no source maps in dist/chunks (build with KTRIAGE_SOURCEMAP=1): the bundle is summed as one");
// The launcher wraps each chunk in a function on its first line: columns there are shifted by the wrapper.
const wrapper = /\(function \([^)]*\) \{/.exec(readFileSync(cli, "utf8"))?.[0].length ?? 0;

const work = mkdtempSync(join(tmpdir(), "ktriage-profile-"));
const totals = new Map();
let samples = 0;
let cpuMs = 0;
try {
  spawnSync(process.execPath, [cli, ...command], { stdio: "ignore" }); // writes the code cache
  for (let run = 0; run < runs; run++) {
    const dir = join(work, String(run));
    const started = process.cpuUsage();
    const child = spawnSync(process.execPath, [`--cpu-prof`, `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${interval}`, cli, ...command], { stdio: "ignore" });
    if (child.status !== 0 && child.status !== 1) throw new Error(`exit ${child.status}`);
    void started;
    const profile = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), "utf8"));
    cpuMs += (profile.endTime - profile.startTime) / 1000;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const counts = new Map();
    for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
    const parents = new Map();
    for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
    for (const [id, count] of counts) {
      samples += count;
      if (!inclusive) {
        const where = place(byId.get(id).callFrame);
        totals.set(where, (totals.get(where) ?? 0) + count);
        continue;
      }
      // Inclusive: each distinct group on the sample's stack counts the sample once.
      const seen = new Set();
      for (let at = id; at !== undefined; at = parents.get(at)) seen.add(group(place(byId.get(at).callFrame)));
      for (const where of seen) totals.set(where, (totals.get(where) ?? 0) + count);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`ktriage ${command.join(" ")}: ${runs} profiled runs, ${samples} samples at ${interval} us, ${(cpuMs / runs).toFixed(0)} ms profiled per run`);
const groups = new Map();
for (const [where, count] of totals) groups.set(group(where), (groups.get(group(where)) ?? 0) + count);
for (const [group, count] of [...groups].sort((a, b) => b[1] - a[1])) {
  if (count / samples < 0.005) continue;
  console.log(`${((100 * count) / samples).toFixed(1).padStart(5)}%  ${group}`);
}

/** A sample's frame as "area/file": src/<dir>/<file>, node_modules/<package>, node:<module>, (gc)... */
function place(frame) {
  const { url, functionName } = frame;
  if (!url) return `(${functionName.replace(/[()]/g, "") || "native"})`;
  if (url.startsWith("node:")) return `node:/${url.slice(5).replace(/^internal\//, "internal:")}`;
  // By file name: a code cache written by another checkout of the same bundle keeps that checkout's path.
  const map = maps.get(url.slice(url.lastIndexOf("/") + 1));
  if (map) {
    if (frame.lineNumber === 0 && frame.columnNumber <= wrapper) return "bundle/(top level: every module's top-level code)";
    let column = frame.lineNumber === 0 ? Math.max(0, frame.columnNumber - wrapper) : frame.columnNumber;
    column -= (map.renames[frame.lineNumber] ?? []).filter((at) => at < column).length * ("__ktriageImport(".length - "import(".length);
    const entry = map.map.findEntry(frame.lineNumber + map.linesRemoved, column);
    const source = entry?.originalSource ?? "";
    const local = source.replace(/^.*?\/(src|node_modules)\//, "$1/");
    if (local.startsWith("node_modules/")) return `node_modules/${local.split("/")[1]}/${local.split("/").slice(2).join("/")}`;
    return (local || "bundle/(unmapped)") + (functions ? ` ${functionName || "(anonymous)"}:${entry?.originalLine + 1}` : "");
  }
  if (url.endsWith("/cli.js")) return `launcher/${functionName || "(top level)"}`;
  return `other/${url}`;
}
