import { defineRule } from "../../contract/rule.js";
import { KUBERNETES_SELECTOR, selectorMatches } from "../../k8s/selectors.js";
import { placementOf, schedulableNodesOf } from "../../k8s/nodes.js";
import { podChangeFix, reportObject, type RuleMeta } from "./report.js";
import { isObject, objects, stringMap, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/anti-affinity-exceeds-nodes",
  category: "unschedulable",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl get pods -n <namespace> -l <selector> -o wide", "kubectl describe pod <pod> -n <namespace> | grep -A3 FailedScheduling"] },
};

export const antiAffinityExceedsNodesRule = defineRule({
  ...meta,
  title: "Required pod anti-affinity with more replicas than nodes",
  docs: {
    cause:
      "Required pod anti-affinity on the node (kubernetes.io/hostname) allows one replica per node. With more replicas than eligible nodes the rest stay Pending (`didn't match pod anti-affinity rules`); with exactly as many, a rolling update cannot place its surge pod and stalls.",
    fix: "Use preferredDuringSchedulingIgnoredDuringExecution (spread when possible), or topologySpreadConstraints with maxSkew 1, or keep replicas below the node count.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity"],
  },
  inputs: ["workloads", "nodes", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Node", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: ["workloads", "nodes"],
  scopes: ["lint", "diagnose"],
  messages: {
    "more-replicas-than-nodes": "{kind} {name} wants {replicas} replicas, one per node, but only {eligible} node{plural} can take them",
    "no-node-for-surge": "{kind} {name} runs one replica on each of its {eligible} nodes: a rolling update has nowhere to put its surge pod",
  },
  analyze(ctx) {
    const { view } = ctx;
    const nodes = schedulableNodesOf(view);
    if (nodes.length === 0) return;
    for (const workload of workloadsOf(view)) {
      if (!["Deployment", "StatefulSet", "ReplicaSet"].includes(workload.kind)) continue;
      const antiAffinity = isObject(workload.spec.affinity) && isObject(workload.spec.affinity.podAntiAffinity) ? workload.spec.affinity.podAntiAffinity : undefined;
      const required = objects(antiAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
      const termIndex = required.findIndex((term) => term.topologyKey === "kubernetes.io/hostname" && selectorMatches(term.labelSelector, workload.labels, KUBERNETES_SELECTOR));
      if (termIndex < 0) continue;
      const placement = placementOf(view, workload.spec);
      const eligible = placement.placeable.length;
      const surge = workload.kind === "Deployment" && (workload.object.spec?.strategy?.type ?? "RollingUpdate") === "RollingUpdate" && workload.object.spec?.strategy?.rollingUpdate?.maxSurge !== 0 && workload.object.spec?.strategy?.rollingUpdate?.maxSurge !== "0%";
      if (workload.replicas < eligible || (workload.replicas === eligible && !surge)) continue;
      const over = workload.replicas > eligible;
      const term = required[termIndex]!;
      reportObject(ctx, meta, workload.object, {
        field: [...workload.specPath, "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution", termIndex],
        message: over ? "more-replicas-than-nodes" : "no-node-for-surge",
        data: { kind: workload.kind, name: workload.name, replicas: workload.replicas, eligible, plural: eligible === 1 ? "" : "s" },
        cause: over
          ? `${workload.replicas - eligible} replica(s) stay Pending: \`0/${nodes.length} nodes are available: ${eligible} node(s) didn't match pod anti-affinity rules\`.`
          : "The new ReplicaSet's first pod cannot be scheduled while every node holds an old one, so the rollout stalls until progressDeadlineSeconds.",
        severity: over ? "error" : "warning",
        confidence: 0.8,
        fix: () => podChangeFix(
          view,
          workload,
          { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } },
          { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } } },
          "Make the anti-affinity preferred so replicas spread when they can and still run when they cannot.",
        ),
        evidence: [{ source: "api", text: `${eligible} eligible node(s): ${placement.selected.map((n) => n.metadata.name).join(", ")}; labels ${JSON.stringify(stringMap(workload.labels))}` }],
      });
    }
  },
});
