import type { KubeObject } from "../../../model/kube.js";
import type { JsonObject } from "../../support/workload.js";
import { isObject, objects, stringMap, str } from "./workloads.js";

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

/** nodeSelector and required node affinity against one node. */
export function nodeMatchesPod(node: KubeObject, spec: JsonObject): boolean {
  const labels = stringMap(node.metadata.labels);
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
