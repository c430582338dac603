import { meshSubjects } from "../../istio/mesh-subjects.js";
import type { Fix } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import { namespaceFlag, nest, templateChangeCommands } from "../../k8s/workload-changes.js";
import { yamlText } from "../../util/yaml-text.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { ANNOTATED_KINDS, ISTIO_ANNOTATIONS, isIstioAnnotation, type IstioAnnotation } from "../../istio/annotation-catalogue.js";
import { nameOf, namespaceOf } from "../../k8s/objects.js";

/** One metadata block whose Istio annotations the annotation rules judge. */
export interface AnnotatedMetadata {
  object: KubeObject;
  /** The kind the annotations act on: the object's kind, or Pod for a workload's pod template. */
  kind: string;
  /** Path from the object root to the metadata block. */
  metadataPath: string[];
  annotations: Record<string, string>;
  labels: Record<string, string>;
  /** Names of the init containers of the pod (template), for Pods. */
  initContainers: string[];
}

/**
 * The object's own metadata for the kinds istioctl reads (and the other workload kinds), then pods and
 * the pod templates of workloads with no pod in the inputs (a template and its pods carry the same
 * annotations: one of them is judged). Only blocks with at least one Istio annotation.
 */
export function annotatedMetadata(view: ClusterView): readonly AnnotatedMetadata[] {
  let blocks = blocksCache.get(view);
  if (!blocks) blocksCache.set(view, (blocks = collectBlocks(view)));
  return blocks;
}

/** One Istio annotation where it was found: its block, value, catalogue entry (undefined when unknown) and field path. */
export interface FoundAnnotation {
  block: AnnotatedMetadata;
  key: string;
  value: string;
  known: IstioAnnotation | undefined;
  path: Array<string | number>;
}

/** Every Istio annotation of the view's annotated metadata blocks. */
export function* istioAnnotationsOf(view: ClusterView): Generator<FoundAnnotation> {
  for (const block of annotatedMetadata(view)) {
    for (const [key, value] of Object.entries(block.annotations)) {
      if (!isIstioAnnotation(key)) continue;
      yield { block, key, value, known: ISTIO_ANNOTATIONS.get(key), path: [...block.metadataPath, "annotations", key] };
    }
  }
}

/** The four annotation rules read the same blocks of a view. */
const blocksCache = new WeakMap<ClusterView, AnnotatedMetadata[]>();

function collectBlocks(view: ClusterView): AnnotatedMetadata[] {
  const blocks: AnnotatedMetadata[] = [];
  for (const kind of ANNOTATED_KINDS) {
    if (kind === "Pod") continue;
    for (const object of view.kind(kind)) {
      if (!hasIstioAnnotation(object.metadata?.annotations)) continue;
      // The Deployment controller copies its annotations to its ReplicaSets: judged once, on the Deployment.
      if (kind === "ReplicaSet" && object.metadata?.ownerReferences?.some((ref) => ref.kind === "Deployment")) continue;
      blocks.push({ object, kind, metadataPath: ["metadata"], annotations: stringMap(object.metadata?.annotations), labels: stringMap(object.metadata?.labels), initContainers: [] });
    }
  }
  for (const subject of meshSubjects(view)) {
    if (!hasIstioAnnotation(subject.annotations)) continue;
    const initContainers = (subject.spec.initContainers ?? []).map((container) => String(container?.name ?? ""));
    blocks.push({ object: subject.object, kind: "Pod", metadataPath: subject.metadataPath, annotations: stringMap(subject.annotations), labels: stringMap(subject.labels), initContainers });
  }
  return blocks;
}

function hasIstioAnnotation(annotations: unknown): boolean {
  if (annotations === null || typeof annotations !== "object") return false;
  for (const key in annotations) if (isIstioAnnotation(key)) return true;
  return false;
}

function stringMap(value: unknown): Record<string, string> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, typeof item === "string" ? item : JSON.stringify(item)]));
}

/** `Pod default/web`, or `Deployment default/web pod template` for a template. */
export function blockLabel(block: AnnotatedMetadata): string {
  const namespace = namespaceOf(block.object);
  const ref = `${block.object.kind} ${namespace ? `${namespace}/` : ""}${nameOf(block.object)}`;
  return block.metadataPath.length > 1 ? `${ref} pod template` : ref;
}


export interface MetadataChange {
  /** The metadata block as it is (only the keys that change). */
  before: Record<string, unknown>;
  /** The same keys as they should be; an absent key is removed. */
  after: Record<string, unknown>;
}

/**
 * A change to metadata blocks of one object, as YAML before/after and the commands that make it:
 * the manifest and `kubectl apply` when linting, `kubectl patch` (merge, null removes) on a cluster.
 */
export function metadataFix(view: ClusterView, object: KubeObject, changes: ReadonlyArray<{ metadataPath: string[] } & MetadataChange>, description: string): Fix {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  const patch: Record<string, unknown> = {};
  for (const change of changes) {
    merge(before, nest(change.metadataPath, change.before));
    merge(after, nest(change.metadataPath, change.after));
    merge(patch, nest(change.metadataPath, removals(change.before, change.after)));
  }
  const namespace = namespaceOf(object);
  const target = `${object.kind} ${namespace ? `${namespace}/` : ""}${nameOf(object)}`;
  const file = view.loadedOf(object)?.origin.file;
  const touchesTemplate = changes.some((change) => change.metadataPath.length > 1);
  const owner = { kind: object.kind, name: nameOf(object), ...(namespace ? { namespace } : {}) };
  const commands =
    view.mode === "lint"
      ? [`kubectl apply --dry-run=server -f ${file && file !== "-" ? file : `<file with ${target}>`}`, `kubectl apply -f ${file && file !== "-" ? file : `<file with ${target}>`}`]
      : touchesTemplate
        ? templateChangeCommands(owner, JSON.stringify(patch), "merge")
        : [`kubectl patch ${object.kind.toLowerCase()} ${nameOf(object)}${namespaceFlag(namespace)} --type merge -p '${JSON.stringify(patch)}'`];
  return { description, yaml: { target, before: yamlText(before).trimEnd(), after: yamlText(after).trimEnd() }, patch: JSON.stringify(patch), commands };
}

/** The `after` maps with every key of `before` that `after` drops set to null, for a merge patch. */
function removals(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(before)) {
    if (isMap(value)) out[key] = removals(value, isMap(after[key]) ? after[key] : {});
    else if (!(key in after)) out[key] = null;
  }
  for (const [key, value] of Object.entries(after)) {
    if (isMap(value)) out[key] = removals(isMap(before[key]) ? before[key] : {}, value);
    else out[key] = value;
  }
  return out;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function merge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (isMap(value) && isMap(target[key])) merge(target[key] as Record<string, unknown>, value);
    else target[key] = value;
  }
}
