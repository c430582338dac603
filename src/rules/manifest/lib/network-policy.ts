import type { KubeObject } from "../../../model/kube.js";
import type { ClusterView } from "../../../view/cluster-view.js";
import type { JsonObject } from "../../support/workload.js";
import { declaredNamespaceLabels } from "../../../k8s/namespaces.js";
import { inNamespace, selectorMatches, selectsAll } from "./lookup.js";
import { asArray, isObject, objects } from "./workloads.js";

export function policyTypes(policy: KubeObject): string[] {
  const declared = asArray(policy.spec?.policyTypes).map(String);
  if (declared.length) return declared;
  return ["Ingress", ...(policy.spec?.egress !== undefined ? ["Egress"] : [])];
}

/** NetworkPolicies of the namespace that select pods with these labels, for a direction. */
export function policiesFor(view: ClusterView, namespace: string | undefined, labels: Record<string, string>, direction: "Ingress" | "Egress"): KubeObject[] {
  return inNamespace(view, "NetworkPolicy", namespace).filter((policy) => policyTypes(policy).includes(direction) && (selectsAll(policy.spec?.podSelector) || selectorMatches(policy.spec?.podSelector, labels)));
}

/** Whether a NetworkPolicyPort list allows a port/protocol (an empty list allows all). */
export function portsAllow(ports: unknown, port: number | string, protocol: string): boolean {
  const list = objects(ports);
  if (list.length === 0) return true;
  return list.some((p) => {
    if ((p.protocol ?? "TCP") !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof port === "number" && typeof p.port === "number") {
      const end = typeof p.endPort === "number" ? p.endPort : p.port;
      return port >= p.port && port <= end;
    }
    return String(p.port) === String(port) || (typeof port === "string" && /^\d+$/.test(port) && Number(p.port) === Number(port));
  });
}

/** Whether an egress rule's `to` could include cluster DNS (kube-dns in kube-system). */
function peersReachDns(to: unknown): boolean {
  const peers = objects(to);
  if (peers.length === 0) return true;
  return peers.some((peer) => {
    if (isObject(peer.ipBlock)) return true;
    if (!isObject(peer.namespaceSelector)) return false;
    if (selectsAll(peer.namespaceSelector)) return true;
    return selectorMatches(peer.namespaceSelector, { "kubernetes.io/metadata.name": "kube-system", name: "kube-system" });
  });
}

export function egressAllowsDns(policies: KubeObject[]): boolean {
  return policies.some((policy) =>
    objects(policy.spec?.egress).some((rule) => peersReachDns(rule.to) && (portsAllow(rule.ports, 53, "UDP") || portsAllow(rule.ports, 53, "TCP") || portsAllow(rule.ports, "dns", "UDP"))),
  );
}

/** Whether an egress rule set allows the sidecar to reach istiod (15012 in istio-system). */
export function egressAllowsIstiod(policies: KubeObject[]): boolean {
  return policies.some((policy) =>
    objects(policy.spec?.egress).some((rule) => {
      if (!portsAllow(rule.ports, 15012, "TCP")) return false;
      const peers = objects(rule.to);
      return peers.length === 0 || peers.some((peer) => isObject(peer.ipBlock) || (isObject(peer.namespaceSelector) && (selectsAll(peer.namespaceSelector) || selectorMatches(peer.namespaceSelector, { "kubernetes.io/metadata.name": "istio-system", name: "istio-system" }))));
    }),
  );
}

/** Whether an ingress peer admits a client pod. */
export function peerAdmits(view: ClusterView, policyNamespace: string | undefined, peer: JsonObject, client: { namespace?: string; labels: Record<string, string> }): boolean {
  if (isObject(peer.ipBlock)) return true;
  const clientNamespace = client.namespace ?? policyNamespace;
  if (isObject(peer.namespaceSelector)) {
    const labels = { ...(declaredNamespaceLabels(view, clientNamespace) ?? {}), ...(clientNamespace ? { "kubernetes.io/metadata.name": clientNamespace } : {}) };
    if (!selectsAll(peer.namespaceSelector) && !selectorMatches(peer.namespaceSelector, labels)) return false;
  } else if (clientNamespace !== policyNamespace && client.namespace !== undefined && policyNamespace !== undefined) {
    return false;
  }
  if (isObject(peer.podSelector)) return selectsAll(peer.podSelector) || selectorMatches(peer.podSelector, client.labels);
  return true;
}

export function ingressAdmits(view: ClusterView, policies: KubeObject[], client: { namespace?: string; labels: Record<string, string> }, port: number | string, protocol: string): boolean {
  return policies.some((policy) =>
    objects(policy.spec?.ingress).some((rule) => portsAllow(rule.ports, port, protocol) && (objects(rule.from).length === 0 || objects(rule.from).some((peer) => peerAdmits(view, policy.metadata.namespace, peer, client)))),
  );
}
