import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { summarizeLines } from "../../src/envoy/access-log/reader.js";
import { AccessLogReader } from "../../src/envoy/access-log/reader.js";
import type { KubeObject } from "../../src/model/kube.js";
import type { EventRecord } from "../../src/model/inputs.js";
import { renderHtml } from "../../src/report/html/document.js";
import { SCRIPT } from "../../src/report/html/script.js";
import { STYLE } from "../../src/report/html/style.js";
import { parseGoDuration } from "../../src/k8s/durations.js";
import { backoffSeconds, podRestartTimelines, restartFigure } from "../../src/report/html/restarts.js";
import { TrafficTimeline } from "../../src/envoy/access-log/timeline.js";
import { timedEvents } from "../../src/report/html/events.js";
import { redact } from "../../src/util/redact.js";
import { runCli } from "../robustness/support/run-cli.js";

const lab = resolve(__dirname, "../../examples/lab");
const NOW = Date.parse("2025-06-02T10:45:00Z");

function labPod(namespace: string, name: string): { pod: KubeObject; events: EventRecord[] } {
  const pods = JSON.parse(readFileSync(resolve(lab, "namespaces", namespace, "pods.json"), "utf8")).items as KubeObject[];
  const events = JSON.parse(readFileSync(resolve(lab, "namespaces", namespace, "events.json"), "utf8")).items as Array<Record<string, any>>;
  const pod = pods.find((item) => item.metadata.name === name)!;
  const records = events
    .filter((event) => event.involvedObject.name === name)
    .map((event) => ({ type: event.type, reason: event.reason, message: event.message, count: event.count ?? 1, firstTimestamp: event.firstTimestamp ?? event.eventTime, lastTimestamp: event.lastTimestamp ?? event.eventTime, involved: { kind: "Pod", name, namespace, fieldPath: event.involvedObject.fieldPath }, origin: { file: "events.json" } }));
  return { pod, events: records };
}

describe("restart timeline", () => {
  it("rebuilds the OOMKilled worker's seven runs: back-off 10s doubling to 5m, the next restart when the back-off ends", () => {
    const { pod, events } = labPod("lab-oom", "report-worker-xd8nqrtjds-pbzgr");
    const [timeline] = podRestartTimelines(pod, events, NOW);
    const status = (pod.status!.containerStatuses as Array<Record<string, any>>)[0]!;
    expect(timeline!.runs).toHaveLength(status.restartCount + 1);
    const last = timeline!.runs.at(-1)!;
    expect(last).toMatchObject({ start: Date.parse(status.lastState.terminated.startedAt), end: Date.parse(status.lastState.terminated.finishedAt), exitCode: 137, reason: "OOMKilled", estimated: false });
    // The first run starts when the Started event was first seen.
    const started = events.find((event) => event.reason === "Started")!;
    expect(timeline!.runs[0]!.start).toBe(Date.parse(started.firstTimestamp!));
    const gaps = timeline!.runs.slice(1).map((run, index) => Math.round((run.start - timeline!.runs[index]!.end!) / 1000));
    expect(gaps).toEqual([10, 20, 40, 80, 160, 300]);
    // "back-off 5m0s restarting failed container": due 5 minutes after the last end.
    expect(timeline!.backoff).toBe(300);
    expect(timeline!.nextRestart).toBe(last.end! + 300_000);
  });

  it("a StartError run that never started (startedAt 1970) lasts no time at its end", () => {
    const { pod, events } = labPod("lab-bad-command", "crash-sample-5th7v4p9j5-zcbzz");
    const [timeline] = podRestartTimelines(pod, events, NOW);
    const last = timeline!.runs.at(-1)!;
    expect(last.reason).toBe("StartError");
    expect(last.start).toBe(last.end);
    expect(timeline!.runs[0]!.start).toBeGreaterThan(Date.parse("2025-06-01T00:00:00Z"));
  });

  it("a container restarted 500 times: 501 runs, the last 40 drawn one by one, the earlier ones in one band", () => {
    const { pod, events } = labPod("lab-oom", "report-worker-xd8nqrtjds-pbzgr");
    const status = (pod.status!.containerStatuses as Array<Record<string, any>>)[0]!;
    const busy = { ...pod, status: { ...pod.status, startTime: "2025-05-30T00:00:00Z", containerStatuses: [{ ...status, restartCount: 500 }] } } as KubeObject;
    const [timeline] = podRestartTimelines(busy, events.filter((event) => event.reason !== "Started"), NOW);
    expect(timeline!.runs).toHaveLength(501);
    const figure = restartFigure(timeline!);
    expect(figure.match(/data-mark="run"/g)).toHaveLength(40);
    expect(figure).toContain('data-mark="earlier" data-count="461"');
    expect(figure.length).toBeLessThan(40_000);
  });

  it("parses the kubelet's Go durations and caps the back-off at 5 minutes", () => {
    expect(parseGoDuration("5m0s")).toBe(300);
    expect(parseGoDuration("2m40s")).toBe(160);
    expect(parseGoDuration("10s")).toBe(10);
    expect(parseGoDuration("soon")).toBeUndefined();
    expect([1, 2, 3, 4, 5, 6, 7].map(backoffSeconds)).toEqual([10, 20, 40, 80, 160, 300, 300]);
  });
});

