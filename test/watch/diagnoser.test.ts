// The watcher's in-memory store and incremental diagnosis, on the bundled lab
// (a snapshot of a cluster where every scenario ktriage diagnoses is broken):
// diagnosing one namespace from the store finds what the engine finds on the
// whole cluster for that namespace, and re-diagnosing only what a change
// touches ends where a fresh diagnosis of everything ends.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runRules } from "../../src/engine/engine.js";
import type { Finding } from "../../src/model/finding.js";
import type { KubeObject } from "../../src/model/kube.js";
import { allRules } from "../../src/rules/index.js";
import { builderSink } from "../../src/sources/live/sink.js";
import { ViewBuilder } from "../../src/view/builder.js";
import { Diagnoser, LogCache, findingId } from "../../src/watch/diagnoser.js";
import { ObjectStore, subjectOf } from "../../src/watch/store.js";

const lab = resolve(import.meta.dirname, "../../examples/lab");
const NOW = new Date("2025-06-02T10:45:00Z");

function readList(file: string): KubeObject[] {
  const list = JSON.parse(readFileSync(file, "utf8")) as { items?: KubeObject[] };
  return list.items ?? [];
}

function labObjects(): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const file of readdirSync(join(lab, "cluster"))) objects.push(...readList(join(lab, "cluster", file)));
  for (const namespace of readdirSync(join(lab, "namespaces"))) for (const file of readdirSync(join(lab, "namespaces", namespace))) if (file.endsWith(".json")) objects.push(...readList(join(lab, "namespaces", namespace, file)));
  return objects;
}

function labLogs(cache: LogCache): void {
  const root = join(lab, "logs");
  if (!existsSync(root)) return;
  for (const namespace of readdirSync(root))
    for (const pod of readdirSync(join(root, namespace)))
      for (const file of readdirSync(join(root, namespace, pod))) {
        const previous = file.endsWith(".previous.log");
        const container = file.replace(/(\.previous)?\.log$/, "");
        cache.put({ namespace, pod, container, previous, call: `GET /api/v1/namespaces/${namespace}/pods/${pod}/log?container=${container}`, text: readFileSync(join(root, namespace, pod, file), "utf8") }, "lab");
      }
}

function storeOf(objects: KubeObject[]): { store: ObjectStore; logs: LogCache } {
  const store = new ObjectStore({ maxAgeMs: Number.POSITIVE_INFINITY, perObject: 1000, total: 1_000_000 });
  for (const object of objects) store.apply("added", structuredClone(object));
  const logs = new LogCache();
  labLogs(logs);
  return { store, logs };
}

/**
 * The engine on every object of the cluster, reporting one namespace with that namespace's logs: what
 * `ktriage scan -n NS` says of it. (A finding that needs another namespace's logs, such as a client
 * elsewhere whose calls a STRICT mTLS server rejects, needs `scan -A`; watch reads as `scan -n` does.)
 */
function namespaceFindings(objects: KubeObject[], logs: LogCache, namespace: string): Finding[] {
  const builder = new ViewBuilder();
  const sink = builderSink(builder);
  for (const object of objects) sink.object(structuredClone(object), undefined as never, "WATCH");
  for (const log of logs.logsIn(namespace)) sink.log(log);
  const view = builder.build({ mode: "live", now: NOW, namespaces: [namespace] });
  return runRules(allRules, view, { scope: "diagnose" }).findings.filter((finding) => inNamespace(finding, namespace));
}

function inNamespace(finding: Finding, namespace: string): boolean {
  return (finding.resource.namespace ?? (finding.resource.kind === "Namespace" ? finding.resource.name : undefined)) === namespace;
}

const key = (finding: Finding) => `${finding.rule} ${finding.resource.kind}/${finding.resource.namespace ?? ""}/${finding.resource.name}/${finding.resource.container ?? ""} ${finding.severity} ${finding.summary}`;

