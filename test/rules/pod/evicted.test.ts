import { evicted } from "../../../src/rules/pod/evicted.js";
import { testRule } from "../../helpers/rule-tester.js";
import { event, list, NOW, pod, running } from "./fixtures.js";

const evictedPod = (message: string, name = "api-7d9f8b6c5d-x2k9p") => pod({ name, owner: "Deployment/api", phase: "Failed", containers: [{ status: { state: { terminated: { reason: "ContainerStatusUnknown", exitCode: 137, message: "The container could not be located when the pod was terminated" } }, ready: false, restartCount: 0 } }], podStatus: { reason: "Evicted", message } });

testRule(evicted, {
  valid: [
    { name: "healthy pod", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, now: NOW },
    { name: "pod deleted by a rollout (no eviction)", files: { "pod.json": list(pod({ phase: "Succeeded", containers: [{ status: { state: { terminated: { reason: "Completed", exitCode: 0 } } } }] })) }, now: NOW },
  ],
  invalid: [
    { name: "node low on memory", files: { "pod.json": list(evictedPod("The node was low on resource: memory. Threshold quantity: 100Mi, available: 52Mi. Container app was using 1Gi, request is 0, has larger consumption of memory.")) }, now: NOW, expect: { category: "evicted", summary: /low on memory/, evidence: [/reason Evicted/] } },
    { name: "node low on ephemeral-storage (kubeblocks#606)", files: { "pod.json": list(evictedPod("The node was low on resource: ephemeral-storage. Container mysql was using 16Ki, which exceeds its request of 0.", "wesql830-replicasets-2")) }, now: NOW, expect: { category: "evicted", summary: /ephemeral-storage/ } },
    { name: "Evicted event from kubectl get events -A", files: { "events.txt": "NAMESPACE   LAST SEEN   TYPE      REASON    OBJECT                       MESSAGE\ndemo        4m          Warning   Evicted   pod/wesql830-replicasets-2   The node was low on resource: ephemeral-storage. Container kbprobe-rolechangedcheck was using 12Ki, which exceeds its request of 0. Container inject-mysql-exporter was using 12Ki, which exceeds its request of 0. Container mysql was using 16Ki, which exceeds its request of 0.\n" }, expect: { category: "evicted", resource: { namespace: "demo", name: "wesql830-replicasets-2" } } },
  ],
});
