import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { SYSTEM_NAMESPACES } from "./protocols.js";
import type { Container, ContainerStatus, PodSpec, PodStatus } from "../k8s/types.js";

import { PROXY_CONTAINER } from "./sidecar.js";

export { PROXY_CONTAINER };
/** The init containers Istio injects: istio-init sets up iptables, istio-validation checks the CNI did. */
export const INIT_CONTAINERS = ["istio-init", "istio-validation"] as const;

/** Namespaces that are never expected in the mesh. */
export { SYSTEM_NAMESPACES } from "./protocols.js";

export function podSpec(pod: KubeObject): PodSpec {
  return (pod.spec ?? {}) as PodSpec;
}

export function podStatus(pod: KubeObject): PodStatus {
  return (pod.status ?? {}) as PodStatus;
}

/** The istio-proxy container: a regular container, or a native sidecar (init container with restartPolicy Always). */
export function proxyContainer(spec: PodSpec): { container: Container; native: boolean } | undefined {
  const regular = spec.containers?.find((container) => container.name === PROXY_CONTAINER);
  if (regular) return { container: regular, native: false };
  const native = spec.initContainers?.find((container) => container.name === PROXY_CONTAINER);
  return native ? { container: native, native: true } : undefined;
}

/** The application containers: everything but istio-proxy. */
export function appContainers(spec: PodSpec): Container[] {
  return (spec.containers ?? []).filter((container) => container.name !== PROXY_CONTAINER);
}

export function containerStatus(pod: KubeObject, name: string): ContainerStatus | undefined {
  const status = podStatus(pod);
  return status.containerStatuses?.find((entry) => entry.name === name) ?? status.initContainerStatuses?.find((entry) => entry.name === name);
}

/** `containerStatuses[1]` or `initContainerStatuses[0]`: the status field path of a container, for evidence. */
export function containerStatusPath(pod: KubeObject, name: string): string {
  const status = podStatus(pod);
  const regular = status.containerStatuses?.findIndex((entry) => entry.name === name) ?? -1;
  if (regular >= 0) return `status.containerStatuses[${regular}]`;
  const init = status.initContainerStatuses?.findIndex((entry) => entry.name === name) ?? -1;
  return init >= 0 ? `status.initContainerStatuses[${init}]` : "status.containerStatuses";
}

/** The spec path of a container for `locate`. */
export function containerSpecPath(spec: PodSpec, name: string): Array<string | number> | undefined {
  const regular = spec.containers?.findIndex((container) => container.name === name) ?? -1;
  if (regular >= 0) return ["containers", regular];
  const init = spec.initContainers?.findIndex((container) => container.name === name) ?? -1;
  return init >= 0 ? ["initContainers", init] : undefined;
}

/** READY as kubectl prints it: ready regular containers over all regular containers (native sidecars count too). */
export function readyColumn(pod: KubeObject): string {
  const spec = podSpec(pod);
  const status = podStatus(pod);
  const natives = (spec.initContainers ?? []).filter((container) => container.restartPolicy === "Always").map((container) => container.name);
  const total = (spec.containers?.length ?? 0) + natives.length;
  const ready =
    (status.containerStatuses ?? []).filter((entry) => entry.ready).length +
    (status.initContainerStatuses ?? []).filter((entry) => natives.includes(entry.name) && entry.ready).length;
  return `${ready}/${total}`;
}

/** Pods the view holds, outside the system namespaces and in the user's scope. */
export function userPods(view: ClusterView): KubeObject[] {
  return view.kind("Pod").filter((pod) => !SYSTEM_NAMESPACES.has(pod.metadata.namespace ?? "") && view.inScope(pod.metadata.namespace));
}

/** Seconds between two timestamps, or undefined. */
export function secondsBetween(from: string | undefined, to: Date | string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const start = Date.parse(from);
  const end = typeof to === "string" ? Date.parse(to) : to.getTime();
  if (!Number.isFinite(start) || !Number.isFinite(end)) return undefined;
  return Math.round((end - start) / 1000);
}

