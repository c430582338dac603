import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { formatBytes, formatCpu, parseQuantity } from "../../k8s/quantities.js";
import { reportObject, type RuleMeta } from "./report.js";
import { podRequest } from "../../k8s/pod-requests.js";
import { containersOf, isObject, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/requests-exceed-nodes",
  category: "unschedulable",
  severity: "error",
  equivalents: ["popeye:POP-602", "popeye:POP-603"],
  docs: { verify: ["kubectl describe nodes | grep -A6 'Allocatable'", "kubectl get pods -n <namespace> --field-selector status.phase=Pending", "kubectl describe pod <pod> -n <namespace> | grep -A3 FailedScheduling"] },
};

/** What a node offers (allocatable, else capacity), read once per node: fix proofs run the rule on many views of the same nodes. */
const offered = new WeakMap<KubeObject, { cpu: number; memory: number }>();

function allocatableOf(node: KubeObject): { cpu: number; memory: number } {
  let found = offered.get(node);
  if (!found) {
    const of = (resource: "cpu" | "memory") => parseQuantity(node.status?.allocatable?.[resource] ?? node.status?.capacity?.[resource]) ?? 0;
    offered.set(node, (found = { cpu: of("cpu"), memory: of("memory") }));
  }
  return found;
}

export const requestsExceedNodesRule = defineRule({
  ...meta,
  title: "A pod requests more CPU or memory than any node can offer",
  docs: {
    cause:
      "The pod's requests (sum of its containers, or its largest init container) exceed the allocatable CPU or memory of every node in the cluster. The scheduler can never place it: it stays Pending with `0/N nodes are available: N Insufficient memory`.",
    fix: "Lower the requests to what the app measurably needs, or add a node pool with larger nodes.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"],
  },
  inputs: ["workloads", "nodes", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Node", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: ["workloads", "nodes"],
  scopes: ["lint", "diagnose"],
  messages: {
    "request-exceeds-nodes": "{kind} {name} requests {request} {resource} per pod; the largest node offers {largest}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const nodes = view.kind("Node").filter((node) => node.spec?.unschedulable !== true);
    if (nodes.length === 0) return;
    const allocatable = (resource: "cpu" | "memory") => Math.max(...nodes.map((node) => allocatableOf(node)[resource]));
    const most = { cpu: allocatable("cpu"), memory: allocatable("memory") };
    for (const workload of workloadsOf(view)) {
      for (const resource of ["memory", "cpu"] as const) {
        if (most[resource] <= 0) continue;
        const request = podRequest(workload, resource);
        if (request <= most[resource]) continue;
        const biggest = containersOf(workload).reduce<{ name: string; path: (string | number)[]; value: number } | undefined>((best, ref) => {
          const resources = isObject(ref.container.resources) ? ref.container.resources : {};
          const requests = isObject(resources.requests) ? resources.requests : isObject(resources.limits) ? resources.limits : {};
          const value = parseQuantity(requests[resource]) ?? 0;
          const bucket = isObject(resources.requests) && requests === resources.requests ? "requests" : "limits";
          return !best || value > best.value ? { name: ref.name, path: [...ref.path, "resources", bucket, resource], value } : best;
        }, undefined);
        const format = resource === "memory" ? formatBytes : formatCpu;
        reportObject(ctx, meta, workload.object, {
          field: biggest?.path ?? workload.specPath,
          container: biggest?.name,
          message: "request-exceeds-nodes",
          data: { kind: workload.kind, name: workload.name, request: format(request), resource, largest: format(most[resource]) },
          cause: `No node can fit the pod (${nodes.length} schedulable node${nodes.length === 1 ? "" : "s"}, at most ${format(most[resource])} allocatable ${resource}). The scheduler reports \`0/${nodes.length} nodes are available: ${nodes.length} Insufficient ${resource}\` and the pod stays Pending.`,
          evidence: nodes.slice(0, 5).map((node) => ({ source: "api", text: `Node ${node.metadata.name ?? ""} allocatable ${resource}: ${String(node.status?.allocatable?.[resource] ?? node.status?.capacity?.[resource] ?? "?")}` })),
          confidence: 0.9,
          fix: { description: `Lower requests.${resource} below ${format(most[resource])} (what the app needs, measured), or add larger nodes.`, commands: ["kubectl describe nodes | grep -A6 Allocatable"] },
        });
      }
    }
  },
});
