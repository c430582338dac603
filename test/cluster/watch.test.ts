// `ktriage watch` against a real kube-apiserver + etcd + kwok (scripts/control-plane):
// pod statuses are written through the status subresource as a kubelet writes them,
// the watcher's JSON lines are read from the built CLI's stdout, and its Events are
// read back through the API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane } from "../../scripts/control-plane/cluster.mjs";
import { create, installIstioCrds } from "../../scripts/control-plane/fixtures.mjs";
import type { Finding } from "../../src/model/finding.js";
import type { Plane } from "./scenario.js";
import { comparable, ensureBuiltCli, runCli } from "./support.js";
import { createWorkload, diagnosedEvents, listenAddress, metricValue, setHealthy, setImagePullBackOff, setOomKilled, startWatch, waitFor, waitForWatching, type WatchProcess, type Workload } from "./watch-support.js";

let plane: Plane;
let catalog: Workload;
let ledger: Workload;
let orders: Workload;
let watch: WatchProcess;
let metricsUrl: string;

beforeAll(async () => {
  plane = (await startControlPlane()) as Plane;
  catalog = await createWorkload(plane, "shop", "catalog", "5f6b9d7c8");
  ledger = await createWorkload(plane, "billing", "ledger", "6d8f7b9c4");
  orders = await createWorkload(plane, "shop", "orders", "7c9d8b6f5", { createNamespaceAndNode: false });
  await installIstioCrds(plane, ["networking.istio.io"]);
  ensureBuiltCli();
  watch = startWatch(plane, ["--coalesce", "100", "--events", "--listen", "127.0.0.1:0"]);
  await waitForWatching(watch);
  metricsUrl = `http://${listenAddress(watch)}`;
}, 1_800_000);

afterAll(async () => {
  await watch?.stop();
  await plane?.stop();
});

const aboutPod = (workload: Workload) => (line: { kind: string; namespace?: string; name: string }) => line.kind === "Pod" && line.namespace === workload.namespace && line.name === workload.pod.name;

