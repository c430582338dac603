import { defineRule } from "../../contract/rule.js";
import { containerChangeFix, reportObject, podChangeFix, type RuleMeta } from "./report.js";
import { rawResource } from "../../k8s/resources.js";
import { containersOf, isObject, objects, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/ephemeral-storage-unbounded",
  category: "disk-full",
  severity: "info",
  equivalents: ["kube-score:container-ephemeral-storage-request-and-limit"],
  docs: { verify: ["kubectl describe node <node> | grep -A8 'Allocated resources'", "kubectl get events -n <namespace> --field-selector reason=Evicted"] },
};

export const ephemeralStorageUnboundedRule = defineRule({
  ...meta,
  title: "Ephemeral storage half-configured, or an emptyDir without sizeLimit",
  docs: {
    cause:
      "A container sets an ephemeral-storage request without a limit (or a limit without a request), or the pod writes to an emptyDir with no sizeLimit. Logs, caches and temp files then grow on the node's disk until the kubelet evicts pods for DiskPressure (`The node was low on resource: ephemeral-storage`) or the app fails with `no space left on device`.",
    fix: "Set both requests and limits for ephemeral-storage, and a sizeLimit on emptyDir volumes.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "request-or-limit-missing": "Container {container} sets an ephemeral-storage {set} but no {unset}",
    "empty-dir-unbounded": "emptyDir volume {volume} of {kind} {name} has no sizeLimit",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        const request = rawResource(ref.container, "requests", "ephemeral-storage");
        const limit = rawResource(ref.container, "limits", "ephemeral-storage");
        if ((request === undefined) === (limit === undefined)) continue;
        const resources = isObject(ref.container.resources) ? ref.container.resources : {};
        reportObject(ctx, meta, workload.object, {
          field: [...ref.path, "resources", request === undefined ? "limits" : "requests", "ephemeral-storage"],
          container: ref.name,
          message: "request-or-limit-missing",
          data: { container: ref.name, set: request === undefined ? "limit" : "request", unset: request === undefined ? "request" : "limit" },
          cause: request === undefined ? "Without a request the scheduler does not reserve disk for the container; it can land on a node that is nearly full and be evicted." : "Without a limit nothing stops the container from filling the node's disk; the kubelet then evicts pods under DiskPressure.",
          confidence: 0.4,
          fix: () => containerChangeFix(
            view,
            workload,
            ref.name,
            {
              current: ref.container,
              set: { resources: { ...resources, requests: { ...(isObject(resources.requests) ? resources.requests : {}), "ephemeral-storage": request ?? limit }, limits: { ...(isObject(resources.limits) ? resources.limits : {}), "ephemeral-storage": limit ?? request } } },
              init: ref.init,
            },
            "Set both the request and the limit for ephemeral-storage.",
          ),
        });
      }
      objects(workload.spec.volumes).forEach((volume, index) => {
        if (!isObject(volume.emptyDir) || volume.emptyDir.medium === "Memory" || volume.emptyDir.sizeLimit !== undefined) return;
        const limited = containersOf(workload).every((ref) => rawResource(ref.container, "limits", "ephemeral-storage") !== undefined);
        if (limited) return;
        reportObject(ctx, meta, workload.object, {
          field: [...workload.specPath, "volumes", index, "emptyDir"],
          message: "empty-dir-unbounded",
          data: { volume: String(volume.name), kind: workload.kind, name: workload.name },
          cause: "An emptyDir lives on the node's disk; without sizeLimit (or an ephemeral-storage limit on the containers) whatever the app writes there can fill the node and get pods evicted.",
          confidence: 0.35,
          fix: podChangeFix(view, workload, { volumes: [volume] }, { volumes: [{ ...volume, emptyDir: { ...volume.emptyDir, sizeLimit: "1Gi" } }] }, "Bound the emptyDir (size it from what the app writes)."),
        });
      });
    }
  },
});
