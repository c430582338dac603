import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import type { Labels } from "./selectors.js";
import { appliedNamespace } from "../model/namespace.js";
import { nameOf, namespaceOf } from "./objects.js";

/** The Namespace object of that name, when the inputs hold it (a manifest may give it a stray metadata.namespace). */
export function namespaceObject(view: ClusterView, name: string): KubeObject | undefined {
  return view.get("Namespace", undefined, name) ?? view.kind("Namespace").find((object) => object.metadata.name === name);
}

function labelsOf(object: KubeObject): Labels {
  const out: Labels = {};
  for (const [key, value] of Object.entries(object.metadata.labels ?? {})) if (value !== undefined && value !== null) out[key] = String(value);
  return out;
}

/** The labels the inputs give a namespace; undefined when its Namespace object is not among them. */
export function declaredNamespaceLabels(view: ClusterView, name: string | undefined): Labels | undefined {
  if (!name) return undefined;
  const object = namespaceObject(view, name);
  return object ? labelsOf(object) : undefined;
}

/**
 * The labels a namespace has in the cluster, as namespace selectors see them:
 * its own, plus `kubernetes.io/metadata.name`, which the API server always sets
 * (https://kubernetes.io/docs/reference/labels-annotations-taints/#kubernetes-io-metadata-name).
 */
export function namespaceLabels(view: ClusterView, namespace: string | undefined): Labels {
  const name = appliedNamespace(namespace);
  return { "kubernetes.io/metadata.name": name, ...(declaredNamespaceLabels(view, name) ?? {}) };
}

/** Whether two objects can share a namespace: one without a namespace is applied to the current one, so it matches any. */
export function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

/** The namespaces the inputs know: the Namespace objects', then those every object names. */
export function knownNamespaces(view: ClusterView): Set<string> {
  const known = new Set<string>();
  for (const namespace of view.kind("Namespace")) if (nameOf(namespace)) known.add(nameOf(namespace));
  for (const loaded of view.objects) if (namespaceOf(loaded.object)) known.add(namespaceOf(loaded.object));
  return known;
}
