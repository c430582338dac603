/**
 * NetworkPolicy evaluation as Kubernetes defines it
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 *
 * - A policy applies to the pods of its namespace its podSelector selects; an
 *   empty podSelector selects them all.
 * - policyTypes, when not set, is Ingress, plus Egress when the policy has at
 *   least one egress rule (the API server's defaulting).
 * - A pod selected by a policy for a direction is isolated in that direction:
 *   only what some rule of some selecting policy allows gets through.
 * - A rule allows traffic matching one of its ports (none: every port) and one
 *   of its peers (none: every peer). A peer with a namespaceSelector and a
 *   podSelector means those pods in those namespaces; a podSelector alone means
 *   pods of the policy's namespace; an ipBlock means addresses in its CIDR and
 *   not in its exceptions.
 * - A numbered port with endPort is a range; a named port matches the
 *   destination pod's container port of that name and protocol.
 */
import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { declaredNamespaceLabels, namespaceLabels, sameNamespace } from "./namespaces.js";
import { labelSelectorMatches, type LabelSelector, type Labels } from "./selectors.js";

export type PolicyDirection = "Ingress" | "Egress";

export interface NetworkPolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface NetworkPolicyRule {
  ports?: NetworkPolicyPort[];
  to?: NetworkPolicyPeer[];
  from?: NetworkPolicyPeer[];
}

export interface NetworkPolicySpec {
  podSelector?: LabelSelector;
  policyTypes?: string[];
  egress?: NetworkPolicyRule[];
  ingress?: NetworkPolicyRule[];
}

/** The pods on the other side of the traffic: the destination of egress, the source of ingress. */
export interface PolicyPeerPods {
  /** Undefined for a manifest without a namespace, applied to whichever namespace is current. */
  namespace: string | undefined;
  namespaceLabels: Labels;
  podLabels: Labels;
  /** Their pod IPs; empty when the inputs do not say, and then an ipBlock cannot be ruled out. */
  ips: readonly string[];
}

export interface NamedPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

/** The destination port of the traffic. */
export interface PolicyPortTarget {
  /** The port number, or its name when only the name is known. */
  port: number | string;
  protocol: string;
  /** The destination pod's container ports, which named policy ports refer to. */
  namedPorts: readonly NamedPort[];
}

function specOf(policy: KubeObject): NetworkPolicySpec {
  const spec = policy.spec;
  return spec !== null && typeof spec === "object" && !Array.isArray(spec) ? (spec as NetworkPolicySpec) : {};
}

function listOf<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value.filter((item): item is T => item !== null && typeof item === "object") : [];
}

/** policyTypes as the API server defaults them: Ingress, plus Egress when there is an egress rule. */
export function policyTypes(spec: NetworkPolicySpec): string[] {
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) return spec.policyTypes.map(String);
  return Array.isArray(spec.egress) && spec.egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

export function policyIsolates(policy: KubeObject, direction: PolicyDirection): boolean {
  return policyTypes(specOf(policy)).includes(direction);
}

const byNamespace = new WeakMap<ClusterView, Map<string | undefined, KubeObject[]>>();

/** NetworkPolicies that apply in a namespace: its own and those without one, in the view's order. */
function policiesIn(view: ClusterView, namespace: string | undefined): KubeObject[] {
  let cache = byNamespace.get(view);
  if (!cache) byNamespace.set(view, (cache = new Map()));
  let list = cache.get(namespace);
  if (!list) cache.set(namespace, (list = view.kind("NetworkPolicy").filter((policy) => sameNamespace(policy.metadata.namespace, namespace))));
  return list;
}

/** The policies that select pods with these labels and isolate them in the direction. */
export function policiesIsolating(view: ClusterView, pod: { namespace: string | undefined; labels: Labels }, direction: PolicyDirection): KubeObject[] {
  return policiesIn(view, pod.namespace).filter((policy) => policyIsolates(policy, direction) && labelSelectorMatches(specOf(policy).podSelector, pod.labels, { absent: "everything" }));
}

function isNumbered(port: number | string): boolean {
  return typeof port === "number" || /^\d+$/.test(port);
}

function protocolOf(protocol: string | undefined): string {
  return (protocol ?? "TCP").toUpperCase();
}

/** Whether a rule's ports allow the destination port (no ports: every port). */
export function portsAllow(ports: NetworkPolicyPort[] | undefined, target: PolicyPortTarget): boolean {
  const list = listOf(ports);
  if (list.length === 0) return true;
  const protocol = protocolOf(target.protocol);
  const number = isNumbered(target.port) ? Number(target.port) : target.namedPorts.find((named) => named.name === target.port && protocolOf(named.protocol) === protocol)?.containerPort;
  return list.some((entry) => {
    if (protocolOf(entry.protocol) !== protocol) return false;
    if (entry.port === undefined || entry.port === null) return true;
    if (isNumbered(entry.port)) {
      const start = Number(entry.port);
      const end = typeof entry.endPort === "number" ? entry.endPort : start;
      return number !== undefined && number >= start && number <= end;
    }
    if (entry.port === target.port) return true;
    return number !== undefined && target.namedPorts.some((named) => named.name === entry.port && named.containerPort === number && protocolOf(named.protocol) === protocol);
  });
}

/**
 * Whether a peer covers the pods. `policyNamespace` is the namespace of the
 * selected pods, where the policy applies. An ipBlock is decided against the
 * pods' IPs when the inputs hold them; without them it is given the benefit of the doubt.
 */
