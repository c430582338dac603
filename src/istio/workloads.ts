import { formatSelector as formatLabels, ISTIO_WORKLOAD_SELECTOR, labelMapMatches } from "../k8s/selectors.js";
import type { ClusterView } from "../view/cluster-view.js";
import { namespaceOf, recordOf } from "../k8s/objects.js";
import { hasTemplate, placed, podTemplatePath, podWorkload, templateWorkload, type JsonObject, type Workload } from "../k8s/workloads.js";

/** Kinds whose pod template becomes pods once deployed. */
export const TEMPLATE_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"] as const;

/** A set of pods as Istio selects them: a running Pod, or the pods a workload's template will create; no namespace reads `""`. */
export type WorkloadInstance = Workload<string>;

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

function instances(view: ClusterView): InstanceIndex {
  let entry = cache.get(view);
  if (entry) return entry;
  // Istio selects pods by their labels; which controller owns them is not asked, so each pod stands as its own owner.
  const pods = view.kind("Pod").map((pod) => placed<JsonObject>(podWorkload(pod, { kind: pod.kind, namespace: pod.metadata.namespace, name: pod.metadata.name ?? "", object: pod, templatePath: [] }), namespaceOf(pod)));
  const templates: WorkloadInstance[] = [];
  for (const kind of TEMPLATE_KINDS) {
    for (const object of view.kind(kind)) {
      const templatePath = podTemplatePath(kind)!;
      if (hasTemplate(object, templatePath, "template")) templates.push(placed<JsonObject>(templateWorkload(object, undefined, templatePath)!, namespaceOf(object)));
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

/** Instances a selector label map selects, as Istio reads one: no labels select every candidate. */
export function selectInstances(candidates: readonly WorkloadInstance[], selector: Record<string, string>): WorkloadInstance[] {
  return candidates.filter((candidate) => labelMapMatches(selector, candidate.labels, ISTIO_WORKLOAD_SELECTOR));
}

/** Containers of a pod spec, as records. */
export function containersOf(podSpec: Record<string, unknown>): Record<string, unknown>[] {
  const list = podSpec.containers;
  return Array.isArray(list) ? list.filter((item): item is Record<string, unknown> => recordOf(item) !== undefined) : [];
}
