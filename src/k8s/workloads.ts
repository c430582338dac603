import type { KubeObject, LoadedObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import type { Labels } from "./selectors.js";

/**
 * Workloads: sets of pods sharing one pod spec. A running Pod is one; so is a
 * controller's pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * Job, CronJob ...) before or while its pods run. Rules ask for the selection
 * they need (the templates to check, the pods and templates a mesh would hold,
 * the pods Istio selects), all in this one shape.
 */
export type JsonObject = Record<string, unknown>;

const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "ReplicationController"] as const;

/** Where the pod template sits in each workload kind. */
export function podTemplatePath(kind: string): string[] | undefined {
  switch (kind) {
    case "Pod":
      return [];
    case "CronJob":
      return ["spec", "jobTemplate", "spec", "template"];
    default:
      return (WORKLOAD_KINDS as readonly string[]).includes(kind) ? ["spec", "template"] : undefined;
  }
}

/** The pod spec of a Pod or of any workload's template, with the path to it. */
export function podSpecOf(object: KubeObject): { spec: JsonObject; path: string[] } | undefined {
  const templatePath = podTemplatePath(object.kind);
  if (!templatePath) return undefined;
  const specPath = [...templatePath, "spec"];
  let node: unknown = object;
  for (const key of specPath) node = (node as JsonObject | undefined)?.[key];
  return node && typeof node === "object" ? { spec: node as JsonObject, path: specPath } : undefined;
}

/** The object whose pod template should be changed to fix a pod: its Deployment, StatefulSet, DaemonSet, Job or CronJob. */
export interface TemplateOwner {
  kind: string;
  namespace?: string;
  name: string;
  /** The owner object when the inputs hold it. */
  object?: KubeObject;
  /** Path from the owner's root to its pod template. */
  templatePath: string[];
}

/**
 * Walks Pod -> ReplicaSet -> Deployment, Pod -> Job -> CronJob, Pod ->
 * StatefulSet/DaemonSet. When an owner is not in the inputs, its name is
 * inferred from the owner reference (a ReplicaSet named `<deploy>-<hash>`
 * whose hash is the pod's pod-template-hash label belongs to `<deploy>`).
 * A bare pod is its own owner.
 */
export function templateOwnerOf(view: ClusterView, pod: KubeObject): TemplateOwner {
  const namespace = pod.metadata.namespace;
  const ref = pod.metadata.ownerReferences?.find((owner) => owner.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!ref) return { kind: pod.kind, namespace, name: pod.metadata.name ?? "", object: pod, templatePath: podTemplatePath(pod.kind) ?? [] };

  const direct = view.ownerOf(pod);
  if (ref.kind === "ReplicaSet") {
    const replicaSet = direct;
    const deployRef = replicaSet?.metadata.ownerReferences?.find((owner) => owner.kind === "Deployment");
    if (deployRef) {
      const deployment = view.get("Deployment", namespace, deployRef.name);
      return { kind: "Deployment", namespace, name: deployRef.name, object: deployment, templatePath: ["spec", "template"] };
    }
    const hash = pod.metadata.labels?.["pod-template-hash"];
    if (!replicaSet && hash && ref.name.endsWith(`-${hash}`)) {
      const name = ref.name.slice(0, -(hash.length + 1));
      return { kind: "Deployment", namespace, name, object: view.get("Deployment", namespace, name), templatePath: ["spec", "template"] };
    }
    return { kind: "ReplicaSet", namespace, name: ref.name, object: replicaSet, templatePath: ["spec", "template"] };
  }
  if (ref.kind === "Job") {
    const job = direct;
    const cronRef = job?.metadata.ownerReferences?.find((owner) => owner.kind === "CronJob");
    if (cronRef) {
      return { kind: "CronJob", namespace, name: cronRef.name, object: view.get("CronJob", namespace, cronRef.name), templatePath: ["spec", "jobTemplate", "spec", "template"] };
    }
    return { kind: "Job", namespace, name: ref.name, object: job, templatePath: ["spec", "template"] };
  }
  return { kind: ref.kind, namespace, name: ref.name, object: direct, templatePath: podTemplatePath(ref.kind) ?? ["spec", "template"] };
}


