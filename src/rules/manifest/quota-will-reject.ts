import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { inNamespace } from "../../k8s/lookup.js";
import { formatBytes, formatCpu, parseQuantity } from "../../k8s/quantities.js";
import { containerChangeFix, fieldEvidence, reportObject, type RuleMeta } from "./report.js";
import { limitRangeDefault, rawResource, resourceValue, type ResourceName } from "../../k8s/resources.js";
import { podRequest } from "../../k8s/pod-requests.js";
import { containersOf, isObject, objects, workloadsOf } from "../../k8s/pod-templates.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const meta: RuleMeta = {
  id: "manifest/quota-will-reject",
  category: "quota-exceeded",
  severity: "error",
  equivalents: [],
  docs: {
    verify: [
      "kubectl describe resourcequota -n <namespace>",
      "kubectl describe limitrange -n <namespace>",
      "kubectl get events -n <namespace> --field-selector reason=FailedCreate",
    ],
  },
};

function format(resource: string, value: number): string {
  return resource.includes("memory") || resource.includes("storage") ? formatBytes(value) : resource.includes("cpu") ? formatCpu(value) : String(value);
}

export const quotaWillRejectRule = defineRule({
  ...meta,
  title: "A ResourceQuota or LimitRange will reject the workload's pods",
  docs: {
    cause:
      "The namespace has a ResourceQuota or LimitRange the pods do not satisfy: the quota tracks limits or requests the containers do not set (`failed quota: q: must specify limits.memory`), the replicas need more than the quota has left (`exceeded quota`), or a container's limit is above the LimitRange maximum. The controller cannot create the pods (FailedCreate) and the workload stays below its replicas.",
    fix: "Set the requests and limits the quota tracks, lower replicas x requests under what is left, or raise the quota / LimitRange with the namespace owner.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/policy/resource-quotas/", "https://kubernetes.io/docs/concepts/policy/limit-range/"],
  },
  inputs: ["workloads", "manifests", "pods"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "LimitRange", "Pod", "ReplicaSet", "ReplicationController", "ResourceQuota", "StatefulSet"],
  requires: ["workloads"],
  scopes: ["lint", "diagnose"],
  messages: {
    "quota-resource-unset": "ResourceQuota {quotaName} tracks {key}, which container{plural} {containers} of {kind} {name} do{verbEnding} not set",
    "quota-exceeded": "{kind} {name} needs {key}={need} ({replicas} pod{plural}) but ResourceQuota {quotaName} has {left} left of {hard}",
    "limit-range-rejects": "LimitRange {limitRange} rejects container {container}: {problem}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      const quotas = inNamespace(view, "ResourceQuota", workload.namespace).filter((q) => !q.spec?.scopes && !q.spec?.scopeSelector);
      const ranges = inNamespace(view, "LimitRange", workload.namespace);
      if (quotas.length === 0 && ranges.length === 0) continue;
      for (const quota of quotas) checkQuota(quota);
      for (const range of ranges) checkRange(range);

      function checkQuota(quota: KubeObject) {
        const hard = isObject(quota.spec?.hard) ? (quota.spec.hard as Record<string, unknown>) : {};
        const used = isObject(quota.status?.used) ? (quota.status.used as Record<string, unknown>) : {};
        const quotaName = quota.metadata.name ?? "";
        // Tracked limits/requests must be set on every container (a LimitRange default counts).
        for (const key of Object.keys(hard)) {
          const match = /^(limits|requests)\.(cpu|memory|ephemeral-storage)$/.exec(key);
          if (!match) continue;
          const bucket = match[1] as "limits" | "requests";
          const resource = match[2] as ResourceName;
          const defaulted = limitRangeDefault(view, workload.namespace, resource, bucket === "limits" ? "default" : "defaultRequest") ?? (bucket === "requests" ? limitRangeDefault(view, workload.namespace, resource, "default") : undefined);
          if (defaulted !== undefined) continue;
          const missing = containersOf(workload).filter((ref) => (bucket === "limits" ? resourceValue(ref.container, "limits", resource) : resourceValue(ref.container, "requests", resource) ?? resourceValue(ref.container, "limits", resource)) === undefined);
          if (missing.length === 0) continue;
          const first = missing[0]!;
          const resources = isObject(first.container.resources) ? first.container.resources : {};
          const suggested = resource === "memory" ? (bucket === "limits" ? "1Gi" : "512Mi") : resource === "cpu" ? (bucket === "limits" ? "1" : "300m") : "1Gi";
          reportObject(ctx, meta, workload.object, {
            field: first.path,
            container: first.name,
            message: "quota-resource-unset",
            data: { quotaName, key, plural: missing.length > 1 ? "s" : "", containers: missing.map((m) => m.name).join(", "), kind: workload.kind, name: workload.name, verbEnding: missing.length > 1 ? "" : "es" },
            cause: `The API server rejects every pod: \`pods "${workload.name}-..." is forbidden: failed quota: ${quotaName}: must specify ${key}\`. The controller reports FailedCreate and no pod runs.`,
            evidence: [fieldEvidence(view, quota, ["spec", "hard", key])],
            confidence: 0.9,
            fix: () => containerChangeFix(
              view,
              workload,
              first.name,
              { current: first.container, set: { resources: { ...resources, [bucket]: { ...(isObject(resources[bucket]) ? (resources[bucket] as object) : {}), [resource]: suggested } } }, init: first.init },
              `Set ${key} on every container (or add a LimitRange default in the namespace).`,
            ),
          });
        }
        // Replicas x per-pod requests against what the quota has left.
        for (const [key, rawHard] of Object.entries(hard)) {
          const resource = /^(?:requests\.)?(cpu|memory)$/.exec(key)?.[1] as "cpu" | "memory" | undefined;
          const limitResource = /^limits\.(cpu|memory)$/.exec(key)?.[1] as "cpu" | "memory" | undefined;
          const hardValue = parseQuantity(rawHard);
          if (hardValue === undefined) continue;
          const usedValue = parseQuantity(used[key]) ?? 0;
          let need: number | undefined;
          if (key === "pods") need = workload.replicas;
          else if (resource) need = workload.replicas * podRequest(workload, resource);
          else if (limitResource) need = workload.replicas * containersOf(workload).filter((r) => !r.init).reduce((sum, r) => sum + (resourceValue(r.container, "limits", limitResource) ?? 0), 0);
          if (need === undefined || need === 0 || need + usedValue <= hardValue) continue;
          reportObject(ctx, meta, workload.object, {
            field: workload.kind === "Deployment" || workload.kind === "StatefulSet" ? ["spec", "replicas"] : workload.specPath,
            message: "quota-exceeded",
            data: { kind: workload.kind, name: workload.name, key, need: format(key, need), replicas: workload.replicas, plural: workload.replicas === 1 ? "" : "s", quotaName, left: format(key, Math.max(0, hardValue - usedValue)), hard: String(rawHard) },
            cause: `Pods beyond the quota are refused: \`exceeded quota: ${quotaName}, requested: ${key}=..., used: ${key}=${format(key, usedValue)}, limited: ${key}=${String(rawHard)}\`. The workload runs fewer replicas than asked, or none.`,
            evidence: [fieldEvidence(view, quota, ["spec", "hard", key])],
            confidence: usedValue > 0 ? 0.85 : 0.8,
            fix: { description: `Lower replicas or per-pod ${resource ?? limitResource ?? "pods"} so the total stays under ${String(rawHard)}${usedValue ? ` minus what is used (${format(key, usedValue)})` : ""}, or ask for a larger quota.`, commands: [`kubectl describe resourcequota ${quotaName}${namespaceFlag(workload.namespace)}`] },
          });
        }
      }

      function checkRange(range: KubeObject) {
        for (const [index, limit] of objects(range.spec?.limits).entries()) {
          if (limit.type !== "Container") continue;
          for (const ref of containersOf(workload)) {
            for (const resource of ["memory", "cpu"] as const) {
              const max = parseQuantity(isObject(limit.max) ? limit.max[resource] : undefined);
              const min = parseQuantity(isObject(limit.min) ? limit.min[resource] : undefined);
              const containerLimit = resourceValue(ref.container, "limits", resource);
              const containerRequest = resourceValue(ref.container, "requests", resource) ?? containerLimit;
              let problem: string | undefined;
              if (max !== undefined && containerLimit !== undefined && containerLimit > max) problem = `maximum ${resource} usage per Container is ${String((limit.max as Record<string, unknown>)[resource])}, but limit is ${rawResource(ref.container, "limits", resource)}`;
              else if (min !== undefined && containerRequest !== undefined && containerRequest < min) problem = `minimum ${resource} usage per Container is ${String((limit.min as Record<string, unknown>)[resource])}, but request is ${rawResource(ref.container, "requests", resource) ?? rawResource(ref.container, "limits", resource)}`;
              if (!problem) continue;
              reportObject(ctx, meta, workload.object, {
                field: [...ref.path, "resources"],
                container: ref.name,
                message: "limit-range-rejects",
                data: { limitRange: range.metadata.name ?? "", container: ref.name, problem },
                cause: `The API server refuses the pods: \`pods "..." is forbidden: ${problem}\`.`,
                evidence: [fieldEvidence(view, range, ["spec", "limits", index])],
                confidence: 0.9,
                fix: { description: `Keep the container's ${resource} within the LimitRange (min ${min !== undefined ? format(resource, min) : "-"}, max ${max !== undefined ? format(resource, max) : "-"}).`, commands: [`kubectl describe limitrange ${range.metadata.name ?? ""}${namespaceFlag(workload.namespace)}`] },
              });
            }
          }
        }
      }
    }
  },
});
