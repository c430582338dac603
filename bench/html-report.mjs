#!/usr/bin/env node
// HTML report benchmark: for the bundled lab and a synthetic 10k-pod snapshot (bench/generate-snapshot.mjs),
// builds the `scan -o html` page in process and prints its size, the CPU time of rendering it (the
// pictures and the page, after the rules ran), and Chromium's first paint and load of the file:// page
// (Debian's chromium via playwright-core; scripts/browser/ensure-chromium.sh installs it when missing).
//
//   npm run build && node bench/html-report.mjs            # lab and 10000 pods
//   node bench/html-report.mjs 1000 10000                  # chosen sizes (0 = the lab)
//   BENCH_KEEP=1 node bench/html-report.mjs                # keep the pages (paths on stderr)
//
// Prints one line per input:
//   input=lab pods=.. incidents=.. html_bytes=.. json_bytes=.. render_cpu_ms=.. first_paint_ms=.. load_ms=..
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const DIST = join(ROOT, "dist");
if (!existsSync(join(DIST, "cli", "html.js"))) {
  process.stderr.write("bench: build first (npm run build)\n");
  process.exit(2);
}
const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [0, 10_000];
const load = (path) => import(pathToFileURL(join(DIST, path)).href);
const { viewFromPaths } = await load("sources/load-view.js");
const { runRules } = await load("engine/engine.js");
const { allRules } = await load("rules/index.js");
const { toReport } = await load("cli/shared.js");
const { htmlExtras } = await load("cli/html.js");
const { renderReport, toJsonDocument } = await load("report/index.js");
const { redact } = await load("util/redact.js");
const { resolveLargeEnvoyInputs } = await load("sources/envoy-load.js");
const chromiumPath = execFileSync("bash", [join(ROOT, "scripts/browser/ensure-chromium.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
const { chromium } = await import("playwright-core");
const out = mkdtempSync(join(tmpdir(), "ktriage-html-bench-"));

function cpuMs(since) {
  const used = process.cpuUsage(since);
  return Math.round((used.user + used.system) / 1000);
}

for (const pods of sizes) {
  let dir = join(ROOT, "examples", "lab");
  let generated;
  if (pods > 0) {
    dir = join(tmpdir(), `ktriage-bench-html-${pods}`);
    process.stderr.write(`bench: generating ${pods} pods in ${dir}\n`);
    execFileSync(process.execPath, [join(HERE, "generate-snapshot.mjs"), "--pods", String(pods), "--out", dir], { stdio: ["ignore", "ignore", "inherit"] });
    generated = dir;
  }
  const view = viewFromPaths([dir]);
  await resolveLargeEnvoyInputs(view.envoy, () => {});
  const result = runRules(allRules, view, { scope: "diagnose" });
  const report = toReport("scan", view, result);
  const started = process.cpuUsage();
  const html = redact(await renderReport("html", report, { color: false, width: 100, html: await htmlExtras(view, report) }));
  const renderCpu = cpuMs(started);
  const json = JSON.stringify(toJsonDocument(report), null, 2);
  const page = join(out, `${pods || "lab"}.html`);
  writeFileSync(page, html);

  const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await tab.goto(`file://${page}`, { waitUntil: "load", timeout: 600_000 });
  const timing = await tab.evaluate(() => {
    const paint = performance.getEntriesByType("paint").find((entry) => entry.name === "first-contentful-paint") ?? performance.getEntriesByType("paint")[0];
    const navigation = performance.getEntriesByType("navigation")[0];
    return { firstPaint: paint ? Math.round(paint.startTime) : null, load: navigation ? Math.round(navigation.loadEventEnd) : null };
  });
  await browser.close();
  console.log(`input=${pods ? `${pods}-pods` : "lab"} pods=${view.list("Pod").length} incidents=${report.incidents.length} html_bytes=${html.length} json_bytes=${json.length} render_cpu_ms=${renderCpu} first_paint_ms=${timing.firstPaint} load_ms=${timing.load}`);
  if (generated && !process.env.BENCH_KEEP) rmSync(generated, { recursive: true, force: true });
}
if (process.env.BENCH_KEEP) process.stderr.write(`bench: pages kept in ${out}\n`);
else rmSync(out, { recursive: true, force: true });
