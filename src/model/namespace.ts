/**
 * One convention for objects whose manifest names no namespace: the view keeps
 * `metadata.namespace` undefined (never "" or "default"), and code that needs the
 * namespace such an object lands in asks `appliedNamespace`, which answers as
 * kubectl does: the `default` namespace
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces).
 */
export const DEFAULT_NAMESPACE = "default";

/** The namespace an object is applied to: its own, else `default`. */
export function appliedNamespace(namespace: string | undefined): string {
  return namespace ?? DEFAULT_NAMESPACE;
}
