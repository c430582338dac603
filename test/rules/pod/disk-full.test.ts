import { diskFull } from "../../../src/rules/pod/disk-full.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, list, NOW, pod, running } from "./fixtures.js";

const loki = () => list(pod({ name: "loki-0", owner: "StatefulSet/loki", containers: [{ name: "loki", image: "grafana/loki:2.9.8", volumeMounts: [{ name: "storage", mountPath: "/var/loki" }], status: crashLoop({ exitCode: 1 }, 9, "5m0s", "loki", "loki-0") }], volumes: [{ name: "storage", persistentVolumeClaim: { claimName: "storage-loki-0" } }] }));

testRule(diskFull, {
  valid: [
    { name: "healthy loki", files: { "pod.json": list(pod({ name: "loki-0", containers: [{ name: "loki", status: running() }] })) }, now: NOW },
    { name: "evicted for node memory pressure is not disk-full", files: { "pod.json": list(pod({ phase: "Failed", containers: [{ status: { state: { terminated: { reason: "ContainerStatusUnknown", exitCode: 137, message: "The container could not be located when the pod was terminated" } } } }], podStatus: { reason: "Evicted", message: "The node was low on resource: memory. Threshold quantity: 100Mi, available: 52Mi. Container app was using 1Gi, request is 0, has larger consumption of memory." } })) }, now: NOW },
  ],
  invalid: [
    { name: "Loki PVC full (basedosdados/backend#992)", files: { "pod.json": loki() }, logs: [{ pod: "loki-0", container: "loki", previous: true, text: "level=error ts=2025-06-02T10:12:08Z caller=log.go:230 msg=\"error running loki\" err=\"mkdir /var/loki/tsdb-shipper-active/scratch: no space left on device\\nerror initialising module: store\"\n" }], now: NOW, expect: { category: "disk-full", fixIncludes: [/kubectl patch pvc storage-loki-0/] } },
    { name: "Prometheus lock file on a full disk (kubeblocks#2003): disk, not lock", files: { "pod.json": list(pod({ name: "prometheus-0", containers: [{ name: "prometheus", status: crashLoop({ exitCode: 1 }, 5, "2m40s", "prometheus", "prometheus-0") }] })) }, logs: [{ pod: "prometheus-0", container: "prometheus", previous: true, text: 'ts=2025-06-02T10:12:08.101Z caller=main.go:1159 level=error err="opening storage failed: lock DB directory: open /data/lock: no space left on device"\n' }], now: NOW, expect: { category: "disk-full" } },
    { name: "evicted for exceeding its own ephemeral-storage limit", files: { "pod.json": list(pod({ phase: "Failed", containers: [{ resources: { limits: { "ephemeral-storage": "1Gi" } }, status: { state: { terminated: { reason: "ContainerStatusUnknown", exitCode: 137 } } } }], podStatus: { reason: "Evicted", message: "Pod ephemeral local storage usage exceeds the total limit of containers 1Gi." } })) }, now: NOW, expect: { category: "disk-full", resource: { kind: "Pod" } } },
  ],
});
