/**
 * How a change reaches a workload in the cluster: the owner's pod template before and after as YAML,
 * the strategic-merge patch that applies it, and the kubectl commands (a patch and the rollout; a
 * bare Pod or a Job, whose pod template cannot change, re-created). Data only: the rules build their
 * findings' fixes from these (rules/workload-fixes.ts), and the engine proves them.
 */
import { type JsonObject, type TemplateOwner } from "./workloads.js";
import { yamlText } from "../util/yaml-text.js";

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

/** A change of an owner's pod template: the YAML before and after, the patch that applies it, and the commands. */
export interface TemplateChange {
  /** `Deployment shop/api`, as the YAML is shown. */
  target: string;
  before: string;
  after: string;
  /** The strategic-merge patch, as JSON text. */
  patch: string;
  /** False for a bare Pod and a Job, whose pod template the API server refuses to change: they are re-created. */
  patchable: boolean;
  /** A patch and the rollout, or the re-creation. */
  commands: string[];
}

/**
 * The YAML before/after of the owner's pod template for a container change,
 * the strategic-merge patch that applies it, and the rollout commands.
 */
export function containerTemplateChange(owner: TemplateOwner, containerName: string, change: ContainerChange): TemplateChange {
  const key = textsKey(owner, containerName, change);
  let texts = key === undefined ? undefined : writtenTexts.get(key);
  if (!texts) {
    const { before, after, patch } = writeContainerChange(owner, containerName, change);
    texts = { before, after, patch };
    if (key !== undefined) {
      if (writtenTexts.size >= WRITTEN_TEXTS) writtenTexts.clear();
      writtenTexts.set(key, texts);
    }
  }
  return { target: targetOf(owner), before: texts.before, after: texts.after, patch: texts.patch, patchable: isPatchable(owner), commands: templateChangeCommands(owner, texts.patch, "strategic") };
}

/**
 * The YAML and patch of container changes already written, by what they are made of: the workloads of a
 * cluster share a few template shapes, so thousands of findings get the same texts under different names.
 */
const writtenTexts = new Map<string, { before: string; after: string; patch: string }>();
const WRITTEN_TEXTS = 10_000;

/**
 * What the texts of a container change depend on, as one string: the template path, the container, and the JSON
 * of each changed field before and after (the texts are written from JSON copies of them). Undefined when a
 * value has no JSON form, and the change is then written without the cache.
 */
function textsKey(owner: TemplateOwner, containerName: string, change: ContainerChange): string | undefined {
  const entries = (set: JsonObject | undefined, current: JsonObject | undefined): string[] | undefined => {
    const out: string[] = [];
    for (const [key, value] of Object.entries(set ?? {})) {
      const before = jsonOf(current?.[key]);
      const after = jsonOf(value);
      if (before === undefined || after === undefined) return undefined;
      out.push(key, before, after);
    }
    return out;
  };
  const container = entries(change.set, change.current);
  const pod = entries(change.podSet, change.podCurrent);
  if (!container || !pod) return undefined;
  return JSON.stringify([templateSpecPath(owner), change.init === true, containerName, container, pod]);
}

/** JSON text of a value, "" for undefined, undefined when it has none (a function). */
function jsonOf(value: unknown): string | undefined {
  return value === undefined ? "" : (JSON.stringify(value) as string | undefined);
}

function templateSpecPath(owner: TemplateOwner): string[] {
  return owner.kind === "Pod" ? ["spec"] : [...owner.templatePath, "spec"];
}

function writeContainerChange(owner: TemplateOwner, containerName: string, change: ContainerChange): TemplateChange {
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
  return templateChange(owner, beforeSpec, afterSpec, patchSpec);
}

/** The same for any change of the pod spec: before/after YAML under the template path, patch and commands. */
export function templateChange(owner: TemplateOwner, beforeSpec: JsonObject, afterSpec: JsonObject, patchSpec: JsonObject = afterSpec): TemplateChange {
  const wrap = (spec: JsonObject): JsonObject => nest(templateSpecPath(owner), spec);
  const patch = JSON.stringify(wrap(patchSpec));
  return {
    target: targetOf(owner),
    before: toYaml(wrap(beforeSpec)),
    after: toYaml(wrap(afterSpec)),
    patch,
    patchable: isPatchable(owner),
    commands: templateChangeCommands(owner, patch, "strategic"),
  };
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

/**
 * Pod template annotations before/after, the strategic-merge patch and the
 * rollout: the sidecar reads its annotations only when it is injected, so the
 * pods must be recreated.
 */
export function annotationChange(owner: TemplateOwner, before: Record<string, string>, after: Record<string, string>): TemplateChange {
  const metadataPath = owner.kind === "Pod" ? ["metadata"] : [...owner.templatePath, "metadata"];
  const patch = JSON.stringify(nest(metadataPath, { annotations: after }));
  return {
    target: targetOf(owner),
    before: toYaml(nest(metadataPath, { annotations: Object.keys(before).length > 0 ? before : {} })),
    after: toYaml(nest(metadataPath, { annotations: after })),
    patch,
    patchable: isPatchable(owner),
    commands: templateChangeCommands(owner, patch, "strategic"),
  };
}

/** `Deployment shop/api` */
function targetOf(owner: TemplateOwner): string {
  return `${owner.kind} ${owner.namespace ? `${owner.namespace}/` : ""}${owner.name}`;
}

function isPatchable(owner: { kind: string }): boolean {
  return owner.kind !== "Job" && owner.kind !== "Pod";
}
