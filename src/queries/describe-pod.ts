import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { effectiveMtls, rootNamespace, type MtlsMode } from "../istio/mtls.js";
import { registryOf } from "../istio/registry.js";
import { portProtocol } from "../istio/protocols.js";
import { serviceFqdn, toFqdn } from "../istio/hosts.js";
import { arrayOf, namespaceOf, recordOf, stringMapOf } from "../k8s/objects.js";
import { ISTIO_WORKLOAD_SELECTOR, KUBERNETES_SELECTOR, labelMapMatches } from "../k8s/selectors.js";
import { destinationRulesFor, gatewaysOf, resolveGatewayRef, routeDestinations, subsetsOf, vsHosts } from "../istio/virtual-service.js";
import { gatewayServers, serverHostAdmits } from "../istio/gateways.js";
import { hasSidecar, INJECTION_STATUS_ANNOTATION } from "../istio/sidecar.js";
import { describeAuthorization, type AuthorizationSummary } from "./describe-authz.js";
import { appliedNamespace } from "../model/namespace.js";

/** What `istioctl x describe pod` tells, from the view: the pod's place in the mesh and what each Istio resource does to its traffic. */
export interface PodDescription {
  pod: { name: string; namespace: string; revision?: string; inMesh: boolean; mesh: string; ports: Array<{ port: number; name?: string; container: string }> };
  services: ServiceDescription[];
  peerAuthentication: { mode: MtlsMode; source?: string; scope: string; ports: Array<{ port: number; mode: MtlsMode; source?: string }> };
  authorization: AuthorizationSummary;
  notes: string[];
}

export interface ServiceDescription {
  name: string;
  host: string;
  ports: Array<{ name?: string; port: number; protocol: string; targetPort: string; podPort?: number; matchesPod: boolean }>;
  destinationRules: Array<{ name: string; namespace: string; subset?: string; subsets: string[]; trafficPolicy: string[]; subsetPolicy: string[] }>;
  virtualServices: VirtualServiceDescription[];
}

export interface VirtualServiceDescription {
  name: string;
  namespace: string;
  gateways: string[];
  /** One line per route to this Service: the match, where it goes, and whether this pod receives it. */
  routes: string[];
  /** Whether any route of this VirtualService can send traffic to this pod (its subset includes the pod). */
  reachesPod: boolean;
  /** Gateways that expose this VirtualService: server hosts and ports. */
  exposedOn: string[];
  problems: string[];
}

const MAX_LISTED = 20;

function podLabels(pod: KubeObject): Record<string, string> {
  return stringMapOf(pod.metadata.labels);
}

function containerPorts(pod: KubeObject): PodDescription["pod"]["ports"] {
  return arrayOf<Record<string, any>>(pod.spec?.containers)
    .filter((container) => container?.name !== "istio-proxy")
    .flatMap((container) => arrayOf<Record<string, any>>(container?.ports).map((port) => ({ port: Number(port?.containerPort), ...(typeof port?.name === "string" ? { name: port.name } : {}), container: String(container?.name ?? "") })))
    .filter((port) => Number.isFinite(port.port));
}

function resolveTargetPort(targetPort: number | string | undefined, servicePort: number, ports: PodDescription["pod"]["ports"]): number | undefined {
  if (targetPort === undefined) return servicePort;
  if (typeof targetPort === "number") return targetPort;
  if (/^\d+$/.test(targetPort)) return Number(targetPort);
  return ports.find((port) => port.name === targetPort)?.port;
}

/** A traffic policy in a few words: TLS mode, load balancer, connection pool, outlier detection. */
function policyWords(policy: Record<string, unknown> | undefined): string[] {
  if (!policy) return [];
  const words: string[] = [];
  const tls = recordOf(policy.tls)?.mode;
  if (typeof tls === "string") words.push(`TLS ${tls}`);
  const lb = recordOf(policy.loadBalancer);
  if (lb) words.push(`load balancer ${typeof lb.simple === "string" ? lb.simple : recordOf(lb.consistentHash) ? "consistent hash" : "set"}`);
  const pool = recordOf(policy.connectionPool);
  if (pool) {
    const tcp = recordOf(pool.tcp);
    const http = recordOf(pool.http);
    const limits = [tcp?.maxConnections !== undefined ? `maxConnections ${tcp.maxConnections}` : "", http?.http1MaxPendingRequests !== undefined ? `http1MaxPendingRequests ${http.http1MaxPendingRequests}` : "", http?.http2MaxRequests !== undefined ? `http2MaxRequests ${http.http2MaxRequests}` : ""].filter(Boolean);
    words.push(`connection pool${limits.length ? ` (${limits.join(", ")})` : ""}`);
  }
  const outlier = recordOf(policy.outlierDetection);
  if (outlier) {
    const errors = outlier.consecutive5xxErrors ?? outlier.consecutiveGatewayErrors ?? outlier.consecutiveErrors;
    words.push(`outlier detection${errors !== undefined ? ` (eject after ${errors} consecutive errors${outlier.baseEjectionTime ? ` for ${outlier.baseEjectionTime}` : ""})` : ""}`);
  }
  const ports = arrayOf<Record<string, unknown>>(policy.portLevelSettings);
  if (ports.length) words.push(`port-level settings for ${ports.map((setting) => recordOf(setting?.port)?.number).filter((value) => value !== undefined).join(", ")}`);
  return words;
}

