import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { analyzeCommand, fieldEvidence, reportIstio, kubectl } from "./finding.js";
import { gatewayPods, gatewaySelector, gatewayServers, type GatewayServer } from "../../istio/gateways.js";
import { nameOf, namespaceOf, refOf } from "../../k8s/objects.js";
import { formatSelector } from "../../istio/workloads.js";

function sameWorkloads(a: KubeObject, b: KubeObject, podsOf: (gateway: KubeObject) => Set<KubeObject>): boolean {
  const left = podsOf(a);
  const right = podsOf(b);
  if (left.size === 0 || right.size === 0) return formatSelector(gatewaySelector(a)) === formatSelector(gatewaySelector(b));
  for (const pod of left) if (right.has(pod)) return true;
  return false;
}

/**
 * Hosts both servers declare on the same bind address. Istio merges the servers of one port and
 * rejects a host only when another server already declared the very same string with the same
 * bind (pilot's CheckDuplicates): `*\/shop.example.com`, `./shop.example.com` and
 * `shop.example.com` are different entries, and wildcards are resolved per request by SNI or
 * Host, not rejected.
 */
function duplicateHosts(a: GatewayServer, b: GatewayServer): string[] {
  if ((a.bind ?? "") !== (b.bind ?? "")) return [];
  const theirs = new Set(b.hosts);
  return [...new Set(a.hosts.filter((host) => theirs.has(host)))];
}

export const gatewayConflictingServers = defineRule({
  id: "istio/gateway-conflicting-servers",
  category: "routing-conflict",
  severity: "error",
  title: "Two Gateways claim the same port and host on the same gateway pods",
  docs: {
    cause: "Two Gateways select the same gateway pods and declare servers on the same port (and bind address) with the same host. Envoy gets one listener per port; Istio keeps the first server for that host and drops the duplicate, so the other Gateway's protocol or TLS settings never apply.",
    fix: "Merge the servers into one Gateway, or give them different ports or hosts.",
    verify: ["istioctl analyze -A", "istioctl proxy-config listeners deploy/istio-ingressgateway -n istio-system --port <port>"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0145/", "https://kiali.io/docs/features/validations/#kia0301---more-than-one-gateway-for-the-same-host-port-combination"],
  },
  equivalents: ["IST0145", "KIA0301"],
  inputs: ["istio", "pods", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Gateway", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "conflicting-servers": "{gateway} and {others} both serve {hosts} on port {port} of the same gateway pods",
  },
  analyze(ctx) {
    const { view } = ctx;
    const gateways = view.kind("Gateway").filter((gateway) => (gateway.apiVersion ?? "").includes("istio.io") && Object.keys(gatewaySelector(gateway)).length > 0);
    const podCache = new Map<KubeObject, Set<KubeObject>>();
    const podsOf = (gateway: KubeObject) => {
      let set = podCache.get(gateway);
      if (!set) podCache.set(gateway, (set = new Set(gatewayPods(view, gateway).map((pod) => pod.object))));
      return set;
    };
    const byPort = new Map<number, { gateway: KubeObject; server: GatewayServer }[]>();
    for (const gateway of gateways) {
      for (const server of gatewayServers(gateway)) {
        if (server.port === undefined) continue;
        const list = byPort.get(server.port) ?? [];
        list.push({ gateway, server });
        byPort.set(server.port, list);
      }
    }
    const reported = new Set<KubeObject>();
    for (const [port, list] of byPort) {
      for (const entry of list) {
        if (reported.has(entry.gateway)) continue;
        const conflicts = list.filter((other) => other.gateway !== entry.gateway && sameWorkloads(entry.gateway, other.gateway, podsOf) && duplicateHosts(entry.server, other.server).length > 0);
        if (conflicts.length === 0) continue;
        reported.add(entry.gateway);
        const hosts = duplicateHosts(entry.server, conflicts[0]!.server);
        const names = [...new Set(conflicts.map((other) => `${namespaceOf(other.gateway) ? `${namespaceOf(other.gateway)}/` : ""}${nameOf(other.gateway)}`))].join(",");
        reportIstio(this, ctx, {
          object: entry.gateway,
          code: "IST0145",
          args: [names, formatSelector(gatewaySelector(entry.gateway)), String(port), hosts],
          path: ["spec", "servers", entry.server.index, "port", "number"],
          message: "conflicting-servers",
          data: { gateway: refOf(entry.gateway), others: conflicts.map((other) => refOf(other.gateway)).join(", "), hosts: hosts.join(", "), port },
          cause: "One gateway listener per port: conflicting servers for the same host are merged unpredictably or rejected, so one Gateway's TLS or protocol settings do not apply.",
          fix: { description: `Merge these servers into one Gateway, or move one to another port/host.`, commands: [kubectl("get", entry.gateway, "-o yaml"), ...conflicts.map((other) => kubectl("get", other.gateway, "-o yaml"))] },
          evidence: conflicts.map((other) => fieldEvidence(view, other.gateway, ["spec", "servers", other.server.index], `${refOf(other.gateway)} server port ${port} hosts ${other.server.hosts.join(", ")}`)),
          verify: [analyzeCommand(entry.gateway)],
        });
      }
    }
  },
});
