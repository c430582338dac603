import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { KUBERNETES_SELECTOR, selectorMatches } from "./selectors.js";
import { sameNamespace } from "./namespaces.js";
import { isObject, workloadsOf } from "./pod-templates.js";
import type { Workload } from "./workloads.js";

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
  const sources: PodSource[] = workloadsOf(view).map((w) => ({ kind: w.kind, name: w.name, namespace: w.namespace, labels: w.labels, workload: w, object: w.object }));
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

interface SourceIndex {
  /** Position of each source in `podSources(view)`, to merge lists back into that order. */
  position: Map<PodSource, number>;
  /** Sources by namespace (undefined: sources without one). */
  byNamespace: Map<string | undefined, PodSource[]>;
  /** Sources by `namespace` then `key=value` label (the namespace undefined for sources without one). */
  byLabel: Map<string | undefined, Map<string, PodSource[]>>;
  /** Sources by `key=value` label across namespaces, made on first use. */
  allByLabel?: Map<string, PodSource[]>;
  /** Sources a query in a namespace sees (its own plus those without a namespace), made on first use. */
  visibleIn: Map<string, PodSource[]>;
}

const indexes = new WeakMap<ClusterView, SourceIndex>();

function sourceIndex(view: ClusterView): SourceIndex {
  let index = indexes.get(view);
  if (index) return index;
  index = { position: new Map(), byNamespace: new Map(), byLabel: new Map(), visibleIn: new Map() };
  podSources(view).forEach((source, position) => {
    index!.position.set(source, position);
    let inNamespace = index!.byNamespace.get(source.namespace);
    if (!inNamespace) index!.byNamespace.set(source.namespace, (inNamespace = []));
    inNamespace.push(source);
    let labels = index!.byLabel.get(source.namespace);
    if (!labels) index!.byLabel.set(source.namespace, (labels = new Map()));
    for (const [k, v] of Object.entries(source.labels)) {
      const label = `${k}=${v}`;
      let list = labels.get(label);
      if (!list) labels.set(label, (list = []));
      list.push(source);
    }
  });
  indexes.set(view, index);
  return index;
}

/** Two lists of sources, each in `podSources` order, merged into that order. */
function merged(index: SourceIndex, a: readonly PodSource[], b: readonly PodSource[]): PodSource[] {
  if (b.length === 0) return a as PodSource[];
  if (a.length === 0) return b as PodSource[];
  const out: PodSource[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(index.position.get(a[i]!)! < index.position.get(b[j]!)! ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/**
 * Pod sources a query in `namespace` sees: those in the namespace and those without one
 * (all of them when the namespace is not known), in `podSources` order.
 */
export function podSourcesIn(view: ClusterView, namespace: string | undefined): PodSource[] {
  if (namespace === undefined) return podSources(view);
  const index = sourceIndex(view);
  let visible = index.visibleIn.get(namespace);
  if (!visible) index.visibleIn.set(namespace, (visible = merged(index, index.byNamespace.get(namespace) ?? [], index.byNamespace.get(undefined) ?? [])));
  return visible;
}

/** Pod sources a query in `namespace` sees that carry one `key=value` label: a first cut before matching a whole selector. */
function withLabel(view: ClusterView, namespace: string | undefined, key: string, value: string): PodSource[] {
  const index = sourceIndex(view);
  const label = `${key}=${value}`;
  if (namespace === undefined) {
    if (!index.allByLabel) {
      index.allByLabel = new Map();
      for (const source of podSources(view)) {
        for (const [k, v] of Object.entries(source.labels)) {
          const text = `${k}=${v}`;
          let list = index.allByLabel.get(text);
          if (!list) index.allByLabel.set(text, (list = []));
          list.push(source);
        }
      }
    }
    return index.allByLabel.get(label) ?? [];
  }
  return merged(index, index.byLabel.get(namespace)?.get(label) ?? [], index.byLabel.get(undefined)?.get(label) ?? []);
}

export function selectedBy(view: ClusterView, namespace: string | undefined, selector: unknown): PodSource[] {
  const plain = isObject(selector) && !("matchLabels" in selector) && !("matchExpressions" in selector) ? selector : isObject(selector) && isObject(selector.matchLabels) ? selector.matchLabels : undefined;
  const first = plain ? Object.entries(plain)[0] : undefined;
  const candidates = first ? withLabel(view, namespace, first[0], String(first[1])) : podSourcesIn(view, namespace);
  return candidates.filter((source) => sameNamespace(source.namespace, namespace) && selectorMatches(selector, source.labels, KUBERNETES_SELECTOR));
}

export function serviceSelector(service: KubeObject): Record<string, unknown> | undefined {
  return isObject(service.spec?.selector) && Object.keys(service.spec.selector).length > 0 ? (service.spec.selector as Record<string, unknown>) : undefined;
}
