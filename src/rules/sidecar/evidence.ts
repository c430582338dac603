import type { Evidence } from "../../model/finding.js";
import type { EventRecord } from "../../model/inputs.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { containerStatusPath } from "../../istio/pods.js";
import { ISTIO_NAMESPACE, type IstiodHealth } from "../../istio/istiod.js";
import type { OutboundPolicy } from "../../istio/mesh-config.js";
import type { LogHit } from "../../istio/proxy-log-signatures.js";
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

/** A log line as evidence, with its file and line number. */
export function logEvidence(hit: LogHit): Evidence {
  return {
    source: hit.stream.previous ? "previous-log" : "log",
    text: `${hit.stream.container ?? ""}${hit.stream.previous ? " (previous)" : ""}: ${hit.text.trim().slice(0, 400)}`,
    path: hit.stream.origin.file,
    line: hit.stream.firstLine + hit.index,
  };
}

/** Each istiod pod's phase, readiness and restarts, or that there is none. */
export function istiodEvidence(health: IstiodHealth): Evidence[] {
  const evidence: Evidence[] = health.pods.map((pod) => ({
    source: "status",
    text: `istiod pod ${pod.name}: phase ${pod.phase ?? "?"}, ready ${pod.ready}${pod.waiting ? `, waiting ${pod.waiting}` : ""}${pod.lastTerminated ? `, last terminated ${pod.lastTerminated}` : ""}, restarts ${pod.restarts}`,
    path: `pods/${ISTIO_NAMESPACE}/${pod.name}`,
  }));
  if (health.known && health.pods.length === 0) evidence.push({ source: "api", text: `no istiod pod (label app=istiod) in ${ISTIO_NAMESPACE}`, path: `pods/${ISTIO_NAMESPACE}` });
  return evidence;
}

/** The mesh's outbound mode, as MeshConfig sets it or Istio defaults it. */
export function outboundPolicyEvidence(policy: OutboundPolicy): Evidence {
  return {
    source: "mesh-config",
    text: policy.explicit ? `meshConfig.outboundTrafficPolicy.mode: ${policy.mode}` : "meshConfig.outboundTrafficPolicy.mode is not set (Istio's default is ALLOW_ANY)",
    path: policy.source.path,
    line: policy.source.line,
  };
}

/** ` -n <namespace>` when there is one. */
export const ns = namespaceFlag;

/** Verify commands: the pod shows READY 2/2 and its istio-proxy log has no error. */
export function sidecarVerify(pod: KubeObject, owner?: { kind: string; name: string }): string[] {
  const namespace = pod.metadata.namespace;
  const selector = owner && owner.kind !== "Pod" ? `${owner.kind.toLowerCase()}/${owner.name}` : `pod/${pod.metadata.name}`;
  return [
    `kubectl get pods${ns(namespace)}   # READY must show 2/2`,
    `kubectl logs ${selector}${ns(namespace)} -c istio-proxy   # no more errors`,
  ];
}
