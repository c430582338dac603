import type { JsonObject } from "./workloads.js";
import type { ClusterView } from "../view/cluster-view.js";
import { inNamespace } from "./lookup.js";
import { parseQuantity } from "./quantities.js";
import { isObject, objects } from "./pod-templates.js";

export type ResourceName = "cpu" | "memory" | "ephemeral-storage";

export function resourceValue(container: JsonObject, bucket: "requests" | "limits", name: ResourceName): number | undefined {
  const resources = isObject(container.resources) ? container.resources : undefined;
  const values = resources && isObject(resources[bucket]) ? (resources[bucket] as JsonObject) : undefined;
  return values ? parseQuantity(values[name]) : undefined;
}

export function rawResource(container: JsonObject, bucket: "requests" | "limits", name: ResourceName): string | undefined {
  const resources = isObject(container.resources) ? container.resources : undefined;
  const values = resources && isObject(resources[bucket]) ? (resources[bucket] as JsonObject) : undefined;
  const value = values?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

/** The request the scheduler uses: the request, else the limit (Kubernetes copies a lone limit into the request). */
export function effectiveRequest(container: JsonObject, name: ResourceName): number | undefined {
  return resourceValue(container, "requests", name) ?? resourceValue(container, "limits", name);
}

/** A LimitRange in the namespace that gives containers a default for this resource. */
export function limitRangeDefault(view: ClusterView, namespace: string | undefined, name: ResourceName, bucket: "default" | "defaultRequest"): number | undefined {
  for (const range of inNamespace(view, "LimitRange", namespace)) {
    for (const limit of objects(range.spec?.limits)) {
      if (limit.type !== "Container") continue;
      const values = isObject(limit[bucket]) ? (limit[bucket] as JsonObject) : undefined;
      const value = parseQuantity(values?.[name]);
      if (value !== undefined) return value;
    }
  }
  return undefined;
}