describe("ktriage watch on a real API server", () => {
  let failingId = "";
  const ofFinding = async () => (await diagnosedEvents(plane, catalog)).filter((event) => event.metadata.annotations?.["ktriage.io/finding-id"] === failingId);

  it("prints a finding line when a pod starts failing, the same finding scan gives, and a resolved line when it recovers", { timeout: 120_000 }, async () => {
    expect(watch.lines.filter(aboutPod(catalog))).toEqual([]);

    await setImagePullBackOff(plane, catalog);
    // The kubelet's pull error, from its events, is in the diagnosis (in the first line, or in a "changed" one when the events came in after the status).
    const failing = await watch.waitForLine((line) => aboutPod(catalog)(line) && line.rule === "pod/image-pull-failure" && line.change !== "resolved" && JSON.stringify(line.finding.evidence).includes(`${catalog.image}: not found`));
    failingId = failing.id;
    expect(watch.lines.find((line) => line.id === failing.id)?.change).toBe("new");
    expect(failing).toMatchObject({ severity: "error", category: expect.any(String), id: expect.stringMatching(/^[0-9a-f]{16}$/), cause: expect.any(String), action: expect.any(String) });
    const finding = failing.finding as Finding;
    expect(finding.evidence.map((item) => item.text).join("\n")).toContain(`${catalog.image}: not found`);

    // Watch is another way into the same pipeline: scan reads the same cluster and finds the same.
    const scan = runCli(["scan", "-n", "shop", "-o", "json", "--kubeconfig", plane.kubeconfig, "--fail-on", "none"]);
    expect(scan.status, scan.stderr).toBe(0);
    const scanned = (JSON.parse(scan.stdout).findings as Finding[]).filter((item) => item.resource.kind === "Pod" && item.resource.name === catalog.pod.name && item.rule === finding.rule);
    expect(comparable([finding], { atDifferentTimes: true })).toEqual(comparable(scanned, { atDifferentTimes: true }));

    // (--events writes a diagnosis once it has held for two seconds: the next test reads this one.)
    await waitFor(async () => ((await ofFinding()).length > 0 ? true : undefined));
    await setHealthy(plane, catalog);
    const resolved = await watch.waitForLine((line) => line.change === "resolved" && line.id === failing.id);
    expect(resolved).toMatchObject({ rule: "pod/image-pull-failure", kind: "Pod", name: catalog.pod.name });
    expect(resolved.finding).toBeUndefined();
    // No repeats of the same new finding (a "changed" line may come between, when the kubelet's events add to what the status said).
    expect(watch.lines.filter((line) => line.id === failing.id && line.change !== "changed").map((line) => line.change)).toEqual(["new", "resolved"]);
    // Nothing about the untouched namespace was re-reported.
    expect(watch.lines.filter((line) => line.namespace === "billing" && line.change !== "new")).toEqual([]);
  });

  it("with --events, puts the diagnosis on the pod as an events.k8s.io/v1 Event, and counts it when the pod fails the same way again", { timeout: 120_000 }, async () => {
    const [event] = await waitFor(async () => {
      const events = await ofFinding();
      return events.length > 0 ? events : undefined;
    });
    expect(await ofFinding()).toHaveLength(1);
    const read = await plane.request("GET", `/apis/events.k8s.io/v1/namespaces/shop/events/${event.metadata.name}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      reason: "Diagnosed",
      type: "Warning",
      action: "Diagnose",
      reportingController: "ktriage.io/watch",
      regarding: { kind: "Pod", namespace: "shop", name: catalog.pod.name, uid: catalog.pod.uid },
      metadata: { annotations: { "ktriage.io/finding-id": failingId, "ktriage.io/rule": "pod/image-pull-failure" } },
    });
    expect(read.body.note).toMatch(/First action: .+\(ktriage explain pod\/image-pull-failure\)$/);
    expect(read.body.note.length).toBeLessThanOrEqual(1024);
    expect(read.body.series).toBeUndefined();

    // The same failure again: the same Event, counted (series.count 2), as the kubelet counts a repeated event.
    await setImagePullBackOff(plane, catalog, { events: false });
    await watch.waitForLine((line) => aboutPod(catalog)(line) && line.change === "new" && line.id === failingId && watch.lines.filter((other) => other.id === failingId && other.change === "new").length === 2);
    const counted = await waitFor(async () => {
      const events = await ofFinding();
      return events.length === 1 && events[0].series?.count === 2 ? events : undefined;
    });
    expect(counted[0].metadata.name).toBe(event.metadata.name);
    expect(await metricValue(metricsUrl, "ktriage_events_written_total", { action: "count" })).toBe(1);
  });

  it("reads the previous log of a container that just failed, once per crash, and names the cause from it", { timeout: 120_000 }, async () => {
    const logReads = () => metricValue(metricsUrl, "ktriage_container_logs_read_total", { previous: "true", outcome: "read" });
    const before = await logReads();
    await setOomKilled(plane, orders, 1);
    const oom = await watch.waitForLine((line) => aboutPod(orders)(line) && line.rule === "pod/oom-killed" && line.change === "new", 20_000);
    expect(oom.finding.evidence).toContainEqual(expect.objectContaining({ source: "previous-log", text: expect.stringContaining("-Xmx512m"), path: expect.stringContaining(`/pods/${orders.pod.name}/log?container=orders&previous=true`) }));
    expect(await logReads()).toBe(before + 1);
    // Another status write about the same crash, seconds later, reads nothing again; a new crash reads its log.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await setOomKilled(plane, orders, 1, { writeLogs: false });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await logReads()).toBe(before + 1);
    await setOomKilled(plane, orders, 2);
    await waitFor(async () => ((await logReads()) === before + 2 ? true : undefined), 30_000, "the second crash's log read");
  });

  it("watches Istio configuration when its CRDs are served, and diagnoses a change to it", { timeout: 120_000 }, async () => {
    expect(watch.stderr()).not.toMatch(/not watched/);
    await create(plane, "/apis/networking.istio.io/v1/namespaces/shop/virtualservices", {
      apiVersion: "networking.istio.io/v1",
      kind: "VirtualService",
      metadata: { name: "catalog", namespace: "shop" },
      spec: { hosts: ["catalog"], http: [{ route: [{ destination: { host: "catalog", subset: "v2" } }] }] },
    });
    const line = await watch.waitForLine((each) => each.kind === "VirtualService" && each.name === "catalog" && each.change === "new");
    expect(line.rule).toMatch(/^istio\//);
  });

  it("serves /healthz, /readyz and /metrics: findings by category, severity and namespace, API requests by verb and code", async () => {
    expect((await fetch(`${metricsUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${metricsUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${metricsUrl}/nothing`)).status).toBe(404);
    const finding = watch.lines.find((line) => line.id === failingId)!;
    expect(await metricValue(metricsUrl, "ktriage_findings", { category: finding.category, severity: "error", namespace: "shop" })).toBeGreaterThanOrEqual(1);
    expect(await metricValue(metricsUrl, "ktriage_api_requests_total", { verb: "WATCH", code: "200" })).toBeGreaterThan(10);
    // Every Event it created is in the cluster (warnings and errors only: info notes get none).
    // (A diagnosis of the previous test may still be settling: wait until the writes and the cluster agree.)
    const all = await waitFor(async () => {
      const listed = await plane.request("GET", `/api/v1/events?fieldSelector=${encodeURIComponent("reason=Diagnosed")}`);
      const created = await metricValue(metricsUrl, "ktriage_api_requests_total", { verb: "POST", code: "201" });
      return listed.body.items.length === created ? listed : undefined;
    }, 30_000, "every Event created listed, and only those");
    expect(all.body.items.length).toBeGreaterThanOrEqual(1);
    const infos = watch.lines.filter((line) => line.severity === "info" && line.change === "new");
    expect(infos.length).toBeGreaterThan(0);
    expect(all.body.items.filter((event: { metadata: { annotations: Record<string, string> } }) => infos.some((line) => line.id === event.metadata.annotations["ktriage.io/finding-id"]))).toEqual([]);
    expect(await metricValue(metricsUrl, "ktriage_diagnosis_seconds_count", {})).toBeGreaterThan(0);
    expect(await metricValue(metricsUrl, "ktriage_leader", {})).toBe(1);
  });

  it("goes on across an API server restart: the watches resume or list again after 410 Gone, no Event is lost or sent twice", { timeout: 180_000 }, async () => {
    const before = await diagnosedEvents(plane, catalog);
    const listsBefore = await metricValue(metricsUrl, "ktriage_api_requests_total", { verb: "LIST", code: "200" });
    // The pod fails and the API server goes away at once: the Event may not be written yet.
    await setImagePullBackOff(plane, ledger);
    await plane.stopApiServer();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await plane.startApiServer();

    const events = await waitFor(async () => {
      const found = await diagnosedEvents(plane, ledger);
      return found.length > 0 ? found : undefined;
    }, 90_000);
    // Give a second write (the duplicate this test looks for) time to happen.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await diagnosedEvents(plane, ledger)).toHaveLength(1);
    expect(events[0].series).toBeUndefined();
    expect((await diagnosedEvents(plane, catalog)).map((event) => [event.metadata.name, event.series?.count])).toEqual(before.map((event) => [event.metadata.name, event.series?.count]));
    expect(watch.lines.filter((line) => aboutPod(ledger)(line) && line.rule === "pod/image-pull-failure" && line.change !== "changed").map((line) => line.change)).toEqual(["new"]);
    expect(await metricValue(metricsUrl, "ktriage_watch_restarts_total", {})).toBeGreaterThan(0);
    // After the restart the API server's watch cache starts anew: resuming from an older version is 410 Gone, and the kind is listed again.
    expect(watch.stderr()).toMatch(/was too old \(410 Gone, resourceVersion expired\): listing again/);
    expect(await metricValue(metricsUrl, "ktriage_api_requests_total", { verb: "LIST", code: "200" })).toBeGreaterThan(listsBefore);

    // Still watching: a recovery after the restart is seen.
    await setHealthy(plane, ledger);
    await watch.waitForLine((line) => aboutPod(ledger)(line) && line.change === "resolved");
  });
});