/**
 * The one workload model. `Namespace` is the namespace as the inputs give it
 * (undefined: a manifest applied to the current namespace), or a string where a
 * selection has resolved it; `Spec` the type its readers give the pod spec.
 */
export interface Workload<Namespace extends string | undefined = string | undefined, Spec = JsonObject> {
  /** The Pod, or the object holding the template. */
  object: KubeObject;
  loaded?: LoadedObject;
  kind: string;
  name: string;
  namespace: Namespace;
  /** Labels and annotations its pods carry. */
  labels: Labels;
  annotations: Labels;
  spec: Spec;
  /** Paths from the object's root to the pod template (`[]` for a Pod), its metadata and its spec. */
  templatePath: string[];
  metadataPath: string[];
  specPath: string[];
  /** The running pod, when this is one. */
  pod?: KubeObject;
  /** What to change to fix it: the controller's template, or the bare Pod. */
  owner: TemplateOwner;
  /** How many pods run at once (replicas, parallelism; 1 for Pods and CronJobs). */
  replicas: number;
}

function recordAt(value: unknown, path: readonly string[]): JsonObject | undefined {
  let node: unknown = value;
  for (const key of path) node = node !== null && typeof node === "object" ? (node as JsonObject)[key] : undefined;
  return node !== null && typeof node === "object" && !Array.isArray(node) ? (node as JsonObject) : undefined;
}

/** Label and annotation values as strings (YAML may give `version: 1`). */
export function labelsOf(value: unknown): Labels {
  const out: Labels = {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) return out;
  for (const [key, item] of Object.entries(value)) if (item !== undefined && item !== null) out[key] = String(item);
  return out;
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

/** A running pod as a workload; its owner is the template to fix (see templateOwnerOf). */
export function podWorkload(pod: KubeObject, owner: TemplateOwner, loaded?: LoadedObject): Workload {
  return {
    object: pod,
    loaded,
    kind: pod.kind,
    name: pod.metadata.name ?? "",
    namespace: pod.metadata.namespace,
    labels: labelsOf(pod.metadata.labels),
    annotations: labelsOf(pod.metadata.annotations),
    spec: recordAt(pod, ["spec"]) ?? {},
    templatePath: [],
    metadataPath: ["metadata"],
    specPath: ["spec"],
    pod,
    owner,
    replicas: 1,
  };
}

/**
 * An object's pod template as a workload, the object being its own owner;
 * undefined when its kind has no template. `templatePath` overrides where the
 * template sits (kinds podTemplatePath does not know, like DeploymentConfig).
 */
export function templateWorkload(object: KubeObject, loaded?: LoadedObject, templatePath = podTemplatePath(object.kind)): Workload | undefined {
  if (!templatePath) return undefined;
  const metadataPath = [...templatePath, "metadata"];
  const specPath = [...templatePath, "spec"];
  const metadata = recordAt(object, metadataPath);
  const name = object.metadata.name ?? "";
  return {
    object,
    loaded,
    kind: object.kind,
    name,
    namespace: object.metadata.namespace,
    labels: labelsOf(metadata?.labels),
    annotations: labelsOf(metadata?.annotations),
    spec: recordAt(object, specPath) ?? {},
    templatePath,
    metadataPath,
    specPath,
    owner: { kind: object.kind, namespace: object.metadata.namespace, name, object, templatePath },
    replicas: replicasOf(object),
  };
}

/** Whether the object holds a pod template at that path (a template with metadata alone counts: it tells which pods a Service selects). */
export function hasTemplate(object: KubeObject, templatePath: readonly string[], part: "template" | "spec-or-metadata"): boolean {
  if (part === "template") return recordAt(object, templatePath) !== undefined;
  return recordAt(object, [...templatePath, "spec"]) !== undefined || recordAt(object, [...templatePath, "metadata"]) !== undefined;
}

/**
 * The same workload with its namespace resolved for a selection (`default`, or
 * `""` as Istio's analysis names it); a template that is its own owner is placed with it.
 */
export function placed<Spec>(workload: Workload<string | undefined, unknown>, namespace: string): Workload<string, Spec> {
  const owner = workload.owner.object === workload.object && workload.kind !== "Pod" ? { ...workload.owner, namespace } : workload.owner;
  return { ...workload, namespace, owner } as Workload<string, Spec>;
}