describe("watch: diagnosis from the in-memory store", () => {
  const objects = labObjects();

  it("finds, namespace by namespace, what the engine finds on the whole cluster", () => {
    const { store, logs } = storeOf(objects);
    const diagnoser = new Diagnoser(store, logs, allRules);
    // Every third namespace keeps the test short; each is checked against a whole-cluster view.
    const namespaces = store.namespaces().filter((namespace, index) => index % 3 === 0 || namespace === "lab-mtls");
    expect(namespaces.length).toBeGreaterThan(8);
    let total = 0;
    for (const namespace of namespaces) {
      const changes = diagnoser.diagnose(namespace, "all", NOW);
      expect(changes.every((change) => change.change === "new")).toBe(true);
      expect(changes.map((change) => key(change.finding)).sort(), namespace).toEqual(namespaceFindings(objects, logs, namespace).map(key).sort());
      total += changes.length;
    }
    expect(total).toBeGreaterThan(20);
    expect(diagnoser.findings).toHaveLength(total);
    // Every finding has an id of its own (two subsets missing on one VirtualService are two findings).
    expect(new Set(diagnoser.current().map((change) => change.id)).size).toBe(total);
  });

  it("re-diagnosing only what a change touches ends where diagnosing everything again ends", () => {
    const { store, logs } = storeOf(objects);
    const diagnoser = new Diagnoser(store, logs, allRules);
    const namespace = "lab-image-pull";
    const before = diagnoser.diagnose(namespace, "all", NOW);
    const pulled = before.find((change) => change.finding.rule === "pod/image-pull-failure");
    expect(pulled, JSON.stringify(before.map((change) => change.finding.rule))).toBeDefined();
    const pod = store.get("Pod", namespace, pulled!.finding.resource.name)!;

    // The image is pushed: the kubelet reports the container running and ready.
    const healthy = structuredClone(pod);
    healthy.status.phase = "Running";
    healthy.status.conditions = (healthy.status.conditions ?? []).map((condition: { type: string }) => (["Ready", "ContainersReady"].includes(condition.type) ? { ...condition, status: "True", reason: undefined, message: undefined } : condition));
    healthy.status.containerStatuses = healthy.status.containerStatuses.map((status: Record<string, unknown>) => ({ ...status, ready: true, started: true, state: { running: { startedAt: "2025-06-02T10:44:30Z" } }, imageID: "registry.example.com/app@sha256:4f1c8a0e2b9d7c3f6a5e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a" }));
    const previous = store.apply("modified", healthy);
    const touched = store.touchedBy(healthy, previous);
    expect(touched).toContain(subjectOf(healthy));
    const changes = diagnoser.diagnose(namespace, new Set(touched as string[]), NOW);
    expect(changes.find((change) => change.id === pulled!.id)?.change).toBe("resolved");
    // Only the pod and its owners were re-diagnosed.
    for (const change of changes) expect(touched).toContain(`${change.finding.resource.kind}/${change.finding.resource.namespace}/${change.finding.resource.name}`);

    const fresh = new Diagnoser(store, logs, allRules);
    fresh.diagnose(namespace, "all", NOW);
    expect(diagnoser.findings.filter((finding) => inNamespace(finding, namespace)).map(key).sort()).toEqual(fresh.findings.map(key).sort());
  });

  it("re-diagnosing what a pod touches, with nothing changed, changes nothing: the touched objects' findings are the full diagnosis's", () => {
    const { store, logs } = storeOf(objects);
    const diagnoser = new Diagnoser(store, logs, allRules);
    let checked = 0;
    for (const namespace of ["lab-oom", "lab-secret-typo", "lab-rollout", "lab-init-fail", "lab-liveness-404", "bookinfo", "lab-mtls"]) {
      diagnoser.diagnose(namespace, "all", NOW);
      for (const pod of store.kindIn("Pod", namespace)) {
        const touched = store.touchedBy(pod);
        expect(Array.isArray(touched)).toBe(true);
        expect(diagnoser.diagnose(namespace, new Set(touched as string[]), NOW).map((change) => `${change.change} ${key(change.finding)}`), `${namespace}/${pod.metadata.name}`).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it("gives one problem on one object the same id however often it is diagnosed, and drops what resolved", () => {
    const { store, logs } = storeOf(objects);
    const first = new Diagnoser(store, logs, allRules).diagnose("lab-oom", "all", NOW);
    const second = new Diagnoser(store, logs, allRules).diagnose("lab-oom", "all", NOW);
    expect(first.map((change) => change.id).sort()).toEqual(second.map((change) => change.id).sort());
    expect(new Set(first.map((change) => change.id)).size).toBe(first.length);
    expect(first.map((change) => change.id)).toEqual(first.map((change) => findingId(change.finding)));
    expect(first.length).toBeGreaterThan(0);
    const diagnoser = new Diagnoser(store, logs, allRules);
    diagnoser.diagnose("lab-oom", "all", NOW);
    const gone = diagnoser.dropNamespace("lab-oom");
    expect(gone.map((change) => change.change)).toEqual(first.map(() => "resolved"));
    expect(diagnoser.findings).toEqual([]);
  });
});

describe("watch: the store stays bounded", () => {
  it("keeps the newest events per object and drops events past their age", () => {
    const store = new ObjectStore({ maxAgeMs: 60 * 60 * 1000, perObject: 3, total: 100 });
    const pod = readList(join(lab, "namespaces", "lab-oom", "pods.json"))[0]!;
    const ref = { kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    for (let index = 0; index < 5; index++) store.apply("added", { kind: "Event", apiVersion: "v1", metadata: { name: `e${index}`, namespace: pod.metadata.namespace }, involvedObject: ref, reason: "BackOff", message: "Back-off restarting failed container", lastTimestamp: at(10 - index) });
    expect(store.eventsFor(subjectOf(pod)).map((event) => event.metadata.name)).toEqual(["e2", "e3", "e4"]);
    store.apply("added", { kind: "Event", apiVersion: "v1", metadata: { name: "old", namespace: "other" }, involvedObject: { kind: "Pod", namespace: "other", name: "p" }, reason: "Pulled", message: "x", lastTimestamp: at(120) });
    expect(store.events).toBe(4);
    expect(store.pruneEvents(Date.now())).toBe(1);
    expect(store.events).toBe(3);
  });

  it("keeps its own Diagnosed events apart: they are never evidence", () => {
    const store = new ObjectStore();
    store.apply("added", { kind: "Event", apiVersion: "v1", metadata: { name: "p.1", namespace: "shop" }, involvedObject: { kind: "Pod", namespace: "shop", name: "p" }, reason: "Diagnosed", message: "image pull failure", reportingComponent: "ktriage.io/watch", series: { count: 2 } });
    expect(store.eventsFor("Pod/shop/p")).toEqual([]);
    expect(store.published.get("p.1")?.series.count).toBe(2);
  });
});
