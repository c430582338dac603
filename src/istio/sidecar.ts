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

/** Whether a pod runs an Istio sidecar. */
export function hasSidecar(pod: KubeObject): boolean {
  return hasProxyContainer(pod.spec);
}
