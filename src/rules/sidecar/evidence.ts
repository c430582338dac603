import type { Evidence } from "../../model/finding.js";
import type { EventRecord } from "../../model/inputs.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { containerStatusPath } from "../../istio/pods.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/** A manifest field as evidence: `file:line`. */
export function specEvidence(view: ClusterView, object: KubeObject, path: Array<string | number>, text: string): Evidence {
  const loaded = view.loadedOf(object);
  const line = loaded?.locate?.(path) ?? loaded?.origin.line;
  const evidence: Evidence = { source: loaded && !loaded.origin.file.startsWith("api:") ? "manifest" : "spec", text, path: loaded?.origin.file ?? path.join(".") };
  if (line !== undefined) evidence.line = line;
  if (evidence.source === "spec") evidence.path = path.join(".");
  return evidence;
}

/** A container status field as evidence. */
export function statusEvidence(pod: KubeObject, container: string, field: string, text: string): Evidence {
  return { source: "status", text, path: `${containerStatusPath(pod, container)}.${field}` };
}

export function eventEvidence(event: EventRecord): Evidence {
  const times = event.count > 1 ? ` (x${event.count})` : "";
  const evidence: Evidence = { source: "event", text: `${event.type} ${event.reason}${times}: ${event.message}`, path: event.origin.file };
  if (event.origin.line !== undefined) evidence.line = event.origin.line;
  return evidence;
}

/** ` -n <namespace>` when there is one. */
export const ns = namespaceFlag;

/** The seed's verification: READY 2/2 and a clean istio-proxy log. */
export function sidecarVerify(pod: KubeObject, owner?: { kind: string; name: string }): string[] {
  const namespace = pod.metadata.namespace;
  const selector = owner && owner.kind !== "Pod" ? `${owner.kind.toLowerCase()}/${owner.name}` : `pod/${pod.metadata.name}`;
  return [
    `kubectl get pods${ns(namespace)}   # READY must show 2/2`,
    `kubectl logs ${selector}${ns(namespace)} -c istio-proxy   # no more errors`,
  ];
}