function matchWords(rule: Record<string, unknown>): string {
  const matches = arrayOf<Record<string, unknown>>(rule.match);
  if (matches.length === 0) return "every request";
  return matches
    .slice(0, 3)
    .map((match) => {
      const uri = recordOf(match?.uri);
      const parts: string[] = [];
      if (uri) parts.push(`uri ${Object.entries(uri).map(([kind, value]) => `${kind} ${String(value)}`).join(" ")}`);
      const headers = recordOf(match?.headers);
      if (headers) parts.push(`headers ${Object.keys(headers).join(", ")}`);
      if (typeof match?.method === "object") parts.push(`method ${Object.values(recordOf(match.method) ?? {}).join(" ")}`);
      if (match?.port !== undefined) parts.push(`port ${String(match.port)}`);
      const gateways = arrayOf(match?.gateways);
      if (gateways.length) parts.push(`from ${gateways.join(", ")}`);
      return parts.length ? parts.join(" and ") : "every request";
    })
    .join(" or ");
}

function describeVirtualService(view: ClusterView, vs: KubeObject, host: string, podSubsets: Set<string>, definedSubsets: Set<string>): VirtualServiceDescription | undefined {
  const vsNamespace = namespaceOf(vs);
  const destinations = routeDestinations(vs).filter((destination) => toFqdn(destination.host, vsNamespace) === host);
  if (destinations.length === 0) return undefined;
  const spec = recordOf(vs.spec) ?? {};
  const routes: string[] = [];
  const problems: string[] = [];
  let reachesPod = false;
  for (const protocol of ["http", "tcp", "tls"] as const) {
    arrayOf<Record<string, unknown>>(spec[protocol]).forEach((rule, index) => {
      const here = destinations.filter((destination) => destination.protocol === protocol && destination.ruleIndex === index && !destination.mirror);
      if (here.length === 0) return;
      const total = arrayOf(rule.route).length;
      const targets = here.map((destination) => {
        const toPod = destination.subset === undefined || podSubsets.has(destination.subset);
        const undefinedSubset = destination.subset !== undefined && !definedSubsets.has(destination.subset);
        if (toPod) reachesPod = true;
        if (undefinedSubset) problems.push(`subset ${destination.subset} is defined by no DestinationRule for ${host}: requests routed to it fail with 503 (no cluster for the subset, IST0101)`);
        return `${destination.subset ? `subset ${destination.subset}` : "the Service"}${destination.port ? ` port ${destination.port}` : ""}${destination.weight !== undefined || total > 1 ? ` ${destination.weight ?? 0}%` : ""}${toPod ? " (this pod)" : undefinedSubset ? " (undefined subset)" : " (not this pod)"}`;
      });
      const extras = [typeof rule.timeout === "string" ? `timeout ${rule.timeout}` : "", recordOf(rule.retries) ? `retries ${String(recordOf(rule.retries)!.attempts ?? "")}`.trim() : "", recordOf(rule.fault) ? "fault injection" : "", recordOf(rule.rewrite) ? "rewrite" : ""].filter(Boolean);
      routes.push(`${protocol}[${index}] ${matchWords(rule)} -> ${targets.join(", ")}${extras.length ? `; ${extras.join(", ")}` : ""}`);
    });
  }
  const gateways = gatewaysOf(vs);
  const exposedOn: string[] = [];
  for (const ref of gateways.filter((gateway) => gateway !== "mesh")) {
    const { namespace, name } = resolveGatewayRef(ref, vsNamespace);
    const gateway = view.get("Gateway", namespace, name);
    if (!gateway) {
      problems.push(`gateway ${namespace}/${name} is not in the inputs (or does not exist: IST0101)`);
      continue;
    }
    for (const server of gatewayServers(gateway)) {
      const admitted = vsHosts(vs).filter((vsHost) => server.hosts.some((serverHost) => serverHostAdmits(serverHost, namespace, vsHost, vsNamespace)));
      if (admitted.length > 0) exposedOn.push(`Gateway ${namespace}/${name} port ${server.port ?? "?"}${server.protocol ? `/${server.protocol}` : ""}: ${admitted.join(", ")}`);
    }
  }
  return { name: vs.metadata.name ?? "", namespace: vsNamespace, gateways, routes, reachesPod, exposedOn, problems };
}

