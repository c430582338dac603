import { formatSelector as formatAnySelector, hasNoTerms } from "./selectors.js";
import type { KubeObject } from "../model/kube.js";
import { nearest } from "../util/suggest.js";
import { sameNamespace } from "./namespaces.js";
import type { ClusterView } from "../view/cluster-view.js";

/**
 * Name lookups that tolerate manifests without a namespace: an object with no
 * namespace is applied to the current namespace, so it matches any namespace.
 */
interface KindIndex {
  byName: Map<string, KubeObject[]>;
  /** The first object of each name in each namespace (undefined: objects without one). */
  byNamespaceName: Map<string | undefined, Map<string, KubeObject>>;
  all: KubeObject[];
  /** Objects a query in a namespace sees when some objects have no namespace, made on first use. */
  visibleIn?: Map<string, KubeObject[]>;
}

const indexes = new WeakMap<ClusterView, Map<string, KindIndex>>();

function indexOf(view: ClusterView, kind: string): KindIndex {
  let perView = indexes.get(view);
  if (!perView) indexes.set(view, (perView = new Map()));
  let index = perView.get(kind);
  if (!index) {
    const byName = new Map<string, KubeObject[]>();
    const all = view.kind(kind);
    for (const object of all) {
      const name = object.metadata.name ?? "";
      let list = byName.get(name);
      if (!list) byName.set(name, (list = []));
      list.push(object);
    }
    const byNamespaceName = new Map<string | undefined, Map<string, KubeObject>>();
    for (const object of all) {
      let names = byNamespaceName.get(object.metadata.namespace);
      if (!names) byNamespaceName.set(object.metadata.namespace, (names = new Map()));
      const name = object.metadata.name ?? "";
      if (!names.has(name)) names.set(name, object);
    }
    index = { byName, byNamespaceName, all };
    perView.set(kind, index);
  }
  return index;
}

export function findNamed(view: ClusterView, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
  const index = indexOf(view, kind);
  const candidates = index.byName.get(name);
  if (!candidates) return undefined;
  // The first object with that exact namespace, else (the namespace being known) the first without one, else the first of the name.
  const exact = index.byNamespaceName.get(namespace)?.get(name);
  if (exact) return exact;
  return namespace === undefined ? candidates[0] : index.byNamespaceName.get(undefined)?.get(name);
}

/** Objects of a kind in a namespace (manifests without a namespace included), in the order of `view.kind(kind)`. */
export function inNamespace(view: ClusterView, kind: string, namespace: string | undefined): KubeObject[] {
  const index = indexOf(view, kind);
  if (namespace === undefined) return index.all.slice();
  const unnamespaced = view.kindIn(kind, undefined);
  if (unnamespaced.length === 0) return view.kindIn(kind, namespace).slice();
  index.visibleIn ??= new Map();
  let visible = index.visibleIn.get(namespace);
  if (!visible) index.visibleIn.set(namespace, (visible = index.all.filter((o) => sameNamespace(o.metadata.namespace, namespace))));
  return visible.slice();
}

export function namesIn(view: ClusterView, kind: string, namespace: string | undefined): string[] {
  return inNamespace(view, kind, namespace)
    .map((o) => o.metadata.name ?? "")
    .filter((name) => name !== "");
}

/**
 * Whether the inputs carry what the cluster already has (a snapshot or
 * `--against-cluster`): then a missing reference is certain, not a guess.
 * Cluster inventories always hold Nodes or Namespaces; plain manifest sets rarely do.
 */
export function hasClusterContext(view: ClusterView): boolean {
  let known = clusterContext.get(view);
  if (known === undefined) clusterContext.set(view, (known = view.mode !== "lint" || view.list("Node").length > 0 || view.objects.some((o) => o.origin.file.startsWith("api:"))));
  return known;
}

const clusterContext = new WeakMap<ClusterView, boolean>();

/**
 * How sure a "does not exist" can be for objects of a kind: `certain` when the
 * cluster's inventory is loaded and holds objects of that kind (a snapshot
 * that could not list Secrets proves nothing about them), `skip` when scanning
 * a cluster whose inventory of that kind is absent, `likely` otherwise.
 */
export function absenceConfidence(view: ClusterView, kind: string): "certain" | "likely" | "skip" {
  const listed = view.list(kind).length > 0 && !view.inputs.missing.some((m) => m.what.toLowerCase().includes(kind.toLowerCase()));
  if (hasClusterContext(view) && listed) return "certain";
  return view.mode === "lint" ? "likely" : "skip";
}

/**
 * The closest candidate to a misspelt name, if one is close enough to be the intended one;
 * else the one name that extends it by a suffix ("db" for "db-headless", "api-config" for "api").
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  return nearest(name, candidates, { compare: "folded-equal", allowed: (length) => Math.max(2, Math.floor(length / 3)), dashExtensions: true });
}

/** `{}` or a selector with nothing in it selects everything. */
export function selectsAll(selector: unknown): boolean {
  return hasNoTerms(selector, true);
}

export function formatSelector(selector: unknown): string {
  return formatAnySelector(selector, { absent: "{}", empty: "{}" });
}

