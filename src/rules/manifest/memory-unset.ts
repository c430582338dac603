import { defineRule } from "../../contract/rule.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { limitRangeDefault, rawResource } from "../../k8s/resources.js";
import { containersOf, isObject, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/memory-unset",
  category: "oom-killed",
  severity: "info",
  equivalents: ["kube-linter:unset-memory-requirements", "kube-score:container-resources", "polaris:memoryRequestsMissing", "polaris:memoryLimitsMissing", "popeye:POP-106", "popeye:POP-107"],
  docs: {
    verify: [
      "kubectl top pod <pod> -n <namespace> --containers",
      "kubectl get pod <pod> -n <namespace> -o jsonpath='{.status.containerStatuses[*].lastState.terminated.reason}{\"\\n\"}'",
    ],
  },
};

export const memoryUnsetRule = defineRule({
  ...meta,
  title: "Container without a memory request or limit",
  docs: {
    cause:
      "A container with no memory limit can grow until the node runs short; the kernel OOM killer or the kubelet's eviction then picks it (or a neighbour). With no request the scheduler places it on a node that cannot hold its real use. Either way the pod is killed (OOMKilled, exit 137, or Evicted) at the worst moment.",
    fix: "Set requests.memory near the measured working set and limits.memory above the measured peak with headroom (95th percentile + 20-30%). Unset memory is a matter of practice, not a failure: many published manifests leave it to the operator.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "LimitRange", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "memory-unset": "Container {container} of {kind} {name} has no {missing}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      const defaultLimit = limitRangeDefault(view, workload.namespace, "memory", "default");
      for (const ref of containersOf(workload)) {
        const request = rawResource(ref.container, "requests", "memory");
        const limit = rawResource(ref.container, "limits", "memory");
        const missing = [...(request === undefined && limit === undefined ? ["requests.memory"] : []), ...(limit === undefined && defaultLimit === undefined ? ["limits.memory"] : [])];
        if (missing.length === 0) continue;
        const resources = isObject(ref.container.resources) ? ref.container.resources : {};
        const requests = { ...(isObject(resources.requests) ? resources.requests : {}), memory: request ?? "<measured working set, e.g. from kubectl top>" };
        const limits = { ...(isObject(resources.limits) ? resources.limits : {}), memory: limit ?? "<measured peak plus headroom>" };
        reportObject(ctx, meta, workload.object, {
          field: isObject(ref.container.resources) ? [...ref.path, "resources"] : ref.path,
          container: ref.name,
          message: "memory-unset",
          data: { container: ref.name, kind: workload.kind, name: workload.name, missing: missing.join(" and no ") },
          cause: limit === undefined
            ? "Nothing bounds the container's memory: a leak or a burst grows until the node is short, and the kernel OOM-kills it or the kubelet evicts the pod."
            : "With no memory request the scheduler counts the container as using the limit only if set; without a request it may be packed onto a node that cannot hold its real use.",
          confidence: 0.5,
          fix: () => containerChangeFix(view, workload, ref.name, { current: ref.container, set: { resources: { ...resources, requests, limits } }, init: ref.init }, "Set memory requests and limits from measurement: the request near the working set `kubectl top` shows, the limit above the measured peak."),
        });
      }
    }
  },
});
