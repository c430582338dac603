import type { ClusterView } from "../view/cluster-view.js";
import { clusterDnsTargets, egressVerdict, podsTarget, type EgressVerdict, type PodIdentity, type PolicyTarget } from "../k8s/network-policy.js";

const ISTIOD_DEFAULT_LABELS = { app: "istiod", istio: "pilot" };

/** istiod's xDS/CA port 15012 in its namespace, from the istiod pods in the view or Istio's default labels. */
export function istiodTarget(view: ClusterView, namespace = "istio-system"): PolicyTarget {
  const pods = view.kindIn("Pod", namespace).filter((pod) => pod.metadata.labels?.app === "istiod" || pod.metadata.labels?.istio === "pilot");
  return podsTarget(view, { namespace, pods, defaultLabels: ISTIOD_DEFAULT_LABELS, defaultPorts: [] }, { port: 15012, protocol: "TCP", description: `istiod (${namespace}) TCP 15012`, short: "istiod:15012" });
}

export interface ControlPlaneEgress {
  istiod: EgressVerdict;
  dns: EgressVerdict[];
  /** Whether any policy isolates the pod's egress at all. */
  isolated: boolean;
  blocked: EgressVerdict[];
}

/** `istiod:15012 and DNS:53` for the blocked targets. */
export function blockedSummary(blocked: readonly EgressVerdict[]): string {
  return [...new Set(blocked.map((verdict) => verdict.target.short))].join(" and ");
}

/** The two questions a sidecar needs answered yes: may it reach istiod on 15012, and DNS on 53? */
export function controlPlaneEgress(view: ClusterView, pod: PodIdentity, istiodNamespace = "istio-system"): ControlPlaneEgress {
  const istiod = egressVerdict(view, pod, istiodTarget(view, istiodNamespace));
  const dns = clusterDnsTargets(view).map((target) => egressVerdict(view, pod, target));
  return { istiod, dns, isolated: istiod.isolating.length > 0, blocked: [istiod, ...dns].filter((verdict) => !verdict.allowed) };
}
