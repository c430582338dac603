import type { KubeObject } from "../model/kube.js";

/** The container Istio injects; a native sidecar (Kubernetes 1.28+) is an init container of the same name. */
export const PROXY_CONTAINER = "istio-proxy";

/** Whether a pod spec (of a Pod or a template) holds an istio-proxy container, regular or native. */
export function hasProxyContainer(podSpec: unknown): boolean {
  if (podSpec === null || typeof podSpec !== "object") return false;
  const spec = podSpec as { containers?: unknown; initContainers?: unknown };
  const named = (list: unknown) => Array.isArray(list) && list.some((container) => (container as { name?: unknown } | null)?.name === PROXY_CONTAINER);
  return named(spec.containers) || named(spec.initContainers);
}

/** The annotation Istio's injector writes on every pod it injects (what it added, and from which revision). */
export const INJECTION_STATUS_ANNOTATION = "sidecar.istio.io/status";

/** Whether a pod runs an Istio sidecar: it holds an istio-proxy container, regular or native. */
export function hasSidecar(pod: KubeObject): boolean {
  return hasProxyContainer(pod.spec);
}

/**
 * Whether a pod has a sidecar or was marked by Istio's injector: an istio-proxy container, or the injector's
 * status annotation (kept when the proxy container has another name or was taken out after injection).
 */
export function hasSidecarOrInjectionStatus(pod: KubeObject): boolean {
  return hasSidecar(pod) || Boolean(pod.metadata.annotations?.[INJECTION_STATUS_ANNOTATION]);
}
