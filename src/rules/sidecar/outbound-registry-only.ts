import { defineRule } from "../../contract/rule.js";
import { appliedNamespace } from "../../model/namespace.js";
import type { Evidence } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import { accessLineParser, destinationOf, isRegistryOnlyBlock } from "../../envoy/access-log/entries.js";
import { registryOf } from "../../istio/registry.js";
import { ns, outboundPolicyEvidence, specEvidence } from "./evidence.js";
import { applyFix } from "../workload-fixes.js";
import { outboundPolicy } from "../../istio/mesh-config.js";
import { appContainers, podSpec, PROXY_CONTAINER, userPods } from "../../istio/pods.js";
import { hasSidecar } from "../../istio/sidecar.js";
import { labelMapMatches } from "../../k8s/selectors.js";
import type { ClusterView } from "../../view/cluster-view.js";

/** Connection errors that name an external host: Python requests/urllib3, curl, Go and Node clients. */
const HOST_IN_ERROR = [
  /host='([a-z0-9.-]+\.[a-z]{2,})', port=(\d+)\).*(?:SSLError|SSLEOFError|ConnectionResetError|RemoteDisconnected|Connection reset|Max retries exceeded)/i,
  /SSL_ERROR_SYSCALL in connection to ([a-z0-9.-]+\.[a-z]{2,}):(\d+)/i,
  /Recv failure: Connection reset by peer.*?(?:https?:\/\/)?([a-z0-9.-]+\.[a-z]{2,})(?::(\d+))?/i,
  /(?:Get|Post|Put|Delete|Patch) \\?"https?:\/\/([a-z0-9.-]+\.[a-z]{2,})(?::(\d+))?[^"]*": (?:EOF|read: connection reset by peer|remote error)/i,
  /(?:request to|connect to) https?:\/\/([a-z0-9.-]+\.[a-z]{2,})(?::(\d+))?\S* failed, reason: (?:socket hang up|read ECONNRESET|Client network socket disconnected)/i,
];

interface BlockedHost {
  host: string;
  port: number;
  evidence: Evidence[];
}

