import { defineRule } from "../../contract/rule.js";
import { nodeLabels, placementOf, schedulableNodesOf, untoleratedTaints } from "../../k8s/nodes.js";
import { reportObject, podChangeFix, type RuleMeta } from "./report.js";
import { isObject, stringMap, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/node-selector-unsatisfiable",
  category: "unschedulable",
  severity: "error",
  equivalents: ["popeye:POP-700"],
  docs: { verify: ["kubectl get nodes --show-labels", "kubectl describe nodes | grep -A3 Taints", "kubectl describe pod <pod> -n <namespace> | grep -A3 FailedScheduling"] },
};

export const nodeSelectorUnsatisfiableRule = defineRule({
  ...meta,
  title: "No node satisfies the pod's nodeSelector, node affinity and taints",
  docs: {
    cause:
      "The pod may only run on nodes with certain labels (nodeSelector, required node affinity) and must tolerate their NoSchedule/NoExecute taints. No node in the cluster passes both, so the scheduler leaves it Pending: `0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector` or `had untolerated taint`.",
    fix: "Use labels the nodes really carry (`kubectl get nodes --show-labels`), add the matching toleration for a dedicated pool, or label the intended nodes.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/", "https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/"],
  },
  inputs: ["workloads", "nodes", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Node", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: ["workloads", "nodes"],
  scopes: ["lint", "diagnose"],
  messages: {
    "no-node-matches": "No node matches the {constraint} of {kind} {name} ({nodes} node{plural} checked)",
    "taints-not-tolerated": "Every node {kind} {name} may use has a taint it does not tolerate ({taints})",
  },
  analyze(ctx) {
    const { view } = ctx;
    const nodes = schedulableNodesOf(view);
    if (nodes.length === 0) return;
    for (const workload of workloadsOf(view)) {
      const spec = workload.spec;
      if (typeof spec.nodeName === "string") continue;
      const { selected, placeable } = placementOf(view, spec);
      if (selected.length === 0) {
        const selector = stringMap(spec.nodeSelector);
        const field = Object.keys(selector).length ? [...workload.specPath, "nodeSelector"] : [...workload.specPath, "affinity", "nodeAffinity"];
        const labelsSeen = Object.keys(selector).map((key) => `${key}: ${[...new Set(nodes.map((n) => nodeLabels(n)[key]).filter(Boolean))].join(", ") || "(no node has it)"}`);
        reportObject(ctx, meta, workload.object, {
          field,
          message: "no-node-matches",
          data: { constraint: Object.keys(selector).length ? "nodeSelector" : "required node affinity", kind: workload.kind, name: workload.name, nodes: nodes.length, plural: nodes.length === 1 ? "" : "s" },
          cause: `The scheduler will report \`0/${nodes.length} nodes are available: ${nodes.length} node(s) didn't match Pod's node affinity/selector\` and the pods stay Pending.${labelsSeen.length ? ` Node values: ${labelsSeen.join("; ")}.` : ""}`,
          evidence: nodes.slice(0, 5).map((node) => ({ source: "api", text: `Node ${node.metadata.name ?? ""} labels: ${Object.entries(nodeLabels(node)).filter(([k]) => !k.startsWith("beta.")).map(([k, v]) => `${k}=${v}`).join(", ")}` })),
          confidence: 0.85,
          fix: Object.keys(selector).length
            ? podChangeFix(view, workload, { nodeSelector: selector }, { nodeSelector: Object.fromEntries(Object.keys(selector).map((k) => [k, `<value a node has>`])) }, "Select labels that nodes carry, or label the intended nodes.", [`kubectl label node <node> ${Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(" ")}`])
            : { description: "Relax the required node affinity to labels that nodes carry.", commands: ["kubectl get nodes --show-labels"] },
        });
        continue;
      }
      if (placeable.length > 0) continue;
      const taints = [...new Set(selected.flatMap((node) => untoleratedTaints(node, spec).map((t) => `${String(t.key)}${t.value !== undefined ? `=${String(t.value)}` : ""}:${String(t.effect)}`)))];
      const first = untoleratedTaints(selected[0]!, spec)[0]!;
      reportObject(ctx, meta, workload.object, {
        field: isObject(spec.tolerations) || Array.isArray(spec.tolerations) ? [...workload.specPath, "tolerations"] : workload.specPath,
        message: "taints-not-tolerated",
        data: { kind: workload.kind, name: workload.name, taints: taints.join(", ") },
        cause: `The scheduler will report \`0/${nodes.length} nodes are available: ${selected.length} node(s) had untolerated taint {${String(first.key)}: ${String(first.value ?? "")}}\` and the pods stay Pending.`,
        confidence: 0.8,
        fix: () => podChangeFix(
          view,
          workload,
          { tolerations: spec.tolerations ?? [] },
          { tolerations: [...(Array.isArray(spec.tolerations) ? spec.tolerations : []), { key: first.key, operator: first.value !== undefined ? "Equal" : "Exists", ...(first.value !== undefined ? { value: first.value } : {}), effect: first.effect }] },
          "Tolerate the taint of the pool the workload is meant for (or target untainted nodes).",
        ),
      });
    }
  },
});
