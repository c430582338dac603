import { hasProxyContainer } from "./sidecar.js";
import { formatSelector as formatLabels, labelMapMatches } from "../k8s/selectors.js";
import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { namespaceOf, recordOf, stringMapOf } from "./meta.js";

/** Kinds whose pod template becomes pods once deployed. */
export const TEMPLATE_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"] as const;

/** A set of pods as Istio selects them: a running Pod, or the pods a workload's template will create. */
export interface WorkloadInstance {
  object: KubeObject;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  podSpec: Record<string, unknown>;
  /** Field path of the pod template inside `object` (`[]` for a Pod). */
  templatePath: (string | number)[];
}

/** Whether a `workloadSelector.labels` / `selector.matchLabels` map selects the labels; no selector selects every workload. */
export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return labelMapMatches(selector, labels, { absent: "everything" });
}

/** `app=reviews,version=v1` as istioctl prints selectors. */
export function formatSelector(selector: Record<string, string>): string {
  return formatLabels(selector, { absent: "", empty: "", sorted: true });
}

interface InstanceIndex {
  pods: WorkloadInstance[];
  templates: WorkloadInstance[];
  podsByNamespace?: Map<string, WorkloadInstance[]>;
  workloads?: WorkloadInstance[];
  workloadsByNamespace?: Map<string, WorkloadInstance[]>;
}

const cache = new WeakMap<ClusterView, InstanceIndex>();

function byNamespace(list: WorkloadInstance[]): Map<string, WorkloadInstance[]> {
  const map = new Map<string, WorkloadInstance[]>();
  for (const item of list) {
    const group = map.get(item.namespace);
    if (group) group.push(item);
    else map.set(item.namespace, [item]);
  }
  return map;
}

function templateOf(object: KubeObject): { template: Record<string, unknown> | undefined; path: (string | number)[] } {
  if (object.kind === "CronJob") return { template: recordOf(recordOf(recordOf(object.spec?.jobTemplate)?.spec)?.template), path: ["spec", "jobTemplate", "spec", "template"] };
  return { template: recordOf(object.spec?.template), path: ["spec", "template"] };
}

function instances(view: ClusterView): InstanceIndex {
  let entry = cache.get(view);
  if (entry) return entry;
  const pods: WorkloadInstance[] = view.kind("Pod").map((pod) => ({
    object: pod,
    namespace: namespaceOf(pod),
    labels: stringMapOf(pod.metadata.labels),
    annotations: stringMapOf(pod.metadata.annotations),
    podSpec: recordOf(pod.spec) ?? {},
    templatePath: [],
  }));
  const templates: WorkloadInstance[] = [];
  for (const kind of TEMPLATE_KINDS) {
    for (const object of view.kind(kind)) {
      const { template, path } = templateOf(object);
      if (!template) continue;
      const metadata = recordOf(template.metadata) ?? {};
      templates.push({
        object,
        namespace: namespaceOf(object),
        labels: stringMapOf(metadata.labels),
        annotations: stringMapOf(metadata.annotations),
        podSpec: recordOf(template.spec) ?? {},
        templatePath: path,
      });
    }
  }
  entry = { pods, templates };
  cache.set(view, entry);
  return entry;
}

/** Running pods in the view (optionally only in one namespace). */
export function podInstances(view: ClusterView, namespace?: string): WorkloadInstance[] {
  const index = instances(view);
  if (namespace === undefined) return index.pods;
  index.podsByNamespace ??= byNamespace(index.pods);
  return index.podsByNamespace.get(namespace) ?? [];
}

/**
 * Pods, and the pod templates of workloads that have no pod in the view yet:
 * what will run once the manifests are applied. Templates of objects owned by
 * another workload in the view (a ReplicaSet of a Deployment) are skipped.
 */
export function workloadInstances(view: ClusterView, namespace?: string): WorkloadInstance[] {
  const index = instances(view);
  index.workloads ??= [...index.pods, ...index.templates.filter((template) => !(template.object.metadata.ownerReferences ?? []).length)];
  if (namespace === undefined) return index.workloads;
  index.workloadsByNamespace ??= byNamespace(index.workloads);
  return index.workloadsByNamespace.get(namespace) ?? [];
}

/** Instances a `selector.matchLabels` / `workloadSelector.labels` selects in a namespace. */
export function selectInstances(candidates: readonly WorkloadInstance[], selector: Record<string, string>): WorkloadInstance[] {
  return candidates.filter((candidate) => selectorMatches(selector, candidate.labels));
}

/** Containers of a pod spec, as records. */
export function containersOf(podSpec: Record<string, unknown>): Record<string, unknown>[] {
  const list = podSpec.containers;
  return Array.isArray(list) ? list.filter((item): item is Record<string, unknown> => recordOf(item) !== undefined) : [];
}

/** Whether a pod (or template) has, or will get, an istio-proxy container. */
export function hasSidecarContainer(instance: WorkloadInstance): boolean {
  return hasProxyContainer(instance.podSpec);
}
