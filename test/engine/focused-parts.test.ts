import { describe, expect, it } from "vitest";
import { changedInputs, NamespaceIndex, type FocusedParts } from "../../src/engine/focused-parts.js";
import type { FixChange } from "../../src/model/finding.js";
import type { KubeObject, LoadedObject } from "../../src/model/kube.js";
import type { EventRecord } from "../../src/model/inputs.js";
import { buildView } from "../helpers/rule-tester.js";

const loaded = (object: KubeObject): LoadedObject => ({ object, origin: { file: "test" } });
const object = (kind: string, name: string, namespace?: string, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: "v1", kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...extra }) as KubeObject;
const parts = (objects: LoadedObject[], events: EventRecord[] = []): FocusedParts => ({ objects, events, logs: [] });

describe("what differs between the parts before and after a change", () => {
  const service = loaded(object("Service", "api", "shop"));
  const node = loaded(object("Node", "worker-1"));
  const deployment = loaded(object("Deployment", "api", "shop"));

  it("names the kinds of the objects replaced in place, and nothing else", () => {
    const changed = loaded(object("Deployment", "api", "shop", { spec: { replicas: 2 } }));
    const result = changedInputs(parts([node, service, deployment]), parts([node, service, changed]), false);
    expect([...result!.kinds]).toEqual(["Deployment"]);
    expect([...result!.inputs].sort()).toEqual(["manifests", "workloads"]);
  });

  it("sees an object that only one side holds, and an object that moved is no difference", () => {
    const pod = loaded(object("Pod", "api-1", "shop"));
    expect([...changedInputs(parts([node, service]), parts([node, service, pod]), true)!.kinds]).toEqual(["Pod"]);
    expect([...changedInputs(parts([node, service]), parts([service, node]), false)!.kinds]).toEqual([]);
  });

  it("gives up when a Namespace differs (every rule may read it)", () => {
    const namespace = loaded(object("Namespace", "shop"));
    const relabelled = loaded(object("Namespace", "shop", undefined, { metadata: { name: "shop", labels: { a: "b" } } }));
    expect(changedInputs(parts([namespace, service]), parts([relabelled, service]), false)).toBeUndefined();
  });
});

describe("the focused part of a workload change", () => {
  const view = buildView({ files: { "cluster.json": JSON.stringify({ apiVersion: "v1", kind: "List", items: [
    object("Namespace", "shop"),
    object("Node", "worker-1"),
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "shop", uid: "d1" }, spec: { template: { metadata: { labels: { app: "api" } } } } } as KubeObject,
    { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "api-5f", namespace: "shop", uid: "r1", ownerReferences: [{ kind: "Deployment", name: "api", uid: "d1", controller: true }] } } as KubeObject,
    { apiVersion: "v1", kind: "Pod", metadata: { name: "api-5f-x", namespace: "shop", labels: { app: "api", "pod-template-hash": "5f" }, ownerReferences: [{ kind: "ReplicaSet", name: "api-5f", uid: "r1", controller: true }] } } as KubeObject,
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop", uid: "d2" }, spec: { template: { metadata: { labels: { app: "web" } } } } } as KubeObject,
    { apiVersion: "v1", kind: "Pod", metadata: { name: "web-1", namespace: "shop", labels: { app: "web" }, ownerReferences: [{ kind: "Deployment", name: "web", uid: "d2", controller: true }] } } as KubeObject,
    object("Service", "api", "shop", { spec: { selector: { app: "api" } } }),
    object("Pod", "other", "elsewhere"),
    object("Event", "e1", "shop", { involvedObject: { kind: "Pod", namespace: "shop", name: "api-5f-x" }, reason: "BackOff", message: "Back-off", type: "Warning" }),
    object("Event", "e2", "shop", { involvedObject: { kind: "Pod", namespace: "shop", name: "web-1" }, reason: "BackOff", message: "Back-off", type: "Warning" }),
    object("Event", "e3", "shop", { involvedObject: { kind: "Service", namespace: "shop", name: "api" }, reason: "Sync", message: "synced", type: "Normal" }),
    object("Event", "e4", "shop", { involvedObject: { kind: "ConfigMap", namespace: "shop", name: "settings" }, reason: "Sync", message: "synced", type: "Normal" }),
  ] }) } });
  const change: FixChange = { kind: "Deployment", namespace: "shop", name: "api", type: "strategic", patch: "{}" };

  it("holds the workload, what it owns, the namespace's other objects and cluster-scoped ones, and the namespace's events but those of other workloads", () => {
    const index = new NamespaceIndex(view);
    const nearby = index.near([change]);
    const part = index.focusedParts([change], index.objectsIn(nearby.namespaces), nearby);
    expect(part.objects.map((item) => `${item.object.kind}/${item.object.metadata.name}`)).toEqual(["Namespace/shop", "Node/worker-1", "Deployment/api", "ReplicaSet/api-5f", "Pod/api-5f-x", "Service/api"]);
    expect(part.events.map((event) => `${event.involved.kind}/${event.involved.name}`)).toEqual(["Pod/api-5f-x", "Service/api", "ConfigMap/settings"]);
  });

  it("the part after a change, made from the part before, is the part focused on the changed objects; a renamed object gives none", () => {
    const index = new NamespaceIndex(view);
    const nearby = index.near([change]);
    const before = index.focusedParts([change], index.objectsIn(nearby.namespaces), nearby);
    const target = view.get("Deployment", "shop", "api")!;
    const scaled = { ...target, spec: { ...target.spec, replicas: 3 } } as KubeObject;
    const replaced = new Map([[target, scaled]]);
    const focused = index.focusedParts([change], index.changedObjects(index.objectsIn(nearby.namespaces), replaced, [change]), nearby);
    const after = index.changedPart(before, replaced, [change])!;
    expect(after.objects.map((item) => item.object)).toEqual(focused.objects.map((item) => item.object));
    expect(after.objects.map((item) => item.object)).toContain(scaled);
    expect(after.events).toEqual(focused.events);
    expect(after.logs).toEqual(focused.logs);
    const renamed = { ...target, metadata: { ...target.metadata, name: "api-2" } } as KubeObject;
    expect(index.changedPart(before, new Map([[target, renamed]]), [change])).toBeUndefined();
  });

  it("views of parts find objects by kind, namespace and name, as the whole view does, with no field locator", () => {
    const index = new NamespaceIndex(view);
    const nearby = index.near([change]);
    const partView = index.viewOf(index.focusedParts([change], index.objectsIn(nearby.namespaces), nearby));
    expect(partView.get("Pod", "shop", "api-5f-x")).toBe(view.get("Pod", "shop", "api-5f-x"));
    expect(partView.get("Node", undefined, "worker-1")).toBe(view.get("Node", undefined, "worker-1"));
    expect(partView.get("Pod", "shop", "web-1")).toBeUndefined();
    expect(partView.objects.every((item) => item.locate === undefined)).toBe(true);
  });
});
