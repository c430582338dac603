// Live mode's cost in requests against a real kube-apiserver (scripts/control-plane): a scan reads
// lists, so healthy pods cost no request of their own, however many there are.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane } from "../../scripts/control-plane/cluster.mjs";
import { gatherLive } from "../../src/sources/live/index.js";
import { ViewBuilder } from "../../src/view/builder.js";
import { createScenario, type Plane } from "./scenario.js";

let plane: Plane;

beforeAll(async () => {
  plane = (await startControlPlane()) as Plane;
  await createScenario(plane);
}, 1_800_000);

afterAll(async () => {
  await plane?.stop();
});

async function scan(namespace: string) {
  const result = await gatherLive(new ViewBuilder(), { kubeconfig: plane.kubeconfig, namespace });
  return { requests: result.requests, stats: result.stats };
}

/** Copies of a running, ready pod of the namespace (same owner and labels), each with its status. */
async function addHealthyPods(namespace: string, source: string, count: number): Promise<void> {
  const pod = (await plane.request("GET", `/api/v1/namespaces/${namespace}/pods/${source}`)).body as any;
  const { uid: _uid, resourceVersion: _version, creationTimestamp: _created, managedFields: _fields, ...metadata } = pod.metadata;
  for (let index = 0; index < count; index++) {
    const name = `${source}-copy${index}`;
    const created = await plane.request("POST", `/api/v1/namespaces/${namespace}/pods`, { apiVersion: "v1", kind: "Pod", metadata: { ...metadata, name }, spec: pod.spec });
    expect(created.status, created.text).toBeLessThan(300);
    const updated = await plane.request("PUT", `/api/v1/namespaces/${namespace}/pods/${name}/status`, { ...(created.body as object), status: pod.status });
    expect(updated.status, updated.text).toBeLessThan(300);
  }
}

describe("requests of a live scan", () => {
  it("stay the same when a namespace gains 100 healthy pods: 0 requests per healthy pod", async () => {
    const before = await scan("shop");
    expect(before.stats).toEqual({ pods: 5, failingPods: 3, logs: 1 });
    await addHealthyPods("shop", "frontend-6b5d4c3f2a-h7k2p", 100);
    const after = await scan("shop");
    expect(after.stats).toEqual({ pods: 105, failingPods: 3, logs: 1 });
    expect(after.requests).toBe(before.requests);
  }, 600_000);
});
