import { describe, expect, it } from "vitest";
import { classifyText } from "../../../src/sources/detect.js";
import { looksLikeEventsTable, parseEventsTable } from "../../../src/sources/text/events-table.js";

const PLAIN = `LAST SEEN   TYPE      REASON      OBJECT                           MESSAGE
16m         Normal    Scheduled   pod/api-7d9f8b6c5d-x2k9p         Successfully assigned shop/api-7d9f8b6c5d-x2k9p to worker-2
3m12s       Warning   Unhealthy   pod/api-7d9f8b6c5d-x2k9p         Liveness probe failed: HTTP probe failed with statuscode: 404
2m          Normal    Killing     pod/api-7d9f8b6c5d-x2k9p         Container app failed liveness probe, will be restarted
20m         Normal    ScalingReplicaSet   deployment/api           Scaled up replica set api-7d9f8b6c5d to 1
`;

const ALL = `NAMESPACE   LAST SEEN   TYPE      REASON             OBJECT                        MESSAGE
shop        5m          Warning   FailedScheduling   pod/postgres-0                0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.
shop        4m          Warning   FailedCreate       replicaset/api-7d9f8b6c5d     Error creating: pods "api-7d9f8b6c5d-9k2xw" is forbidden: exceeded quota: compute-quota, requested: limits.memory=1Gi, used: limits.memory=3Gi, limited: limits.memory=4Gi
`;

const WIDE = `LAST SEEN   TYPE      REASON    OBJECT                       SUBOBJECT                SOURCE              MESSAGE                                                                                                        FIRST SEEN   COUNT   NAME
12s         Warning   BackOff   pod/api-7d9f8b6c5d-x2k9p     spec.containers{app}     kubelet, worker-2   Back-off restarting failed container app in pod api-7d9f8b6c5d-x2k9p_shop(5b0c6f0e-3c1f-4c8a-9a43-1d2e0f6a7b21)   15m          61      api-7d9f8b6c5d-x2k9p.18a2f1c9
`;

describe("kubectl get events", () => {
  it("is recognised from its header", () => {
    expect(looksLikeEventsTable(PLAIN)).toBe(true);
    expect(classifyText(ALL)).toBe("events-table");
    expect(classifyText(WIDE)).toBe("events-table");
  });

  it("reads the plain table: kind from OBJECT, no namespace, line numbers", () => {
    const { events, problems } = parseEventsTable(PLAIN, { file: "events.txt", line: 1 });
    expect(problems).toEqual([]);
    expect(events).toHaveLength(4);
    expect(events[1]).toMatchObject({ type: "Warning", reason: "Unhealthy", age: "3m12s", involved: { kind: "Pod", name: "api-7d9f8b6c5d-x2k9p" }, message: "Liveness probe failed: HTTP probe failed with statuscode: 404", origin: { line: 3 } });
    expect(events[1]!.involved.namespace).toBeUndefined();
    expect(events[3]).toMatchObject({ reason: "ScalingReplicaSet", involved: { kind: "Deployment", name: "api" } });
  });

  it("reads -A with the namespace", () => {
    const { events } = parseEventsTable(ALL, { file: "all.txt" });
    expect(events[0]).toMatchObject({ reason: "FailedScheduling", involved: { kind: "Pod", namespace: "shop", name: "postgres-0" } });
    expect(events[1]).toMatchObject({ reason: "FailedCreate", involved: { kind: "ReplicaSet", namespace: "shop", name: "api-7d9f8b6c5d" } });
    expect(events[1]!.message).toMatch(/exceeded quota: compute-quota/);
  });

  it("reads -o wide: subobject as fieldPath, source, count and first seen", () => {
    const { events } = parseEventsTable(WIDE, { file: "wide.txt" });
    expect(events[0]).toMatchObject({ reason: "BackOff", count: 61, source: "kubelet, worker-2", age: "12s (x61 over 15m)", involved: { fieldPath: "spec.containers{app}", name: "api-7d9f8b6c5d-x2k9p" } });
    expect(events[0]!.message).toMatch(/^Back-off restarting failed container app/);
  });

  it("reads kubectl events, whose LAST SEEN carries the repeat count", () => {
    const text = "LAST SEEN              TYPE      REASON    OBJECT                         MESSAGE\n2m (x14 over 9m)       Warning   BackOff   Pod/api-7d9f8b6c5d-x2k9p       Back-off restarting failed container app in pod api-7d9f8b6c5d-x2k9p_shop(5b0c)\n";
    const { events, problems } = parseEventsTable(text, { file: "events.txt" });
    expect(problems).toEqual([]);
    expect(events[0]).toMatchObject({ reason: "BackOff", count: 14, age: "2m (x14 over 9m)", involved: { kind: "Pod", name: "api-7d9f8b6c5d-x2k9p" } });
  });

  it("names a bad row and keeps the rest", () => {
    const { events, problems } = parseEventsTable(`${PLAIN}garbage line without columns\n`, { file: "events.txt" });
    expect(events).toHaveLength(4);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ origin: { file: "events.txt", line: 6 } });
  });
});