export const outboundRegistryOnly = defineRule({
  id: "sidecar/outbound-registry-only",
  category: "outbound-traffic-blocked",
  severity: "error",
  title: "REGISTRY_ONLY outbound policy blocks an external host that has no ServiceEntry",
  docs: {
    cause:
      "With meshConfig.outboundTrafficPolicy.mode REGISTRY_ONLY (or a Sidecar resource that sets it), the sidecar only lets traffic out to hosts in the service registry. " +
      "Calls to an external host without a ServiceEntry go to BlackHoleCluster (TLS: connection reset; HTTP: 502 from block_all): the app sees timeouts, resets or 502s.",
    fix: "Add a ServiceEntry per external host (MESH_EXTERNAL, resolution DNS, the port and protocol it is called on). Switching the mesh to ALLOW_ANY also works but only belongs in development.",
    verify: ["kubectl get serviceentry -n <ns>", "kubectl exec -it <pod> -n <ns> -c <app> -- curl -sI https://<host>", "kubectl logs <pod> -n <ns> -c istio-proxy | grep BlackHoleCluster   # no new entries"],
    references: ["https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/"],
  },
  equivalents: [],
  inputs: ["pods", "logs", "access-logs", "mesh-config", "istio", "services", "config"],
  reads: ["ConfigMap", "CronJob", "DaemonSet", "Deployment", "EndpointSlice", "Endpoints", "Job", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "Sidecar", "StatefulSet", "WorkloadEntry"],
  requires: ["pods"],
  scopes: ["diagnose"],
  messages: {
    "calls-dropped": "calls to {hosts} are dropped: outbound policy REGISTRY_ONLY and no ServiceEntry",
  },
  analyze({ view, report }) {
    const policy = outboundPolicy(view);
    for (const pod of userPods(view)) {
      if (!hasSidecar(pod)) continue;
      const namespace = appliedNamespace(pod.metadata.namespace);
      const sidecarMode = sidecarOverride(view, pod);
      const mode = sidecarMode?.mode ?? policy?.mode;
      if (mode !== "REGISTRY_ONLY") continue;
      const blocked = blockedHosts(view, pod).filter((entry) => !serviceEntryCovers(view, namespace, entry.host));
      if (blocked.length === 0) continue;
      const evidence: Evidence[] = [];
      if (sidecarMode) evidence.push(sidecarMode.evidence);
      else if (policy) evidence.push(outboundPolicyEvidence(policy));
      for (const entry of blocked) {
        // One line of each kind per host: the app's failure and the sidecar's BlackHoleCluster entry.
        const bySource = new Map<string, Evidence>();
        for (const item of entry.evidence) if (!bySource.has(item.source)) bySource.set(item.source, item);
        evidence.push(...bySource.values());
      }
      evidence.push({ source: "api", text: `no ServiceEntry visible to ${namespace} lists ${blocked.map((entry) => entry.host).join(", ")}` });
      const yaml = blocked.map((entry) => serviceEntryYaml(namespace, entry.host, entry.port)).join("\n---\n");
      const app = appContainers(podSpec(pod))[0]?.name ?? PROXY_CONTAINER;
      report({
        confidence: blocked.some((entry) => entry.evidence.some((item) => item.source === "access-log")) ? 0.95 : 0.85,
        object: pod, container: app,
        message: "calls-dropped",
        data: { hosts: blocked.map((entry) => `${entry.host}:${entry.port}`).join(", ") },
        evidence,
        cause: `The mesh only lets traffic out to registered hosts (REGISTRY_ONLY), and ${blocked.map((entry) => entry.host).join(", ")} ${blocked.length === 1 ? "has" : "have"} no ServiceEntry, so the sidecar sends ${blocked.length === 1 ? "it" : "them"} to BlackHoleCluster: TLS connections are reset and HTTP requests get 502.`,
        fix: () => applyFix(
          `Register ${blocked.length === 1 ? "the external host" : "each external host"} with a ServiceEntry (generated below). In development only, the mesh-wide alternative is ALLOW_ANY.`,
          `ServiceEntry ${namespace}/${blocked.map((entry) => seName(entry.host)).join(", ")}`,
          yaml,
          "",
          ["# development only: istioctl install --set meshConfig.outboundTrafficPolicy.mode=ALLOW_ANY -y"],
        ),
        verify: [
          `kubectl get serviceentry${ns(namespace)}`,
          ...blocked.map((entry) => `kubectl exec -it ${pod.metadata.name}${ns(namespace)} -c ${app} -- curl -sI ${entry.port === 80 ? "http" : "https"}://${entry.host}${entry.port === 80 || entry.port === 443 ? "" : `:${entry.port}`}`),
          `istioctl proxy-config cluster ${pod.metadata.name}.${namespace} --fqdn ${blocked[0]!.host}`,
        ],
      });
    }
  },
});

/** The sidecar's access log lines: its container log, or access logs given for this proxy. */
function proxyAccessStreams(view: ClusterView, pod: KubeObject): Array<{ lines: readonly string[]; file: string; first: number }> {
  const namespace = appliedNamespace(pod.metadata.namespace);
  const streams = view.logsFor(namespace, pod.metadata.name, PROXY_CONTAINER).map((stream) => ({ lines: stream.lines, file: stream.origin.file, first: stream.firstLine }));
  const proxyName = `${pod.metadata.name}.${namespace}`;
  for (const log of view.envoy.accessLogs) if (log.proxy === proxyName && log.lines) streams.push({ lines: log.lines, file: log.origin.file, first: log.firstLine ?? 1 });
  return streams;
}

