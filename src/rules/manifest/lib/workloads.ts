import type { KubeObject, LoadedObject } from "../../../model/kube.js";
import type { ClusterView } from "../../../view/cluster-view.js";
import { podTemplatePath, type JsonObject, type TemplateOwner } from "../../support/workload.js";

/** A pod template to check: a workload's template, or a bare Pod's spec. */
export interface Workload {
  object: KubeObject;
  loaded?: LoadedObject;
  kind: string;
  namespace?: string;
  name: string;
  /** The pod spec. */
  spec: JsonObject;
  /** Path from the object's root to the pod spec. */
  specPath: string[];
  /** Labels the pods will carry. */
  podLabels: Record<string, string>;
  /** Pod annotations from the template. */
  podAnnotations: Record<string, string>;
  /** How many pods run at once (replicas, parallelism; 1 for Pods and CronJobs). */
  replicas: number;
  owner: TemplateOwner;
}

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
  if (!templatePath) return undefined;
  const specPath = [...templatePath, "spec"];
  const metadata = dig(object, [...templatePath, "metadata"]);
  // A template with labels but no spec (a partial manifest) still tells which pods a Service selects.
  const spec = dig(object, specPath) ?? (isObject(metadata) ? {} : undefined);
  if (!isObject(spec)) return undefined;
  const name = object.metadata.name ?? "";
  return {
    object,
    loaded,
    kind: object.kind,
    namespace: object.metadata.namespace,
    name,
    spec,
    specPath,
    podLabels: stringMap(isObject(metadata) ? metadata.labels : undefined),
    podAnnotations: stringMap(isObject(metadata) ? metadata.annotations : undefined),
    replicas: replicasOf(object),
    owner: { kind: object.kind, namespace: object.metadata.namespace, name, object, templatePath },
  };
}

function replicasOf(object: KubeObject): number {
  const spec = object.spec ?? {};
  switch (object.kind) {
    case "Deployment":
    case "StatefulSet":
    case "ReplicaSet":
    case "ReplicationController":
    case "DeploymentConfig":
      return typeof spec.replicas === "number" ? spec.replicas : 1;
    case "Job":
      return typeof spec.parallelism === "number" ? spec.parallelism : 1;
    case "CronJob":
      return typeof spec.jobTemplate?.spec?.parallelism === "number" ? spec.jobTemplate.spec.parallelism : 1;
    default:
      return 1;
  }
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
