import type { KubeObject, LoadedObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import type { ContainerPort, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec } from "./kube-types.js";
import { namespaceLabels } from "../k8s/namespaces.js";
import { podSpec, podStatus } from "./pods.js";
import { labelSelectorMatches } from "../k8s/selectors.js";

/** Where traffic goes, as NetworkPolicy egress rules see it. */
export interface EgressTarget {
  /** What the answer is about, for messages: `istiod (istio-system) TCP 15012`. */
  description: string;
  /** Short name for summaries: `istiod:15012`, `DNS:53`. */
  short: string;
  namespace: string;
  namespaceLabels: Record<string, string>;
  podLabels: Record<string, string>;
  /** Pod IPs of the destination, when the view holds its pods (for ipBlock rules). */
  ips: string[];
  port: number;
  protocol: "TCP" | "UDP";
  /** Named container ports of the destination, so a rule naming the port (`grpc-xds`) can match. */
  namedPorts: ContainerPort[];
}

export interface EgressVerdict {
  target: EgressTarget;
  /** Policies that select the pod and isolate its egress. */
  isolating: LoadedObject[];
  allowed: boolean;
  /** The policy whose rule lets the traffic through. */
  allowedBy?: string;
}

export interface PodIdentity {
  namespace: string;
  labels: Record<string, string>;
}

const policiesCache = new WeakMap<ClusterView, Map<string, LoadedObject[]>>();

/** NetworkPolicies of a namespace (no namespace counts as `default`), in the view's order, grouped once per view. */
function policiesIn(view: ClusterView, namespace: string): LoadedObject[] {
  let byNamespace = policiesCache.get(view);
  if (!byNamespace) {
    byNamespace = new Map();
    for (const loaded of view.list("NetworkPolicy")) {
      const key = loaded.object.metadata.namespace ?? "default";
      let list = byNamespace.get(key);
      if (!list) byNamespace.set(key, (list = []));
      list.push(loaded);
    }
    policiesCache.set(view, byNamespace);
  }
  return byNamespace.get(namespace) ?? [];
}

/** NetworkPolicies in the pod's namespace whose podSelector selects it. */
export function policiesSelecting(view: ClusterView, pod: PodIdentity): LoadedObject[] {
  return policiesIn(view, pod.namespace).filter((loaded) => {
    const policy = loaded.object;
    return labelSelectorMatches((policy.spec as NetworkPolicySpec | undefined)?.podSelector, pod.labels, { absent: "everything" });
  });
}

/** policyTypes as the API server defaults them: Ingress always, Egress when the policy has egress rules. */
export function policyTypes(spec: NetworkPolicySpec): string[] {
  if (spec.policyTypes && spec.policyTypes.length > 0) return spec.policyTypes;
  return spec.egress && spec.egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

/** Whether the pod may send this traffic: allowed unless a selecting policy isolates egress and none of them allows it. */
export function egressVerdict(view: ClusterView, pod: PodIdentity, target: EgressTarget): EgressVerdict {
  const isolating = policiesSelecting(view, pod).filter((loaded) => policyTypes((loaded.object.spec ?? {}) as NetworkPolicySpec).includes("Egress"));
  if (isolating.length === 0) return { target, isolating, allowed: true };
  for (const loaded of isolating) {
    const spec = (loaded.object.spec ?? {}) as NetworkPolicySpec;
    const rule = (spec.egress ?? []).find((candidate) => portsAllow(candidate.ports, target) && peersAllow(view, candidate.to, pod.namespace, target));
    if (rule) return { target, isolating, allowed: true, allowedBy: loaded.object.metadata.name };
  }
  return { target, isolating, allowed: false };
}

function portsAllow(ports: NetworkPolicyPort[] | undefined, target: EgressTarget): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((port) => {
    if ((port.protocol ?? "TCP").toUpperCase() !== target.protocol) return false;
    if (port.port === undefined || port.port === null) return true;
    if (typeof port.port === "string" && !/^\d+$/.test(port.port)) {
      return target.namedPorts.some((named) => named.name === port.port && named.containerPort === target.port);
    }
    const start = Number(port.port);
    const end = port.endPort ?? start;
    return target.port >= start && target.port <= end;
  });
}

function peersAllow(view: ClusterView, peers: NetworkPolicyPeer[] | undefined, policyNamespace: string, target: EgressTarget): boolean {
  if (!peers || peers.length === 0) return true;
  return peers.some((peer) => {
    if (peer.ipBlock) {
      return target.ips.length > 0 && target.ips.every((ip) => cidrContains(peer.ipBlock!.cidr, ip) && !(peer.ipBlock!.except ?? []).some((cidr) => cidrContains(cidr, ip)));
    }
    const namespaceOk = peer.namespaceSelector ? labelSelectorMatches(peer.namespaceSelector, target.namespaceLabels, { absent: "everything" }) : target.namespace === policyNamespace;
    const podOk = peer.podSelector ? labelSelectorMatches(peer.podSelector, target.podLabels, { absent: "everything" }) : true;
    return namespaceOk && podOk;
  });
}

/** IPv4 CIDR containment; IPv6 CIDRs only match `::/0`. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split("/");
  const bits = Number(bitsText ?? "32");
  if (cidr === "::/0") return true;
  const baseNumber = ipv4ToNumber(base ?? "");
  const ipNumber = ipv4ToNumber(ip);
  if (baseNumber === undefined || ipNumber === undefined || !Number.isInteger(bits)) return false;
  if (bits === 0) return true;
  const mask = bits >= 32 ? 0xffffffff : (~((1 << (32 - bits)) - 1) >>> 0) >>> 0;
  return ((baseNumber & mask) >>> 0) === ((ipNumber & mask) >>> 0);
}

function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

const ISTIOD_DEFAULT_LABELS = { app: "istiod", istio: "pilot" };
const KUBE_DNS_DEFAULT_LABELS = { "k8s-app": "kube-dns" };

/** istiod's xDS/CA port 15012 in its namespace, from the istiod pods in the view or Istio's default labels. */
export function istiodTarget(view: ClusterView, namespace = "istio-system"): EgressTarget {
  const pods = view.kindIn("Pod", namespace).filter((pod) => (pod.metadata.labels?.app === "istiod" || pod.metadata.labels?.istio === "pilot"));
  return podTarget(view, namespace, pods, ISTIOD_DEFAULT_LABELS, 15012, "TCP", `istiod (${namespace}) TCP 15012`, "istiod:15012");
}

/** Cluster DNS: kube-dns/CoreDNS pods in kube-system on port 53. */
export function dnsTargets(view: ClusterView): EgressTarget[] {
  const pods = view.kindIn("Pod", "kube-system").filter((pod) => pod.metadata.labels?.["k8s-app"] === "kube-dns");
  return (["UDP", "TCP"] as const).map((protocol) => podTarget(view, "kube-system", pods, KUBE_DNS_DEFAULT_LABELS, 53, protocol, `DNS (kube-dns in kube-system) ${protocol} 53`, "DNS:53"));
}

function podTarget(
  view: ClusterView,
  namespace: string,
  pods: KubeObject[],
  defaultLabels: Record<string, string>,
  port: number,
  protocol: "TCP" | "UDP",
  description: string,
  short: string,
): EgressTarget {
  const labels = pods[0]?.metadata.labels ?? defaultLabels;
  const namedPorts = pods.flatMap((pod) => (podSpec(pod).containers ?? []).flatMap((container) => container.ports ?? []));
  const ips = pods.map((pod) => podStatus(pod).podIP).filter((ip): ip is string => typeof ip === "string");
  return { description, short, namespace, namespaceLabels: namespaceLabels(view, namespace), podLabels: labels, ips, port, protocol, namedPorts };
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
  const dns = dnsTargets(view).map((target) => egressVerdict(view, pod, target));
  return { istiod, dns, isolated: istiod.isolating.length > 0, blocked: [istiod, ...dns].filter((verdict) => !verdict.allowed) };
}

/** The NetworkPolicy that allows exactly the control-plane traffic a sidecar needs. */
export function allowControlPlanePolicy(namespace: string, podSelector: Record<string, string>, istiodNamespace = "istio-system"): string {
  const selector = Object.keys(podSelector).length > 0 ? `\n    matchLabels:\n${Object.entries(podSelector).map(([key, value]) => `      ${key}: ${value}`).join("\n")}` : " {}";
  return [
    "apiVersion: networking.k8s.io/v1",
    "kind: NetworkPolicy",
    "metadata:",
    "  name: allow-istio-control-plane",
    `  namespace: ${namespace}`,
    "spec:",
    `  podSelector:${selector}`,
    "  policyTypes:",
    "  - Egress",
    "  egress:",
    "  - to:",
    "    - namespaceSelector:",
    "        matchLabels:",
    `          kubernetes.io/metadata.name: ${istiodNamespace}`,
    "      podSelector:",
    "        matchLabels:",
    "          app: istiod",
    "    ports:",
    "    - protocol: TCP",
    "      port: 15012",
    "  - to:",
    "    - namespaceSelector:",
    "        matchLabels:",
    "          kubernetes.io/metadata.name: kube-system",
    "      podSelector:",
    "        matchLabels:",
    "          k8s-app: kube-dns",
    "    ports:",
    "    - protocol: UDP",
    "      port: 53",
    "    - protocol: TCP",
    "      port: 53",
  ].join("\n");
}
