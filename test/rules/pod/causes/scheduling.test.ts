import { describe, expect, it } from "vitest";
import { schedulingCause, schedulingSubcause } from "../../../../src/rules/pod/unschedulable.js";
import { event, NOW } from "../fixtures.js";
import { podContext } from "./contexts.js";

/** FailedScheduling messages of kube-scheduler (1.24-1.33 wording). */
const rows: Array<[string, string]> = [
  ["0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.", "insufficient-memory"],
  ["0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.", "insufficient-nvidia-com-gpu"],
  ["0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.", "selector"],
  ["0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", "unbound-pvc"],
  ["0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }.", "taint"],
  ["0/3 nodes are available: 3 node(s) didn't have free ports for the requested pod ports.", "host-port"],
  ["no nodes available to schedule pods", "no-nodes"],
];

describe("scheduling: the scheduler's reason", () => {
  it.each(rows)("%s", (message, detail) => {
    expect(schedulingSubcause(message).detail).toBe(detail);
    const cause = schedulingCause(podContext({ containers: [{}], phase: "Pending", created: "2025-06-02T09:00:00Z", podStatus: { conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message }] } }), new Date(NOW));
    expect(cause?.category).toBe("unschedulable");
    expect(cause?.severity).toBe("error");
  });

  it("FailedScheduling events alone (no status) are enough", () => {
    const cause = schedulingCause(podContext({ containers: [{}], phase: "Pending", podStatus: { conditions: [] } }, [event("FailedScheduling", rows[0]![0], { component: "default-scheduler" })]), new Date(NOW));
    expect(cause?.detail.subcause).toBe("insufficient-memory");
  });

  it("a scheduled pod is not unschedulable", () => {
    expect(schedulingCause(podContext({ containers: [{}] }), new Date(NOW))).toBeUndefined();
  });
});
