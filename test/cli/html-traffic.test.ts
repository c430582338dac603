import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { gather } from "../../src/cli/gather.js";
import { htmlExtras } from "../../src/cli/html.js";
import type { Report } from "../../src/report/index.js";

const lab = resolve(__dirname, "../../examples/lab");
const gatewayLog = join(lab, "envoy/istio-system/istio-ingressgateway-74df47f5f9-nv65v/access.log");
const scratch = mkdtempSync(join(tmpdir(), "ktriage-html-traffic-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const emptyReport = (now: Date) => ({ findings: [], incidents: [], now }) as unknown as Report;

describe("the HTML page draws the access logs the sources read, without reading them again", () => {
  it("a snapshot's access log and istio-proxy logs: the page's summaries are the ones the rules read", async () => {
    const { view } = await gather({ snapshot: lab }, { timelines: true });
    const extras = await htmlExtras(view, emptyReport(view.now));
    const gateway = extras.traffic.find((log) => log.source.endsWith("istio-ingressgateway-74df47f5f9-nv65v/access.log"))!;
    expect(gateway.timeline.requests).toBe(gateway.summary.entries);
    expect(view.envoy.accessLogs.some((input) => input.summary === gateway.summary)).toBe(true);
    const proxyLogs = extras.traffic.filter((log) => log.source.endsWith("istio-proxy.log"));
    expect(proxyLogs.length).toBeGreaterThan(0);
    for (const log of proxyLogs) expect(view.logs.some((stream) => stream.accessLogSummary === log.summary)).toBe(true);
  });

  it("a log too large to hold is streamed once: the page still draws it after the file is gone", async () => {
    const dir = join(scratch, "envoy/istio-system/gw");
    mkdirSync(dir, { recursive: true });
    const copy = join(dir, "access.log");
    copyFileSync(gatewayLog, copy);
    // The whole-file limit is read when the loader is loaded: load a fresh copy under a small one.
    vi.resetModules();
    (await import("../../src/util/limits.js")).PARSE_LIMITS.maxFileBytes = 1000;
    const fresh = { gather: (await import("../../src/cli/gather.js")).gather, htmlExtras: (await import("../../src/cli/html.js")).htmlExtras };
    const { view } = await fresh.gather({ filename: [scratch] }, { timelines: true });
    expect(view.envoy.accessLogs.map((input) => Boolean(input.path))).toEqual([true]);
    rmSync(copy);
    const extras = await fresh.htmlExtras(view, emptyReport(view.now));
    expect(extras.traffic.map((log) => [log.proxy, log.summary.entries, log.timeline.requests])).toEqual([["gw.istio-system", 126, 126]]);
  });

  it("without timelines (every output but html) the sources build none", async () => {
    const { view } = await gather({ snapshot: lab });
    expect(view.envoy.accessLogs.every((input) => input.timeline === undefined)).toBe(true);
    expect(view.logs.every((stream) => stream.accessLogTimeline === undefined)).toBe(true);
  });
});
