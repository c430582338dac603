import { describe, expect, it } from "vitest";
import { evictionCause } from "../../../../src/rules/pod/causes/eviction.js";
import { admissionCause } from "../../../../src/rules/pod/unschedulable.js";
import { podContext } from "./contexts.js";

/** Eviction and admission messages of the kubelet (pkg/kubelet/eviction, lifecycle admission). */
const evictions: Array<[string, string, string, string]> = [
  ["node low on memory", "The node was low on resource: memory. Threshold quantity: 100Mi, available: 63Mi. Container app was using 1.2Gi, request is 256Mi, has larger consumption of memory.", "evicted", "memory"],
  ["node low on disk", "The node was low on resource: ephemeral-storage. Threshold quantity: 2Gi, available: 1.1Gi. Container app was using 6Gi, request is 0, has larger consumption of ephemeral-storage.", "evicted", "ephemeral-storage"],
  ["its own emptyDir limit", "Usage of EmptyDir volume \"cache\" exceeds the limit \"1Gi\".", "disk-full", "ephemeral-storage"],
  ["its own ephemeral-storage limit", "Pod ephemeral local storage usage exceeds the total limit of containers 2Gi.", "disk-full", "ephemeral-storage"],
];

describe("eviction: node pressure or the pod's own limit", () => {
  it.each(evictions)("%s", (_name, message, category, resource) => {
    const cause = evictionCause(podContext({ containers: [{}], phase: "Failed", podStatus: { reason: "Evicted", message } }));
    expect(cause?.category).toBe(category);
    expect(cause?.detail.resource).toBe(resource);
  });

  it("a running pod was not evicted", () => {
    expect(evictionCause(podContext({ containers: [{}] }))).toBeUndefined();
  });
});

describe("admission: the kubelet refuses the pod on arrival", () => {
  it.each([
    ["OutOfcpu", "Pod Node didn't have enough resource: cpu, requested: 2000, used: 3500, capacity: 4000"],
    ["NodeAffinity", "Pod Predicate NodeAffinity failed"],
  ])("%s", (reason, message) => {
    const cause = admissionCause(podContext({ containers: [{}], phase: "Failed", podStatus: { reason, message } }));
    expect(cause?.detail).toEqual({ subcause: "admission", reason });
  });
});
