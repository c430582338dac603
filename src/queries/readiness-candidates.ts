import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { KUBERNETES_SELECTOR, labelMapMatches } from "../k8s/selectors.js";
import { gatewaysOf, routeDestinations } from "../istio/virtual-service.js";
import { appliedNamespace } from "../model/namespace.js";

/** A restart older than this no longer counts against a pod's health. */
const RECENT_RESTART_SECONDS = 3600;

export interface CandidateWorkload {
  kind: string;
  namespace: string;
  name: string;
  replicas: number;
  stateful: boolean;
}

export type WorkloadHealth = { state: "healthy"; pods: number } | { state: "unhealthy"; reason: string } | { state: "unobserved" };

/** How a workload reaches users: through an Ingress, a gateway-bound VirtualService or a LoadBalancer/NodePort Service. */
export interface Exposure {
  exposed: boolean;
  how: string[];
}

export interface TestServiceChoice<W extends CandidateWorkload> {
  workload?: W;
  health?: WorkloadHealth;
  exposure?: Exposure;
  /** Workloads of the chosen namespace passed over, and why. */
  skipped: string[];
}

function podsOf(view: ClusterView, workload: CandidateWorkload): KubeObject[] {
  return view.kindIn("Pod", workload.namespace).filter((pod) => view.ownerChain(pod).some((owner) => owner.kind === workload.kind && owner.metadata.name === workload.name));
}

/** Why a pod is not healthy (not running, a container waiting or not ready, a recent restart), or undefined. */
export function podProblem(pod: KubeObject, now: Date): string | undefined {
  const phase = pod.status?.phase;
  if (phase !== "Running") return `phase ${phase ?? "unknown"}`;
  const statuses: Array<Record<string, any>> = [...(pod.status?.initContainerStatuses ?? []).filter((status: any) => status.state?.running), ...(pod.status?.containerStatuses ?? [])];
  for (const status of statuses) {
    const waiting = status.state?.waiting?.reason;
    if (waiting) return `${status.name} ${waiting}`;
    if (status.ready !== true) return `${status.name} not ready`;
    const finished = Date.parse(status.lastState?.terminated?.finishedAt ?? "");
    if ((status.restartCount ?? 0) > 0 && Number.isFinite(finished) && (now.getTime() - finished) / 1000 < RECENT_RESTART_SECONDS) return `${status.name} restarted ${status.restartCount} times, last at ${status.lastState.terminated.finishedAt}`;
  }
  return undefined;
}

export function workloadHealth(view: ClusterView, workload: CandidateWorkload): WorkloadHealth {
  const pods = podsOf(view, workload).filter((pod) => !pod.metadata.deletionTimestamp);
  if (pods.length === 0) return { state: "unobserved" };
  for (const pod of pods) {
    const problem = podProblem(pod, view.now);
    if (problem) return { state: "unhealthy", reason: `pod ${pod.metadata.name}: ${problem}` };
  }
  return { state: "healthy", pods: pods.length };
}

export function exposureOf(view: ClusterView, workload: CandidateWorkload): Exposure {
  const object = view.get(workload.kind, workload.namespace, workload.name);
  const labels = (object?.spec?.template?.metadata?.labels ?? {}) as Record<string, string>;
  const services = view.kindIn("Service", workload.namespace).filter((svc) => svc.spec?.selector && Object.keys(svc.spec.selector).length > 0 && labelMapMatches(svc.spec.selector, labels, KUBERNETES_SELECTOR));
  const how: string[] = [];
  for (const svc of services) {
    const name = svc.metadata.name ?? "";
    if (svc.spec?.type === "LoadBalancer" || svc.spec?.type === "NodePort") how.push(`Service ${name} is ${svc.spec.type}`);
    for (const ingress of view.kindIn("Ingress", workload.namespace)) {
      const backends = JSON.stringify(ingress.spec ?? {});
      if (backends.includes(`"name":"${name}"`) || backends.includes(`"serviceName":"${name}"`)) how.push(`Ingress ${ingress.metadata.name}`);
    }
    for (const vs of view.kind("VirtualService")) {
      const gateways = gatewaysOf(vs).filter((gateway) => gateway !== "mesh");
      if (gateways.length === 0) continue;
      const vsNamespace = appliedNamespace(vs.metadata.namespace);
      const reaches = routeDestinations(vs).some((destination) => {
        const short = destination.host.split(".");
        return short[0] === name && (short.length === 1 ? vsNamespace === workload.namespace : short[1] === workload.namespace);
      });
      if (reaches) how.push(`VirtualService ${vsNamespace}/${vs.metadata.name} on gateway ${gateways.join(", ")}`);
    }
  }
  return { exposed: how.length > 0, how: [...new Set(how)] };
}

const HEALTH_ORDER = { healthy: 0, unobserved: 1, unhealthy: 2 } as const;

/**
 * The test service of the second adoption phase: a healthy workload (never one whose pods crash or are
 * not ready: a sidecar problem would hide among its own), stateless, with the least traffic: not exposed
 * outside the cluster, then the fewest replicas.
 */
export function chooseTestService<W extends CandidateWorkload>(view: ClusterView, workloads: readonly W[]): TestServiceChoice<W> {
  const ranked = workloads
    .filter((workload) => !workload.stateful)
    .map((workload) => ({ workload, health: workloadHealth(view, workload), exposure: exposureOf(view, workload) }))
    .sort(
      (a, b) =>
        HEALTH_ORDER[a.health.state] - HEALTH_ORDER[b.health.state] ||
        Number(a.exposure.exposed) - Number(b.exposure.exposed) ||
        a.workload.replicas - b.workload.replicas ||
        a.workload.name.localeCompare(b.workload.name),
    );
  const skipped = ranked
    .filter((entry) => entry.health.state === "unhealthy")
    .map((entry) => `${entry.workload.kind.toLowerCase()}/${entry.workload.name}: ${entry.health.state === "unhealthy" ? entry.health.reason : ""}`);
  const best = ranked.find((entry) => entry.health.state !== "unhealthy");
  return best ? { workload: best.workload, health: best.health, exposure: best.exposure, skipped } : { skipped };
}