export function peerAllows(peer: NetworkPolicyPeer, policyNamespace: string | undefined, pods: PolicyPeerPods): boolean {
  if (peer.ipBlock && typeof peer.ipBlock === "object") {
    const block = peer.ipBlock;
    if (pods.ips.length === 0) return true;
    return pods.ips.every((ip) => cidrContains(String(block.cidr), ip) && !(Array.isArray(block.except) ? block.except : []).some((cidr) => cidrContains(String(cidr), ip)));
  }
  const namespaceOk = peer.namespaceSelector ? labelSelectorMatches(peer.namespaceSelector, pods.namespaceLabels, { absent: "everything" }) : sameNamespace(pods.namespace, policyNamespace);
  return namespaceOk && labelSelectorMatches(peer.podSelector, pods.podLabels, { absent: "everything" });
}

/** The first of the policies with a rule that lets the traffic through, or undefined. */
export function policyAllowing(policies: readonly KubeObject[], direction: PolicyDirection, policyNamespace: string | undefined, pods: PolicyPeerPods, port: PolicyPortTarget): KubeObject | undefined {
  return policies.find((policy) => {
    const spec = specOf(policy);
    const rules = listOf(direction === "Egress" ? spec.egress : spec.ingress);
    return rules.some((rule) => {
      if (!portsAllow(rule.ports, port)) return false;
      const peers = listOf(direction === "Egress" ? rule.to : rule.from);
      return peers.length === 0 || peers.some((peer) => peerAllows(peer, policyNamespace ?? policy.metadata.namespace, pods));
    });
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

/** Traffic to known pods on one port, as the question a policy answers: may the selected pods send it? */
export interface PolicyTarget {
  /** What the answer is about, for messages: `istiod (istio-system) TCP 15012`. */
  description: string;
  /** Short name for summaries: `istiod:15012`, `DNS:53`. */
  short: string;
  pods: PolicyPeerPods;
  port: PolicyPortTarget;
}

/**
 * A system namespace as selectors see it. When the inputs do not hold its
 * Namespace object its labels are unknown, so the `name` label that older
 * NetworkPolicy guides have users add is assumed too.
 */
function systemNamespaceLabels(view: ClusterView, namespace: string): Labels {
  return declaredNamespaceLabels(view, namespace) ? namespaceLabels(view, namespace) : { ...namespaceLabels(view, namespace), name: namespace };
}

function containerPortsOf(pod: KubeObject): NamedPort[] {
  const containers = (pod.spec as { containers?: Array<{ ports?: NamedPort[] }> } | undefined)?.containers;
  return (Array.isArray(containers) ? containers : []).flatMap((container) => (Array.isArray(container?.ports) ? container.ports : []));
}

/** A system component's pods as a target: their labels, container ports and IPs from the view, else the component's defaults. */
export function podsTarget(
  view: ClusterView,
  component: { namespace: string; pods: readonly KubeObject[]; defaultLabels: Labels; defaultPorts: readonly NamedPort[] },
  traffic: { port: number; protocol: "TCP" | "UDP"; description: string; short: string },
): PolicyTarget {
  const { namespace, pods } = component;
  const podLabels = (pods[0]?.metadata.labels as Labels | undefined) ?? component.defaultLabels;
  const namedPorts = pods.length > 0 ? pods.flatMap(containerPortsOf) : component.defaultPorts;
  const ips = pods.map((pod) => (pod.status as { podIP?: unknown } | undefined)?.podIP).filter((ip): ip is string => typeof ip === "string");
  return {
    description: traffic.description,
    short: traffic.short,
    pods: { namespace, namespaceLabels: systemNamespaceLabels(view, namespace), podLabels, ips },
    port: { port: traffic.port, protocol: traffic.protocol, namedPorts },
  };
}

const KUBE_DNS_DEFAULT_LABELS = { "k8s-app": "kube-dns" };
/** CoreDNS's container ports as the kube-dns Deployment names them. */
const KUBE_DNS_DEFAULT_PORTS: NamedPort[] = [
  { name: "dns", containerPort: 53, protocol: "UDP" },
  { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
];

/** Cluster DNS: the kube-dns (CoreDNS) pods in kube-system on port 53, UDP then TCP. */
export function clusterDnsTargets(view: ClusterView): PolicyTarget[] {
  const pods = view.kindIn("Pod", "kube-system").filter((pod) => pod.metadata.labels?.["k8s-app"] === "kube-dns");
  const component = { namespace: "kube-system", pods, defaultLabels: KUBE_DNS_DEFAULT_LABELS, defaultPorts: KUBE_DNS_DEFAULT_PORTS };
  return (["UDP", "TCP"] as const).map((protocol) => podsTarget(view, component, { port: 53, protocol, description: `DNS (kube-dns in kube-system) ${protocol} 53`, short: "DNS:53" }));
}

export interface EgressVerdict {
  target: PolicyTarget;
  /** Policies that select the pod and isolate its egress. */
  isolating: KubeObject[];
  allowed: boolean;
  /** The policy whose rule lets the traffic through. */
  allowedBy?: string;
}

export interface PodIdentity {
  namespace: string | undefined;
  labels: Labels;
}

/** Whether the pod may send this traffic: allowed unless a selecting policy isolates egress and none of them allows it. */
export function egressVerdict(view: ClusterView, pod: PodIdentity, target: PolicyTarget): EgressVerdict {
  const isolating = policiesIsolating(view, pod, "Egress");
  if (isolating.length === 0) return { target, isolating, allowed: true };
  const allowing = policyAllowing(isolating, "Egress", pod.namespace, target.pods, target.port);
  return allowing ? { target, isolating, allowed: true, allowedBy: allowing.metadata.name } : { target, isolating, allowed: false };
}

