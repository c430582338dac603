import type { KubeObject } from "../../../model/kube.js";
import type { ClusterView } from "../../../view/cluster-view.js";
import { sameNamespace, selectorMatches } from "./lookup.js";
import { isObject, workloadsOf, type Workload } from "./workloads.js";

/** Pod label sets a Service or policy can select: workload templates, plus running pods in a scanned cluster. */
export interface PodSource {
  kind: string;
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  workload?: Workload;
  object: KubeObject;
}

const cache = new WeakMap<ClusterView, PodSource[]>();

export function podSources(view: ClusterView): PodSource[] {
  const cached = cache.get(view);
  if (cached) return cached;
  const sources: PodSource[] = workloadsOf(view).map((w) => ({ kind: w.kind, name: w.name, namespace: w.namespace, labels: w.podLabels, workload: w, object: w.object }));
  if (view.mode !== "lint") {
    for (const pod of view.kind("Pod")) {
      sources.push({ kind: "Pod", name: pod.metadata.name ?? "", namespace: pod.metadata.namespace, labels: (pod.metadata.labels ?? {}) as Record<string, string>, object: pod });
    }
  } else {
    // Owned pods (from a snapshot given as context) still carry the labels a Service selects.
    for (const pod of view.kind("Pod")) {
      if ((pod.metadata.ownerReferences ?? []).length === 0) continue;
      sources.push({ kind: "Pod", name: pod.metadata.name ?? "", namespace: pod.metadata.namespace, labels: (pod.metadata.labels ?? {}) as Record<string, string>, object: pod });
    }
  }
  cache.set(view, sources);
  return sources;
}

const byLabel = new WeakMap<ClusterView, Map<string, PodSource[]>>();

/** Pod sources carrying one `key=value` label: a first cut before matching a whole selector. */
function withLabel(view: ClusterView, key: string, value: string): PodSource[] {
  let index = byLabel.get(view);
  if (!index) {
    index = new Map();
    for (const source of podSources(view)) {
      for (const [k, v] of Object.entries(source.labels)) {
        const label = `${k}=${v}`;
        let list = index.get(label);
        if (!list) index.set(label, (list = []));
        list.push(source);
      }
    }
    byLabel.set(view, index);
  }
  return index.get(`${key}=${value}`) ?? [];
}

export function selectedBy(view: ClusterView, namespace: string | undefined, selector: unknown): PodSource[] {
  const plain = isObject(selector) && !("matchLabels" in selector) && !("matchExpressions" in selector) ? selector : isObject(selector) && isObject(selector.matchLabels) ? selector.matchLabels : undefined;
  const first = plain ? Object.entries(plain)[0] : undefined;
  const candidates = first ? withLabel(view, first[0], String(first[1])) : podSources(view);
  return candidates.filter((source) => sameNamespace(source.namespace, namespace) && selectorMatches(selector, source.labels));
}

export function serviceSelector(service: KubeObject): Record<string, unknown> | undefined {
  return isObject(service.spec?.selector) && Object.keys(service.spec.selector).length > 0 ? (service.spec.selector as Record<string, unknown>) : undefined;
}
