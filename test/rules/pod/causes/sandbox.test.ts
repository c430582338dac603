import { describe, expect, it } from "vitest";
import { sandboxCause } from "../../../../src/rules/pod/causes/sandbox.js";
import { event } from "../fixtures.js";
import { podContext } from "./contexts.js";

const creating = { containers: [{ status: { state: { waiting: { reason: "ContainerCreating" } } } }], phase: "Pending" };

/** Events of a pod stuck in ContainerCreating, as the kubelet and the attach/detach controller word them. */
const rows: Array<[string, string, string, string | undefined]> = [
  ["CNI fails", "FailedCreatePodSandBox", 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "8c1f": plugin type="calico" failed (add): stat /var/lib/calico/nodename: no such file or directory: check that the calico/node container is running and has mounted /var/lib/calico/', "container-runtime-error"],
  ["volume attached elsewhere", "FailedAttachVolume", 'Multi-Attach error for volume "pvc-3f1c" Volume is already exclusively attached to one node and can\'t be attached to another', "storage-unavailable"],
  ["a missing ConfigMap is the config rule's, not this one", "FailedMount", 'MountVolume.SetUp failed for volume "cfg" : configmap "app-config" not found', undefined],
];

describe("sandbox and volume set-up failures", () => {
  it.each(rows)("%s", (_name, reason, message, category) => {
    expect(sandboxCause(podContext(creating, [event(reason, message, { count: 5 })]))?.category).toBe(category);
  });

  it("a running pod is past its sandbox", () => {
    expect(sandboxCause(podContext({ containers: [{ status: { state: { running: { startedAt: "2025-06-02T09:58:20Z" } } } }] }, [event(rows[0]![1], rows[0]![2])]))).toBeUndefined();
  });
});