describe("event timeline", () => {
  it("places kubectl's text events by their age, counted back from the analysis time", () => {
    const event = (age: string) => ({ type: "Warning", reason: "BackOff", message: "Back-off restarting failed container", count: 7, age, involved: { kind: "Pod", name: "x" }, origin: { file: "describe.txt" } });
    const [series, single, unknown] = [timedEvents([event("2m (x7 over 10m)")], NOW), timedEvents([event("3m")], NOW), timedEvents([event("<unknown>")], NOW)];
    expect(series[0]).toMatchObject({ first: NOW - 600_000, last: NOW - 120_000 });
    expect(single[0]).toMatchObject({ first: NOW - 180_000, last: NOW - 180_000 });
    expect(unknown).toEqual([]);
  });
});

describe("traffic timeline", () => {
  const lines = readFileSync(resolve(lab, "envoy/istio-system/istio-ingressgateway-74df47f5f9-nv65v/access.log"), "utf8").split("\n");

  it("places every request of the lab's gateway log in one bucket", () => {
    const reader = new AccessLogReader();
    const timeline = new TrafficTimeline();
    lines.forEach((line, index) => {
      const entry = reader.feed(line, index + 1);
      if (entry) timeline.add(entry);
    });
    const series = timeline.series()!;
    const counted = series.buckets.reduce((sum, bucket) => sum + bucket.total, 0);
    expect(counted).toBe(summarizeLines(lines).entries);
    expect(series.buckets.length).toBeLessThanOrEqual(90);
  });

  it("stays bounded on a log spanning weeks: the resolution coarsens, no request is lost", () => {
    const timeline = new TrafficTimeline();
    const start = Date.parse("2025-06-01T00:00:00Z");
    for (let index = 0; index < 60_000; index++) {
      timeline.add({ startTime: new Date(start + index * 37_000).toISOString(), responseCode: index % 7 === 0 ? 503 : 200, responseFlags: index % 7 === 0 ? "UF,URX" : "-" } as never);
    }
    const series = timeline.series()!;
    expect(series.buckets.reduce((sum, bucket) => sum + bucket.total, 0)).toBe(60_000);
    expect(series.buckets.length).toBeLessThanOrEqual(90);
  });
});

