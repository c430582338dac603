import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../robustness/support/run-cli.js";
import { launch, openFile } from "./chromium.js";

/**
 * The lab's HTML report in a real headless Chromium (Debian's, driven by playwright-core): the
 * summary lists the lab's incidents, every chart drew one mark per data point, the filters and
 * the search change what is visible, nothing is fetched, nothing logs an error, and hostile text
 * in events and logs stays text.
 */
const lab = resolve(__dirname, "../../examples/lab");
const gatewayLog = join(lab, "envoy/istio-system/istio-ingressgateway-74df47f5f9-nv65v/access.log");
/** Screenshots for people to look at: outside the repository. */
const SCREENSHOTS = join(tmpdir(), "ktriage-html-report");

let dir: string;
let browser: Browser;
const pages: Record<string, string> = {};

async function write(name: string, args: string[]): Promise<string> {
  const result = await runCli(args);
  expect(result.crash, args.join(" ")).toBeUndefined();
  const path = join(dir, `${name}.html`);
  writeFileSync(path, result.stdout);
  return path;
}

async function json(args: string[]): Promise<any> {
  return JSON.parse((await runCli(args)).stdout);
}

const HOSTILE = `<script>window.__pwned = 1</script><img src="http://198.51.100.7/x.png" onerror="window.__pwned = 2"><svg onload="window.__pwned = 3">`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ktriage-html-"));
  mkdirSync(SCREENSHOTS, { recursive: true });
  pages.lab = await write("lab", ["scan", "--snapshot", lab, "-o", "html", "--fail-on", "none"]);
  pages.logs = await write("logs", ["envoy", "logs", gatewayLog, "--snapshot", lab, "-o", "html", "--fail-on", "none"]);
  pages.readiness = await write("readiness", ["mesh", "readiness", "--snapshot", lab, "-o", "html"]);
  // The lab with hostile text where a cluster puts free text: an event message and a log line.
  const hostile = join(dir, "hostile");
  cpSync(lab, hostile, { recursive: true });
  const eventsFile = join(hostile, "namespaces/lab-oom/events.json");
  const events = JSON.parse(readFileSync(eventsFile, "utf8"));
  for (const event of events.items) if (event.reason === "BackOff") event.message += HOSTILE;
  writeFileSync(eventsFile, JSON.stringify(events));
  const logFile = join(hostile, "logs/lab-oom/report-worker-xd8nqrtjds-pbzgr/worker.previous.log");
  writeFileSync(logFile, `${HOSTILE}\n${readFileSync(logFile, "utf8")}`);
  pages.hostile = await write("hostile", ["pod", "report-worker-xd8nqrtjds-pbzgr", "-n", "lab-oom", "--snapshot", hostile, "-o", "html", "--fail-on", "none"]);
  browser = await launch();
}, 1_200_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the lab's HTML report in Chromium", () => {
  it("lists the lab's incidents in the summary, fetches nothing and logs no error; the first screen is saved", async () => {
    const { page, errors, requests } = await openFile(browser, pages.lab!);
    const document = await json(["scan", "--snapshot", lab, "-o", "json", "--fail-on", "none"]);
    const rows = await page.$$eval("table.summary tr.incident-row", (items) => items.map((row) => ({ number: row.children[0]!.textContent!.trim(), text: row.textContent! })));
    // Every incident of the JSON report is in one row: `7` or `42-74`.
    const covered = new Set<number>();
    for (const row of rows) {
      const [first, last] = row.number.split("-").map(Number);
      for (let id = first!; id <= (last ?? first!); id++) covered.add(id);
    }
    expect([...covered].sort((a, b) => a - b)).toEqual(document.incidents.map((incident: { id: number }) => incident.id));
    // The lab's broken workloads by name, each in the row of its incident.
    for (const incident of document.incidents.filter((item: { repeated: boolean }) => !item.repeated)) {
      const row = rows.find((candidate) => candidate.number === String(incident.id))!;
      expect(row.text).toContain(incident.resource.name);
    }
    for (const name of ["report-worker", "crash-sample", "nginx-deployment", "orders-api", "report-export"]) expect(rows.some((row) => row.text.includes(name)), name).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, "lab-first-screen.png") });
    console.log(`first screen of the lab's report: ${join(SCREENSHOTS, "lab-first-screen.png")}`);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 120_000);

  it("draws one run bar per run of each restarted container, one mark per event, and the OOMKilled worker's seven runs", async () => {
    const { page, errors } = await openFile(browser, pages.lab!);
    const restarts = await page.$$eval("figure[data-chart=restarts]", (figures) => figures.map((figure) => ({ caption: figure.querySelector("figcaption")!.textContent!, runs: Number(figure.getAttribute("data-runs")), bars: figure.querySelectorAll("svg [data-mark=run]").length, earlier: Array.from(figure.querySelectorAll("svg [data-mark=earlier]"), (band) => Number(band.getAttribute("data-count"))).reduce((sum, count) => sum + count, 0), gaps: figure.querySelectorAll("svg [data-mark=gap]").length, rows: figure.querySelectorAll("details.data tbody tr").length })));
    expect(restarts.length).toBeGreaterThan(5);
    for (const figure of restarts) {
      expect(figure.bars + figure.earlier, figure.caption).toBe(figure.runs);
      expect(figure.rows, figure.caption).toBe(figure.bars + (figure.earlier ? 1 : 0));
      expect(figure.gaps, figure.caption).toBe(figure.bars - 1);
    }
    // Independently of the page's own numbers: the pod status says 6 restarts, the events 7 starts.
    const pods = JSON.parse(readFileSync(join(lab, "namespaces/lab-oom/pods.json"), "utf8")).items;
    const restartCount = pods[0].status.containerStatuses[0].restartCount;
    const worker = restarts.find((figure) => figure.caption.includes("report-worker"))!;
    expect(worker.bars).toBe(restartCount + 1);
    const events = JSON.parse(readFileSync(join(lab, "namespaces/lab-oom/events.json"), "utf8")).items.filter((event: any) => event.involvedObject.name === pods[0].metadata.name);
    const marks = await page.$$eval("figure[data-chart=events]", (figures) => figures.map((figure) => ({ caption: figure.querySelector("figcaption")!.textContent!, events: Number(figure.getAttribute("data-events")), marks: figure.querySelectorAll("svg [data-mark=event]").length })));
    for (const figure of marks) expect(figure.marks, figure.caption).toBe(figure.events);
    expect(marks.find((figure) => figure.caption.includes(pods[0].metadata.name))!.marks).toBe(events.length);
    const next = await page.$$eval("figure[data-chart=restarts]", (figures) => figures.filter((figure) => figure.textContent!.includes("report-worker")).map((figure) => figure.querySelectorAll("[data-mark=next]").length));
    expect(next[0]).toBe(1);
    expect(errors).toEqual([]);
  }, 120_000);

  it("the access-log charts count every request and every flagged one; three percentiles per host", async () => {
    const { page, errors, requests } = await openFile(browser, pages.logs!);
    const summary = (await json(["envoy", "logs", gatewayLog, "-o", "json", "--fail-on", "none"])).summaries[0];
    const sum = (selector: string) => page.$$eval(selector, (bars) => bars.reduce((total, bar) => total + Number(bar.getAttribute("data-count")), 0));
    expect(await sum("figure[data-chart=codes] svg [data-mark=bar]")).toBe(summary.requests);
    const flagged = Object.entries(summary.responseFlags as Record<string, number>).filter(([flag]) => flag !== "-").reduce((total, [, count]) => total + count, 0);
    expect(await sum("figure[data-chart=flags] svg [data-mark=bar]")).toBe(flagged);
    const hosts = summary.upstreamHosts.filter((host: { p50: number | null }) => host.p50 !== null).length;
    for (const mark of ["p50", "p95", "p99"]) expect(await page.locator(`figure[data-chart=latency] svg [data-mark=${mark}]`).count()).toBe(Math.min(hosts, 12));
    expect(await page.locator("figure[data-chart=slowest] svg [data-mark=bar]").count()).toBe(Math.min(hosts, 10));
    // The slowest bar is the host with the highest p99 in the JSON summary.
    const slowest = summary.upstreamHosts.filter((host: { p99: number | null }) => host.p99 !== null).sort((a: { p99: number }, b: { p99: number }) => b.p99 - a.p99)[0];
    expect(await page.locator("figure[data-chart=slowest] svg [data-mark=bar]").first().getAttribute("data-count")).toBe(String(slowest.p99));
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 120_000);

  it("mesh readiness: one pass/warn/fail mark per checklist item", async () => {
    const { page, errors, requests } = await openFile(browser, pages.readiness!);
    const readiness = await json(["mesh", "readiness", "--snapshot", lab, "-o", "json"]);
    const statuses = await page.$$eval("table.checklist [data-mark=check]", (marks) => marks.map((mark) => mark.textContent));
    const word: Record<string, string> = { ok: "pass", warn: "warn", fail: "fail", info: "info", unknown: "unknown" };
    expect(statuses).toEqual(readiness.checks.map((check: { status: string }) => word[check.status]));
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 120_000);

  it("severity, namespace and category filters and the search box change what is visible", async () => {
    const { page, errors } = await openFile(browser, pages.lab!);
    const visible = () => page.$$eval("section.incident", (sections) => sections.filter((section) => (section as HTMLElement).offsetParent !== null).map((section) => ({ id: section.id, severity: section.getAttribute("data-severity"), namespaces: section.getAttribute("data-namespaces"), categories: section.getAttribute("data-categories"), text: section.textContent!.toLowerCase() })));
    const visibleRows = () => page.$$eval("tr.incident-row", (rows) => rows.filter((row) => (row as HTMLElement).offsetParent !== null).map((row) => row.getAttribute("data-target")));
    const all = await visible();
    expect(all.some((section) => section.severity === "info")).toBe(true);
    await page.uncheck("input[name=severity][value=info]");
    const noInfo = await visible();
    expect(noInfo.length).toBeLessThan(all.length);
    expect(noInfo.every((section) => section.severity !== "info")).toBe(true);
    expect(await visibleRows()).toEqual(noInfo.map((section) => section.id));
    await page.check("input[name=severity][value=info]");
    await page.selectOption("#f-namespace", "lab-oom");
    const oom = await visible();
    expect(oom.length).toBeGreaterThan(0);
    expect(oom.length).toBeLessThan(all.length);
    expect(oom.every((section) => section.namespaces!.split(" ").includes("lab-oom"))).toBe(true);
    await page.selectOption("#f-namespace", "");
    await page.selectOption("#f-category", "image-pull-failure");
    const pulls = await visible();
    expect(pulls.length).toBeGreaterThan(0);
    expect(pulls.every((section) => section.categories!.split(" ").includes("image-pull-failure"))).toBe(true);
    await page.selectOption("#f-category", "");
    await page.fill("#f-search", "passwrod");
    const search = await visible();
    expect(search.length).toBeGreaterThan(0);
    expect(search.length).toBeLessThan(all.length);
    expect(search.every((section) => section.text.includes("passwrod"))).toBe(true);
    expect(await page.textContent("#f-shown")).toMatch(new RegExp(`^${search.length} of \\d+ incidents shown$`));
    await page.fill("#f-search", "");
    expect((await visible()).length).toBe(all.length);
    expect(errors).toEqual([]);
  }, 120_000);

  it("prints: filters and buttons left out, every folded part opened, and a PDF comes out", async () => {
    const { page, errors } = await openFile(browser, pages.lab!);
    expect(await page.locator("details:not([open])").count()).toBeGreaterThan(0);
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".filters").isVisible()).toBe(false);
    expect(await page.locator("button.copy").first().isVisible()).toBe(false);
    await page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
    expect(await page.locator("details:not([open])").count()).toBe(0);
    await page.evaluate(() => window.dispatchEvent(new Event("afterprint")));
    expect(await page.locator("details:not([open])").count()).toBeGreaterThan(0);
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(errors).toEqual([]);
  }, 120_000);

  it("a copy button copies the fix's diff", async () => {
    const { page, errors } = await openFile(browser, pages.lab!);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    const button = page.locator("#incident-11 .copyable button.copy").first();
    await button.click();
    await expect.poll(() => button.textContent()).toBe("Copied");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const diff = await page.locator("#incident-11 pre.diff").first().evaluate((block) => Array.from(block.children, (line) => line.textContent).join("\n") + "\n");
    expect(copied).toBe(diff);
    expect(copied).toMatch(/^\+\s+memory: 512Mi$/m);
    expect(errors).toEqual([]);
  }, 120_000);

  it("hostile text in an event and a log line stays text: nothing runs, nothing is fetched", async () => {
    const { page, errors, requests } = await openFile(browser, pages.hostile!);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator("script").count()).toBe(1);
    expect(await page.locator("img").count()).toBe(0);
    // The text is there, as text.
    expect(await page.locator("body").textContent()).toContain("<script>window.__pwned = 1</script>");
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  }, 120_000);
});
