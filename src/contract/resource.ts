import type { ResourceRef } from "../model/finding.js";
import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import type { FieldPath } from "./rule.js";
import { nameOf, namespaceOf } from "../k8s/objects.js";

/** The object's kind, namespace and name, and the file:line of the field (the object's own line without one); live objects have no file. */
export function resourceOf(view: ClusterView, object: KubeObject, fieldPath: FieldPath | undefined, container?: string): ResourceRef {
  const namespace = namespaceOf(object);
  const resource: ResourceRef = { kind: object.kind, ...(namespace ? { namespace } : {}), name: nameOf(object) };
  if (container) resource.container = container;
  const loaded = view.loadedOf(object);
  if (!loaded) return resource;
  const file = loaded.origin.file;
  if (!file.startsWith("api:")) resource.file = file;
  const line = (fieldPath && fieldPath.length > 0 ? loaded.locate?.(fieldPath) : undefined) ?? loaded.origin.line;
  if (line !== undefined) resource.line = line;
  return resource;
}