describe("the page", () => {
  it("its script and stylesheet pass the last redaction pass unchanged", () => {
    expect(redact(SCRIPT)).toBe(SCRIPT);
    expect(redact(STYLE)).toBe(STYLE);
  });

  it("hostile text is escaped and credentials are redacted before escaping", () => {
    const hostile = `</code><script>alert(1)</script><img src=x onerror=alert(2)> password="hunter2-c4n4ry" Authorization: Bearer abcdefghijklmnop`;
    const events = timedEvents([{ type: "Warning", reason: "<b>BackOff</b>", message: hostile, count: 3, firstTimestamp: "2025-06-02T10:40:00Z", lastTimestamp: "2025-06-02T10:44:00Z", involved: { kind: "Pod", name: "x" }, origin: { file: "e" } }], NOW);
    expect(events).toHaveLength(1);
    const html = renderHtml({
      title: `ktriage pod <script>alert(3)</script>`,
      now: new Date(NOW),
      report: {
        command: "pod <script>",
        mode: "offline",
        findings: [
          {
            rule: "pod/oom-killed",
            category: "oom-killed",
            severity: "error",
            confidence: 0.9,
            resource: { kind: "Pod", namespace: "lab", name: `web-"><script>alert(4)</script>` },
            summary: hostile,
            evidence: [{ source: "log", text: hostile, path: "logs/<x>.log", line: 3 }],
            cause: hostile,
            fix: { description: hostile, commands: [`kubectl set env deploy/web TOKEN=abcdefghijkl1234 # ${hostile}`], yaml: { before: "a: 1\n", after: `a: "${hostile}"\n`, target: "Deployment <x>" } },
            verify: [hostile],
            equivalents: [],
          },
        ],
        skipped: [],
        inputs: { sources: [hostile], objects: 1, events: 0, logs: 0, envoy: 0, problems: [], missing: [] },
        failures: [],
        now: new Date(NOW),
        incidents: [{ id: 1, severity: "error", urgency: "pods-down", resource: { kind: "Deployment", namespace: "lab", name: "<script>alert(5)</script>" }, cause: hostile, action: hostile, primary: 0, findings: [0], pods: [], rule: "pod/oom-killed", scope: "runtime", repeated: false }],
      },
    });
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/<img/);
    expect(html).not.toMatch(/<[a-z]+[^<>]*\sonerror=/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("hunter2");
    expect(html).not.toContain("abcdefghijklmnop");
    expect(html).not.toContain("abcdefghijkl1234");
  });

  it("a pod's page pictures that pod: its restarts and events, its own proxy's access log and sync state only", async () => {
    const worker = (await runCli(["pod", "report-worker-xd8nqrtjds-pbzgr", "-n", "lab-oom", "--snapshot", lab, "-o", "html", "--fail-on", "none"])).stdout;
    expect(worker).toContain('data-chart="restarts"');
    expect(worker).toContain('data-chart="events"');
    expect(worker).not.toContain('data-chart="codes"');
    expect(worker).not.toContain('data-chart="proxy-status"');
    const gateway = (await runCli(["pod", "istio-ingressgateway-74df47f5f9-nv65v", "-n", "istio-system", "--snapshot", lab, "-o", "html", "--fail-on", "none"])).stdout;
    expect(gateway).toContain('data-chart="codes"');
    expect(gateway).not.toContain("productpage-v1-slmzkk6vmf-cfrdd.bookinfo");
    expect(gateway.match(/data-mark="sync"/g)!.length).toBeGreaterThan(0);
    expect(gateway).not.toContain("catalog-v2-7cc6f578cd-rjrms.istioinaction");
  }, 60_000);

  it("needs nothing from anywhere: no src, href or url() but the page's own anchors", async () => {
    const result = await runCli(["scan", "--snapshot", lab, "-o", "html", "--fail-on", "none"]);
    expect(result.code).toBe(0);
    const html = result.stdout;
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/\ssrc=/);
    expect(html).not.toMatch(/url\(/);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!);
    expect(hrefs.length).toBeGreaterThan(0);
    expect(hrefs.filter((href) => !href.startsWith("#"))).toEqual([]);
    expect(html).toContain("Content-Security-Policy");
  }, 60_000);
});
