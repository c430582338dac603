import { storageUnavailable } from "../../../src/rules/pod/storage-unavailable.js";
import { testRule } from "../../helpers/rule-tester.js";
import { event, list, NOW, pod, running } from "./fixtures.js";

const creating = () => pod({ name: "postgres-0", owner: "StatefulSet/postgres", phase: "Pending", containers: [{ name: "postgres", volumeMounts: [{ name: "data", mountPath: "/var/lib/postgresql/data" }], status: { state: { waiting: { reason: "ContainerCreating" } }, ready: false, restartCount: 0 } }], volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data-postgres-0" } }] });

testRule(storageUnavailable, {
  valid: [
    { name: "running with its PVC", files: { "pod.json": list(pod({ name: "postgres-0", containers: [{ name: "postgres", status: running() }] })) }, now: NOW },
    { name: "configmap FailedMount is a missing reference, not storage", files: { "pod.json": list(creating(), event("FailedMount", 'MountVolume.SetUp failed for volume "cfg" : configmap "app-config" not found', { name: "postgres-0" })) }, now: NOW },
  ],
  invalid: [
    { name: "Multi-Attach error after a node failure", files: { "pod.json": list(creating(), event("FailedAttachVolume", 'Multi-Attach error for volume "pvc-5b0c6f0e-3c1f-4c8a-9a43-1d2e0f6a7b21" Volume is already exclusively attached to one node and can\'t be attached to another', { name: "postgres-0", component: "attachdetach-controller" })) }, now: NOW, expect: { category: "storage-unavailable", resource: { name: "postgres-0" } } },
    { name: "PVC mount times out", files: { "pod.json": list(creating(), event("FailedMount", "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data kube-api-access-7xq2m]: timed out waiting for the condition", { name: "postgres-0", count: 6 })) }, now: NOW, expect: { category: "storage-unavailable" } },
    { name: "CSI attach fails for the PVC", files: { "pod.json": list(creating(), event("FailedAttachVolume", 'AttachVolume.Attach failed for volume "pvc-5b0c6f0e" : rpc error: code = Internal desc = Could not attach volume "vol-0a1b2c3d" to node "i-0123456789abcdef0": attachment of disk "vol-0a1b2c3d" failed, expected device to be attached but was attaching', { name: "postgres-0", component: "attachdetach-controller" })) }, now: NOW, expect: { category: "storage-unavailable" } },
  ],
});
