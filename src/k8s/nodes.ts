import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import type { JsonObject } from "./workloads.js";
import { isObject, objects, stringMap, str } from "./pod-templates.js";

/** Whether a node's labels satisfy a NodeSelectorRequirement list (AND). */
function requirementsMatch(labels: Record<string, string>, expressions: JsonObject[], fields: Record<string, string> = {}): boolean {
  return expressions.every((expression) => {
    const key = String(expression.key ?? "");
    const values = Array.isArray(expression.values) ? expression.values.map(String) : [];
    const value = labels[key] ?? fields[key];
    switch (expression.operator) {
      case "In":
        return value !== undefined && values.includes(value);
      case "NotIn":
        return value === undefined || !values.includes(value);
      case "Exists":
        return value !== undefined;
      case "DoesNotExist":
        return value === undefined;
      case "Gt":
        return value !== undefined && Number(value) > Number(values[0]);
      case "Lt":
        return value !== undefined && Number(value) < Number(values[0]);
      default:
        return false;
    }
  });
}

const labelMaps = new WeakMap<KubeObject, Record<string, string>>();

/** A node's labels as strings, made once a node (read-only: callers share it). */
export function nodeLabels(node: KubeObject): Record<string, string> {
  let labels = labelMaps.get(node);
  if (!labels) labelMaps.set(node, (labels = stringMap(node.metadata.labels)));
  return labels;
}

/** nodeSelector and required node affinity against one node. */
export function nodeMatchesPod(node: KubeObject, spec: JsonObject): boolean {
  const labels = nodeLabels(node);
  for (const [key, value] of Object.entries(stringMap(spec.nodeSelector))) if (labels[key] !== value) return false;
  const affinity = isObject(spec.affinity) && isObject(spec.affinity.nodeAffinity) ? spec.affinity.nodeAffinity : undefined;
  const required = affinity && isObject(affinity.requiredDuringSchedulingIgnoredDuringExecution) ? affinity.requiredDuringSchedulingIgnoredDuringExecution : undefined;
  if (required) {
    const terms = objects(required.nodeSelectorTerms);
    if (terms.length > 0) {
      const fields = { "metadata.name": node.metadata.name ?? "" };
      const any = terms.some((term) => requirementsMatch(labels, objects(term.matchExpressions)) && requirementsMatch({}, objects(term.matchFields), fields));
      if (!any) return false;
    }
  }
  return true;
}

/** Taints with NoSchedule/NoExecute the pod does not tolerate. */
export function untoleratedTaints(node: KubeObject, spec: JsonObject): JsonObject[] {
  const tolerations = objects(spec.tolerations);
  return objects(node.spec?.taints)
    .filter((taint) => taint.effect === "NoSchedule" || taint.effect === "NoExecute")
    .filter(
      (taint) =>
        !tolerations.some((toleration) => {
          if (toleration.effect && toleration.effect !== taint.effect) return false;
          const operator = str(toleration.operator) ?? "Equal";
          if (toleration.key === undefined || toleration.key === "") return operator === "Exists";
          if (toleration.key !== taint.key) return false;
          return operator === "Exists" || String(toleration.value ?? "") === String(taint.value ?? "");
        }),
    );
}

export function schedulableNodes(nodes: KubeObject[]): KubeObject[] {
  return nodes.filter((node) => node.spec?.unschedulable !== true);
}

/** The nodes a pod spec may land on: those its nodeSelector and required node affinity select, and of those the ones whose taints it tolerates. */
export interface Placement {
  selected: KubeObject[];
  placeable: KubeObject[];
}

interface PlacementCache {
  nodes: KubeObject[];
  byConstraint: Map<string, Placement>;
}

const placements = new WeakMap<ClusterView, PlacementCache>();

function placementCache(view: ClusterView): PlacementCache {
  let cache = placements.get(view);
  if (!cache) placements.set(view, (cache = { nodes: schedulableNodes(view.kind("Node")), byConstraint: new Map() }));
  return cache;
}

/** The view's schedulable nodes, made once a view. */
export function schedulableNodesOf(view: ClusterView): KubeObject[] {
  return placementCache(view).nodes;
}

/** Where a pod spec may be scheduled among the view's schedulable nodes; specs with the same constraints share one answer. */
export function placementOf(view: ClusterView, spec: JsonObject): Placement {
  const cache = placementCache(view);
  const nodeAffinity = isObject(spec.affinity) && isObject(spec.affinity.nodeAffinity) ? spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution : undefined;
  const key = JSON.stringify([spec.nodeSelector ?? null, nodeAffinity ?? null, spec.tolerations ?? null]);
  let placement = cache.byConstraint.get(key);
  if (!placement) {
    const selected = cache.nodes.filter((node) => nodeMatchesPod(node, spec));
    placement = { selected, placeable: selected.filter((node) => untoleratedTaints(node, spec).length === 0) };
    cache.byConstraint.set(key, placement);
  }
  return placement;
}
