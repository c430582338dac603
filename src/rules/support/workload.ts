import type { Fix, FixChange, YamlChange } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { yamlText } from "./yaml-text.js";

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

/** `deployment/api` as kubectl takes it. */
export function kubectlRef(owner: { kind: string; name: string }): string {
  return `${owner.kind.toLowerCase()}/${owner.name}`;
}

export function namespaceFlag(namespace: string | undefined): string {
  return namespace ? ` -n ${namespace}` : "";
}

export function findContainer(spec: JsonObject | undefined, name: string | undefined, init = false): JsonObject | undefined {
  const list = (spec?.[init ? "initContainers" : "containers"] as JsonObject[] | undefined) ?? [];
  return name === undefined ? list[0] : list.find((container) => container.name === name);
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function toYaml(value: unknown): string {
  return yamlText(value).trimEnd();
}

export interface ContainerChange {
  /** The container as it is now (from the owner's template, or from the pod when the owner is not in the inputs). */
  current: JsonObject;
  /** The fields of the container that change, with their new values (`undefined` removes a field). */
  set: JsonObject;
  init?: boolean;
  /** Pod-level spec fields that change too (volumes, securityContext ...). */
  podSet?: JsonObject;
  podCurrent?: JsonObject;
}

/**
 * The YAML before/after of the owner's pod template for a container change,
 * the strategic-merge patch that applies it, and the rollout commands.
 */
export function containerFix(owner: TemplateOwner, containerName: string, change: ContainerChange, description: string, extraCommands: string[] = []): Fix {
  const listKey = change.init ? "initContainers" : "containers";
  const beforeContainer: JsonObject = { name: containerName };
  const afterContainer: JsonObject = { name: containerName };
  // A field set to undefined is removed: the YAML leaves it out, the strategic-merge patch says `null`
  // (a patch that merely omits it would leave it in place).
  const removed: JsonObject = { name: containerName };
  for (const [key, value] of Object.entries(change.set)) {
    if (change.current[key] !== undefined) beforeContainer[key] = clone(change.current[key]);
    if (value !== undefined) afterContainer[key] = clone(value);
    else if (change.current[key] !== undefined) removed[key] = null;
  }
  const beforeSpec: JsonObject = { [listKey]: [beforeContainer] };
  const afterSpec: JsonObject = { [listKey]: [afterContainer] };
  const removedSpec: JsonObject = {};
  for (const [key, value] of Object.entries(change.podSet ?? {})) {
    if (change.podCurrent?.[key] !== undefined) beforeSpec[key] = clone(change.podCurrent[key]);
    if (value !== undefined) afterSpec[key] = clone(value);
    else if (change.podCurrent?.[key] !== undefined) removedSpec[key] = null;
  }
  const patchSpec: JsonObject = { ...afterSpec, ...removedSpec, [listKey]: [{ ...afterContainer, ...removed }] };
  return templateFix(owner, beforeSpec, afterSpec, description, extraCommands, patchSpec);
}

/** The same for any change of the pod spec: before/after YAML under the template path, patch and commands. */
export function templateFix(owner: TemplateOwner, beforeSpec: JsonObject, afterSpec: JsonObject, description: string, extraCommands: string[] = [], patchSpec: JsonObject = afterSpec): Fix {
  const wrap = (spec: JsonObject): JsonObject => nest(owner.kind === "Pod" ? ["spec"] : [...owner.templatePath, "spec"], spec);
  const yaml: YamlChange = {
    target: `${owner.kind} ${owner.namespace ? `${owner.namespace}/` : ""}${owner.name}`,
    before: toYaml(wrap(beforeSpec)),
    after: toYaml(wrap(afterSpec)),
  };
  const patch = JSON.stringify(wrap(patchSpec));
  const change: FixChange = { kind: owner.kind, ...(owner.namespace ? { namespace: owner.namespace } : {}), name: owner.name, type: "strategic", patch };
  return { description, yaml, ...(owner.kind === "Job" || owner.kind === "Pod" ? {} : { patch }), change, commands: [...templateChangeCommands(owner, patch, "strategic"), ...extraCommands] };
}

/**
 * The commands that change a pod template in the cluster: a patch and the rollout for workloads; for
 * a bare Pod and for a Job, whose pod template the API server refuses to change, re-creating it.
 */
export function templateChangeCommands(owner: { kind: string; name: string; namespace?: string }, patch: string, type: "strategic" | "merge"): string[] {
  const ns = namespaceFlag(owner.namespace);
  switch (owner.kind) {
    case "Pod":
      return [`kubectl get pod ${owner.name}${ns} -o yaml > pod.yaml   # edit as shown, then:`, "kubectl replace --force -f pod.yaml"];
    case "Job":
      return [`kubectl delete job ${owner.name}${ns}   # a Job's pod template cannot be changed: re-create it`, "kubectl apply -f <the Job's manifest, edited as shown>"];
    default:
      return [
        `kubectl patch ${owner.kind.toLowerCase()} ${owner.name}${ns} --type ${type} -p '${patch}'${owner.kind === "CronJob" ? "   # the next Job it creates gets the change" : ""}`,
        ...(["Deployment", "StatefulSet", "DaemonSet"].includes(owner.kind) ? [`kubectl rollout status ${kubectlRef(owner)}${ns}`] : []),
        ...(owner.kind === "ReplicaSet" ? [`kubectl delete pods${ns} -l <the ReplicaSet's selector>   # a ReplicaSet does not replace running pods`] : []),
      ];
  }
}

/** `value` under `path`: nest(["spec", "template"], x) is { spec: { template: x } }. */
export function nest(path: ReadonlyArray<string>, value: unknown): JsonObject {
  return path.reduceRight<JsonObject>((inner, key) => ({ [key]: inner }), value as JsonObject);
}

/** `kubectl rollout undo` when a new ReplicaSet crashes and the previous one was healthy. */
export function rolloutUndoCommand(owner: TemplateOwner): string {
  return `kubectl rollout undo ${kubectlRef(owner)}${namespaceFlag(owner.namespace)}`;
}