function blockedHosts(view: ClusterView, pod: KubeObject): BlockedHost[] {
  const namespace = appliedNamespace(pod.metadata.namespace);
  const hosts = new Map<string, BlockedHost>();
  const add = (host: string, port: number, evidence: Evidence): void => {
    if (!isExternal(view, host, namespace)) return;
    const key = `${host}:${port}`;
    let entry = hosts.get(key);
    if (!entry) hosts.set(key, (entry = { host, port, evidence: [] }));
    entry.evidence.push(evidence);
  };
  // Lines in the mesh's accessLogFormat, when it sets one.
  const parse = accessLineParser(view.meshConfig?.accessLogFormat);
  for (const stream of proxyAccessStreams(view, pod)) {
    stream.lines.forEach((line, index) => {
      const entry = parse(line);
      if (!entry || !isRegistryOnlyBlock(entry)) return;
      const destination = destinationOf(entry);
      add(destination.host, destination.port ?? 443, { source: "access-log", text: `istio-proxy: ${line.trim().slice(0, 400)}`, path: stream.file, line: stream.first + index });
    });
  }
  for (const app of appContainers(podSpec(pod))) {
    for (const stream of view.logsFor(namespace, pod.metadata.name, app.name)) {
      stream.lines.forEach((line, index) => {
        const match = HOST_IN_ERROR.map((pattern) => pattern.exec(line)).find((found) => found !== null);
        if (match) add(match[1]!.toLowerCase(), Number(match[2]) || 443, { source: stream.previous ? "previous-log" : "log", text: `${app.name}: ${line.trim().slice(0, 400)}`, path: stream.origin.file, line: stream.firstLine + index });
      });
    }
  }
  return [...hosts.values()];
}

function isExternal(view: ClusterView, host: string, namespace: string): boolean {
  if (!host || host === "-" || /^[\d.]+$/.test(host) || host.includes(":")) return false;
  if (/\.(svc|cluster\.local|local)$/.test(host) || host.endsWith(".svc.cluster.local")) return false;
  if (!host.includes(".")) return false;
  return registryOf(view).forClient(host, namespace, { sidecar: false }).length === 0;
}

/** Whether a ServiceEntry visible from the namespace lists the host (exact or wildcard). */
export function serviceEntryCovers(view: ClusterView, namespace: string, host: string): boolean {
  return registryOf(view)
    .lookup(host, namespace)
    .some((entry) => entry.object.kind === "ServiceEntry");
}

/** A Sidecar resource that sets outboundTrafficPolicy for this pod (workload selector first, then the namespace default). */
function sidecarOverride(view: ClusterView, pod: KubeObject): { mode: "ALLOW_ANY" | "REGISTRY_ONLY"; evidence: Evidence } | undefined {
  const namespace = appliedNamespace(pod.metadata.namespace);
  const sidecars = view.kindIn("Sidecar", namespace).filter((sidecar) => sidecar.spec?.outboundTrafficPolicy?.mode);
  const selected = sidecars.find((sidecar) => labelMapMatches(sidecar.spec?.workloadSelector?.labels, pod.metadata.labels, { absent: "nothing", empty: "nothing" })) ?? sidecars.find((sidecar) => !sidecar.spec?.workloadSelector);
  if (!selected) return undefined;
  const mode = selected.spec.outboundTrafficPolicy.mode === "REGISTRY_ONLY" ? "REGISTRY_ONLY" : "ALLOW_ANY";
  return { mode, evidence: specEvidence(view, selected, ["spec", "outboundTrafficPolicy", "mode"], `Sidecar ${selected.metadata.name}: outboundTrafficPolicy.mode ${mode}`) };
}

function seName(host: string): string {
  return `external-${host.replace(/^\*\./, "wildcard-").replace(/[^a-z0-9-]/gi, "-").toLowerCase()}`.slice(0, 63).replace(/-+$/, "");
}

/** The ServiceEntry Istio's egress guide gives, for one host and port. */
export function serviceEntryYaml(namespace: string, host: string, port: number): string {
  const [name, protocol] = port === 80 ? ["http", "HTTP"] : port === 443 ? ["https", "HTTPS"] : [`tcp-${port}`, "TCP"];
  return [
    "apiVersion: networking.istio.io/v1",
    "kind: ServiceEntry",
    "metadata:",
    `  name: ${seName(host)}`,
    `  namespace: ${namespace}`,
    "spec:",
    "  hosts:",
    `  - ${host}`,
    "  ports:",
    `  - number: ${port}`,
    `    name: ${name}`,
    `    protocol: ${protocol}`,
    "  location: MESH_EXTERNAL",
    "  resolution: DNS",
  ].join("\n");
}
