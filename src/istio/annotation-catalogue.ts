/**
 * The annotations Istio 1.27 defines (the istio.io/api annotation package):
 * which kinds of resource each applies to, its feature status and whether it
 * is deprecated. istioctl's annotation analyzers read the same facts.
 */

export type FeatureStatus = "Alpha" | "Beta" | "Stable";

export interface IstioAnnotation {
  name: string;
  /** Kinds it has an effect on; "Any" for every kind. */
  appliesTo: readonly string[];
  status: FeatureStatus;
  deprecated: boolean;
  /** What to use instead, for deprecated annotations that have a replacement. */
  replacement?: string;
}

type Row = [name: string, appliesTo: string, status: FeatureStatus, deprecated?: "deprecated", replacement?: string];

const ROWS: readonly Row[] = [
  ["prometheus.istio.io/merge-metrics", "Pod", "Alpha"],
  ["alpha.istio.io/kubernetes-serviceaccounts", "Service", "Alpha", "deprecated"],
  ["alpha.istio.io/canonical-serviceaccounts", "Service", "Alpha", "deprecated"],
  ["networking.istio.io/exportTo", "Service", "Alpha"],
  ["sidecar.istio.io/inject", "Pod", "Beta", "deprecated", 'the "sidecar.istio.io/inject" label'],
  ["sidecar.istio.io/status", "Pod", "Alpha"],
  ["sidecar.istio.io/rewriteAppHTTPProbers", "Pod", "Alpha"],
  ["sidecar.istio.io/discoveryAddress", "Pod", "Alpha", "deprecated", "discoveryAddress in the proxy.istio.io/config annotation"],
  ["sidecar.istio.io/proxyImage", "Pod", "Alpha"],
  ["sidecar.istio.io/proxyImageType", "Pod", "Alpha"],
  ["sidecar.istio.io/proxyCPU", "Pod", "Alpha"],
  ["sidecar.istio.io/proxyCPULimit", "Pod", "Alpha"],
  ["sidecar.istio.io/proxyMemory", "Pod", "Alpha"],
  ["sidecar.istio.io/proxyMemoryLimit", "Pod", "Alpha"],
  ["sidecar.istio.io/interceptionMode", "Pod", "Alpha"],
  ["sidecar.istio.io/bootstrapOverride", "Pod", "Alpha"],
  ["sidecar.istio.io/statsInclusionPrefixes", "Pod", "Alpha", "deprecated", "proxyStatsMatcher.inclusionPrefixes in the proxy.istio.io/config annotation"],
  ["sidecar.istio.io/statsInclusionSuffixes", "Pod", "Alpha", "deprecated", "proxyStatsMatcher.inclusionSuffixes in the proxy.istio.io/config annotation"],
  ["sidecar.istio.io/statsInclusionRegexps", "Pod", "Alpha", "deprecated", "proxyStatsMatcher.inclusionRegexps in the proxy.istio.io/config annotation"],
  ["sidecar.istio.io/statsHistogramBuckets", "Pod", "Alpha"],
  ["sidecar.istio.io/userVolume", "Pod", "Alpha"],
  ["sidecar.istio.io/userVolumeMount", "Pod", "Alpha"],
  ["status.sidecar.istio.io/port", "Pod", "Alpha"],
  ["sidecar.istio.io/logLevel", "Pod", "Alpha"],
  ["sidecar.istio.io/componentLogLevel", "Pod", "Alpha"],
  ["sidecar.istio.io/agentLogLevel", "Pod", "Alpha"],
  ["sidecar.istio.io/nativeSidecar", "Pod", "Alpha"],
  ["readiness.status.sidecar.istio.io/initialDelaySeconds", "Pod", "Alpha"],
  ["readiness.status.sidecar.istio.io/periodSeconds", "Pod", "Alpha"],
  ["readiness.status.sidecar.istio.io/failureThreshold", "Pod", "Alpha"],
  ["readiness.status.sidecar.istio.io/applicationPorts", "Pod", "Alpha"],
  ["traffic.istio.io/nodeSelector", "Service", "Stable"],
  ["traffic.sidecar.istio.io/includeOutboundIPRanges", "Pod", "Alpha"],
  ["traffic.sidecar.istio.io/excludeOutboundIPRanges", "Pod", "Alpha"],
  ["traffic.sidecar.istio.io/includeInboundPorts", "Pod", "Alpha"],
  ["traffic.sidecar.istio.io/excludeInboundPorts", "Pod", "Alpha"],
  ["traffic.sidecar.istio.io/excludeInterfaces", "Pod", "Alpha"],
  ["traffic.sidecar.istio.io/includeOutboundPorts", "Pod", "Alpha"],
  ["traffic.sidecar.istio.io/excludeOutboundPorts", "Pod", "Alpha"],
  ["traffic.sidecar.istio.io/kubevirtInterfaces", "Pod", "Alpha", "deprecated", "the istio.io/reroute-virtual-interfaces annotation"],
  ["kubernetes.io/ingress.class", "Ingress", "Stable"],
  ["galley.istio.io/analyze-suppress", "Any", "Alpha"],
  ["proxy.istio.io/config", "Pod", "Beta"],
  ["istio.io/dry-run", "AuthorizationPolicy", "Alpha"],
  ["istio.io/rev", "Pod", "Alpha"],
  ["proxy.istio.io/overrides", "Pod", "Alpha"],
  ["inject.istio.io/templates", "Pod", "Alpha"],
  ["sidecar.istio.io/extraStatTags", "Pod", "Alpha", "deprecated", "tagOverrides in a Telemetry resource"],
  ["istio.io/autoRegistrationGroup", "WorkloadEntry", "Alpha"],
  ["istio.io/workloadController", "WorkloadEntry", "Alpha"],
  ["istio.io/connectedAt", "WorkloadEntry", "Alpha"],
  ["istio.io/disconnectedAt", "WorkloadEntry", "Alpha"],
  ["topology.istio.io/controlPlaneClusters", "Namespace", "Alpha"],
  ["gateway.istio.io/controller-version", "Any", "Alpha"],
  ["ambient.istio.io/redirection", "Pod", "Beta"],
  ["ambient.istio.io/waypoint-inbound-binding", "GatewayClass,Gateway", "Alpha"],
  ["gateway.istio.io/service-account", "Gateway", "Alpha"],
  ["gateway.istio.io/name-override", "Gateway", "Alpha"],
  ["networking.istio.io/service-type", "Gateway", "Alpha"],
  ["networking.istio.io/traffic-distribution", "Service,ServiceEntry", "Alpha"],
  ["ambient.istio.io/bypass-inbound-capture", "Pod", "Alpha"],
  ["istio.io/reroute-virtual-interfaces", "Pod", "Alpha"],
  ["ambient.istio.io/dns-capture", "Pod", "Alpha"],
  ["sidecar.istio.io/statsCompression", "Pod", "Alpha"],
];

export const ISTIO_ANNOTATIONS: ReadonlyMap<string, IstioAnnotation> = new Map(
  ROWS.map(([name, appliesTo, status, deprecated, replacement]) => [
    name,
    { name, appliesTo: appliesTo.split(","), status, deprecated: deprecated === "deprecated", ...(replacement ? { replacement } : {}) },
  ]),
);

/**
 * Annotations in Istio's domain (`*istio.io/...`), plus kubernetes.io/ingress.class, which Istio
 * documents: the ones the annotation rules judge. Everything else belongs to someone else.
 */
export function isIstioAnnotation(key: string): boolean {
  if (key === "kubernetes.io/ingress.class") return true;
  const slash = key.indexOf("/");
  return slash > 0 && key.slice(0, slash).endsWith("istio.io");
}

/** Kinds whose own annotations the annotation rules read, as istioctl does, plus the other workload kinds. */
export const ANNOTATED_KINDS = ["Namespace", "Service", "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"] as const;