/** The pod-centric view of the mesh: a read of the view, no finding. */
export function describePod(view: ClusterView, pod: KubeObject): PodDescription {
  const namespace = appliedNamespace(pod.metadata.namespace);
  const labels = podLabels(pod);
  const ports = containerPorts(pod);
  const inMesh = hasSidecar(pod);
  const annotations = stringMapOf(pod.metadata.annotations);
  const revision = labels["istio.io/rev"] ?? (annotations[INJECTION_STATUS_ANNOTATION] ? /"revision":"([^"]+)"/.exec(annotations[INJECTION_STATUS_ANNOTATION])?.[1] : undefined);
  const notes: string[] = [];
  const ambient = labels["istio.io/dataplane-mode"] === "ambient" || stringMapOf(view.get("Namespace", undefined, namespace)?.metadata.labels)["istio.io/dataplane-mode"] === "ambient";
  const mesh = inMesh ? "sidecar (istio-proxy)" : ambient ? "ambient (no sidecar)" : "not in the mesh: no istio-proxy container";
  if (!inMesh && !ambient) notes.push("Without a sidecar no VirtualService, DestinationRule, PeerAuthentication or AuthorizationPolicy is enforced for this pod's inbound traffic.");

  const registry = registryOf(view);
  const services = view
    .kindIn("Service", namespace)
    .filter((svc) => {
      const selector = recordOf(svc.spec)?.selector;
      return recordOf(selector) !== undefined && Object.keys(recordOf(selector)!).length > 0 && labelMapMatches(stringMapOf(selector), labels, KUBERNETES_SELECTOR);
    })
    .slice(0, MAX_LISTED);
  if (services.length === 0) notes.push("No Service selects this pod: nothing in the mesh routes to it by name.");

  const described: ServiceDescription[] = services.map((svc) => {
    const host = serviceFqdn(svc.metadata.name ?? "", namespace, registry.domain);
    const servicePorts = arrayOf<Record<string, any>>(svc.spec?.ports).map((port) => {
      const podPort = resolveTargetPort(port?.targetPort, Number(port?.port), ports);
      return {
        ...(typeof port?.name === "string" ? { name: port.name } : {}),
        port: Number(port?.port),
        protocol: (portProtocol(port ?? {}) ?? "auto-detected").toUpperCase(),
        targetPort: String(port?.targetPort ?? port?.port),
        ...(podPort !== undefined ? { podPort } : {}),
        matchesPod: podPort !== undefined && ports.some((entry) => entry.port === podPort),
      };
    });
    const rules = destinationRulesFor(view, host, namespace);
    const definedSubsets = new Set(rules.flatMap((dr) => subsetsOf(dr).map((subset) => subset.name)));
    const podSubsets = new Set<string>();
    const destinationRules = rules.map((dr) => {
      const subsets = subsetsOf(dr);
      const mine = subsets.find((subset) => labelMapMatches(subset.labels, labels, ISTIO_WORKLOAD_SELECTOR));
      if (mine) podSubsets.add(mine.name);
      const raw = arrayOf<Record<string, unknown>>(recordOf(dr.spec)?.subsets);
      return {
        name: dr.metadata.name ?? "",
        namespace: namespaceOf(dr),
        ...(mine ? { subset: mine.name } : {}),
        subsets: subsets.map((subset) => subset.name),
        trafficPolicy: policyWords(recordOf(recordOf(dr.spec)?.trafficPolicy)),
        subsetPolicy: mine ? policyWords(recordOf(raw[mine.index]?.trafficPolicy)) : [],
      };
    });
    const virtualServices = view
      .kind("VirtualService")
      .map((vs) => describeVirtualService(view, vs, host, podSubsets, definedSubsets))
      .filter((entry): entry is VirtualServiceDescription => entry !== undefined)
      .slice(0, MAX_LISTED);
    return { name: svc.metadata.name ?? "", host, ports: servicePorts, destinationRules, virtualServices };
  });

  const overall = effectiveMtls(view, namespace, labels);
  const portModes = [...new Set(described.flatMap((svc) => svc.ports.map((port) => port.podPort)).filter((port): port is number => port !== undefined))].map((port) => {
    const mode = effectiveMtls(view, namespace, labels, port);
    return { port, mode: mode.mode, ...(mode.source ? { source: `${namespaceOf(mode.source)}/${mode.source.metadata.name}` } : {}) };
  });
  const peerAuthentication = {
    mode: overall.mode,
    ...(overall.source ? { source: `${namespaceOf(overall.source)}/${overall.source.metadata.name}` } : {}),
    scope: overall.scope === "default" ? `no PeerAuthentication applies (mesh default; root namespace ${rootNamespace(view)})` : overall.scope,
    ports: portModes,
  };
  return { pod: { name: pod.metadata.name ?? "", namespace, ...(revision ? { revision } : {}), inMesh, mesh, ports }, services: described, peerAuthentication, authorization: describeAuthorization(view, namespace, labels), notes };
}
