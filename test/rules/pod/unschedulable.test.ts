import { unschedulable } from "../../../src/rules/pod/unschedulable.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, event, list, NOW, pod, running } from "./fixtures.js";

const pending = (message: string, spec: Record<string, unknown> = {}) =>
  pod({ owner: "Deployment/api", phase: "Pending", containers: [{ resources: { requests: { cpu: "4", memory: "8Gi" } } }], spec: { nodeName: undefined, ...spec }, podStatus: { conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message, lastTransitionTime: "2025-06-02T09:58:11Z" }] } });

testRule(unschedulable, {
  valid: [
    { name: "scheduled and running", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, now: NOW },
    { name: "old FailedScheduling event, pod scheduled since", files: { "pod.json": list(pod({ containers: [{ status: running() }] }), event("FailedScheduling", "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.", { component: "default-scheduler" })) }, now: NOW },
  ],
  invalid: [
    { name: "insufficient memory (holmesgpt h06 wording)", files: { "pod.json": list(pending("0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.")) }, now: NOW, expect: { category: "unschedulable", summary: /no node has enough free memory for its requests/, fixIncludes: [/Allocated resources/] } },
    { name: "node selector matches no node", files: { "pod.json": list(pending("0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.", { nodeSelector: { disktype: "ssd" } }), deployment("api", [{}], { spec: { nodeSelector: { disktype: "ssd" } } })) }, now: NOW, expect: { category: "unschedulable", summary: /nodeSelector/, fixIncludes: [/kubectl label node <NODE> disktype=ssd/] } },
    { name: "insufficient GPUs (extended resource name with dots)", files: { "pod.json": list(pending("0/4 nodes are available: 4 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.")) }, now: NOW, expect: { category: "unschedulable", summary: /no node has enough free nvidia\.com\/gpu for its requests/ } },
    { name: "untolerated taint", files: { "pod.json": list(pending("0/2 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.")) }, now: NOW, expect: { category: "unschedulable", summary: /taints/, fixIncludes: [/tolerations/] } },
    {
      name: "a claim whose StorageClass does not exist: the claim and the class are named (get events rows, PVC events)",
      files: {
        "pod.json": list(pending("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.", { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "orders-data" } }] })),
        "events.txt": "LAST SEEN   TYPE      REASON               OBJECT                              MESSAGE\n12s         Warning   ProvisioningFailed   persistentvolumeclaim/orders-data   storageclass.storage.k8s.io \"fast-ssd\" not found\n",
        "classes.json": list({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }, provisioner: "rancher.io/local-path" }),
      },
      now: NOW,
      expect: { category: "unschedulable", summary: /PersistentVolumeClaim orders-data names StorageClass "fast-ssd", which does not exist/, fixIncludes: [/storageClassName: standard/, /kubectl get pvc orders-data( -n default)? -o yaml/] },
    },
    {
      name: "a claim whose provisioner fails: its message is quoted and the class's driver is checked",
      files: {
        "pod.json": list(
          pending("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.", { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data-kafka-0" } }] }),
          { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data-kafka-0", namespace: "default" }, spec: { storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "100Gi" } } }, status: { phase: "Pending" } },
          event("ProvisioningFailed", 'failed to provision volume with StorageClass "gp3": rpc error: code = Internal desc = Could not create volume "pvc-6c1e": could not create volume in EC2: UnauthorizedOperation: You are not authorized to perform this operation.', { kind: "PersistentVolumeClaim", name: "data-kafka-0", component: "ebs.csi.aws.com_ebs-csi-controller-7d9b" }),
        ),
      },
      now: NOW,
      expect: { category: "unschedulable", summary: /StorageClass "gp3" fails to provision a volume for PersistentVolumeClaim data-kafka-0/, fixIncludes: [/kubectl get storageclass gp3 -o yaml/, /UnauthorizedOperation/] },
    },
    {
      name: "the claim itself does not exist",
      files: { "pod.json": list(pending('0/3 nodes are available: persistentvolumeclaim "redis-dta" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.', { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "redis-dta" } }] })) },
      now: NOW,
      expect: { category: "unschedulable", summary: /PersistentVolumeClaim redis-dta does not exist/ },
    },
    { name: "unbound PVC from events text only", files: { "events.txt": "LAST SEEN   TYPE      REASON             OBJECT                MESSAGE\n2m          Warning   FailedScheduling   pod/postgres-0        0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.\n" }, expect: { category: "unschedulable", resource: { name: "postgres-0" }, summary: /PersistentVolumeClaim/ } },
  ],
});
