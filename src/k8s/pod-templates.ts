import type { LoadedObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { hasTemplate, podTemplatePath, templateWorkload, type JsonObject, type Workload } from "./workloads.js";

export interface ContainerRef {
  container: JsonObject;
  name: string;
  init: boolean;
  /** Path from the object's root to the container. */
  path: (string | number)[];
}

const TEMPLATE_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "ReplicationController", "DeploymentConfig", "Pod"];

const cache = new WeakMap<ClusterView, Workload[]>();

/**
 * The pod templates rules should check. In lint mode every workload and bare
 * Pod from the inputs; when scanning a cluster or snapshot only controllers'
 * templates, since the pod rules already diagnose running pods from their status.
 * Objects created by a controller (pods, ReplicaSets, Jobs of a CronJob) are
 * skipped: their owner's template is what gets fixed.
 */
export function workloadsOf(view: ClusterView): Workload[] {
  const cached = cache.get(view);
  if (cached) return cached;
  const result: Workload[] = [];
  for (const kind of TEMPLATE_KINDS) {
    if (kind === "Pod" && view.mode !== "lint") continue;
    for (const loaded of view.list(kind)) {
      const workload = toWorkload(loaded);
      if (workload) result.push(workload);
    }
  }
  cache.set(view, result);
  return result;
}

function toWorkload(loaded: LoadedObject): Workload | undefined {
  const object = loaded.object;
  if ((object.metadata.ownerReferences ?? []).some((ref) => ref.controller !== false)) return undefined;
  const templatePath = object.kind === "DeploymentConfig" ? ["spec", "template"] : podTemplatePath(object.kind);
  if (!templatePath || !hasTemplate(object, templatePath, "spec-or-metadata")) return undefined;
  return templateWorkload(object, loaded, templatePath);
}

const containerCache = new WeakMap<Workload, ContainerRef[]>();

/** Init containers first (they run first), then app containers. */
export function containersOf(workload: Workload): ContainerRef[] {
  const cached = containerCache.get(workload);
  if (cached) return cached;
  const refs: ContainerRef[] = [];
  for (const init of [true, false]) {
    const key = init ? "initContainers" : "containers";
    const list = workload.spec[key];
    if (!Array.isArray(list)) continue;
    list.forEach((container, index) => {
      if (!isObject(container)) return;
      refs.push({ container, name: String(container.name ?? `#${index}`), init, path: [...workload.specPath, key, index] });
    });
  }
  containerCache.set(workload, refs);
  return refs;
}

export function dig(value: unknown, path: ReadonlyArray<string | number>): unknown {
  let node: unknown = value;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function objects(value: unknown): JsonObject[] {
  return asArray(value).filter(isObject);
}

export function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined && item !== null) out[key] = String(item);
  return out;
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}

/** The security context value a container runs with: its own, else the pod's. */
export function effectiveSecurity(workload: Workload, container: JsonObject, field: string): { value: unknown; path: (string | number)[] | undefined; level: "container" | "pod" | undefined } {
  const own = isObject(container.securityContext) ? container.securityContext[field] : undefined;
  if (own !== undefined) return { value: own, path: ["securityContext", field], level: "container" };
  const pod = isObject(workload.spec.securityContext) ? workload.spec.securityContext[field] : undefined;
  if (pod !== undefined) return { value: pod, path: [...workload.specPath, "securityContext", field], level: "pod" };
  return { value: undefined, path: undefined, level: undefined };
}
