import { defineRule, type Report } from "../../contract/rule.js";
import { appliedNamespace } from "../../model/namespace.js";
import type { Evidence } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import { accessLineParser } from "../../envoy/access-log/entries.js";
import { ns, specEvidence } from "./evidence.js";
import { kubectlRef, namespaceFlag } from "../../k8s/workload-changes.js";
import { applyFix } from "../workload-fixes.js";
import { appContainers, podSpec, podStatus, PROXY_CONTAINER, SYSTEM_NAMESPACES, userPods } from "../../istio/pods.js";
import { hasSidecar } from "../../istio/sidecar.js";
import { effectiveMtls, type EffectiveMtls } from "../../istio/mtls.js";
import { registryOf } from "../../istio/registry.js";
import { labelMapMatches } from "../../k8s/selectors.js";
import type { ServiceSpec } from "../../k8s/types.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { isProductionNamespace } from "../../k8s/environment.js";
import { templateOwnerOf } from "../../k8s/workloads.js";

/** Client errors when a plaintext connection hits a STRICT sidecar: the TLS-only listener resets it. */
const CLIENT_RESET = /(?:https?:\/\/)([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d+))?[^\s"]*"?[:,]? .*(?:connection reset by peer|socket hang up|ECONNRESET|EOF|Connection aborted|RemoteDisconnected|Empty reply from server)/i;

export const mtlsModeConflict = defineRule({
  id: "sidecar/mtls-mode-conflict",
  category: "mtls-mode-conflict",
  severity: "error",
  title: "STRICT mTLS rejects the plain-text calls of a client without sidecar",
  docs: {
    cause:
      "Under STRICT PeerAuthentication (mesh-wide in the root namespace, per namespace, per workload or per port) a sidecar accepts only mutual TLS. " +
      "A client without sidecar speaks plain text and its connections are reset (requests time out or fail with `connection reset by peer`); " +
      "the server's sidecar logs them as `filter_chain_not_found`. (DestinationRule TLS modes that contradict PeerAuthentication are istio/mtls-destinationrule-conflict.)",
    fix:
      "While migrating, set the workload or namespace to PERMISSIVE (a PeerAuthentication), or inject the client (namespace label and rollout restart). " +
      "In production keep STRICT and inject the clients; PERMISSIVE is a development convenience.",
    verify: ["kubectl get peerauthentication --all-namespaces", "kubectl exec -it <client> -n <ns> -- curl -sv http://<service>.<ns>   # answers", "istioctl x describe pod <server-pod> -n <ns>   # Workload mTLS mode"],
    references: ["https://istio.io/latest/docs/concepts/security/#peer-authentication"],
  },
  equivalents: [],
  inputs: ["istio", "pods", "logs", "workloads", "services", "mesh-config"],
  reads: ["CronJob", "DaemonSet", "Deployment", "EndpointSlice", "Endpoints", "Job", "Namespace", "PeerAuthentication", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  requires: ["istio", "logs"],
  scopes: ["diagnose"],
  messages: {
    "strict-rejects-plain-text": "STRICT mTLS on {server} rejects plain-text calls from {clients}",
  },
  analyze({ view, report }) {
    for (const finding of plaintextClients(view)) report(finding);
  },
});

interface ServerProblem {
  server: KubeObject;
  mtls: EffectiveMtls;
  clients: Map<string, { client: KubeObject; evidence: Evidence[] }>;
  evidence: Evidence[];
}

function plaintextClients(view: ClusterView): Report[] {
  const pods = userPods(view);
  const byIp = new Map<string, KubeObject>();
  for (const pod of view.kind("Pod")) {
    const ip = podStatus(pod).podIP;
    if (ip) byIp.set(ip, pod);
  }
  const problems = new Map<string, ServerProblem>();
  const problemFor = (server: KubeObject, mtls: EffectiveMtls): ServerProblem => {
    const owner = templateOwnerOf(view, server);
    const key = `${server.metadata.namespace}/${owner.kind}/${owner.name}`;
    let problem = problems.get(key);
    if (!problem) problems.set(key, (problem = { server, mtls, clients: new Map(), evidence: [] }));
    return problem;
  };

  // Server side: the STRICT sidecar's access log shows plaintext connections it could not match (filter_chain_not_found).
  const parse = accessLineParser(view.meshConfig?.accessLogFormat);
  for (const server of pods) {
    if (!hasSidecar(server)) continue;
    const namespace = appliedNamespace(server.metadata.namespace);
    for (const stream of view.logsFor(namespace, server.metadata.name, PROXY_CONTAINER)) {
      stream.lines.forEach((line, index) => {
        const entry = parse(line);
        if (!entry || entry.responseCodeDetails !== "filter_chain_not_found") return;
        const port = Number(/:(\d+)$/.exec(entry.downstreamLocalAddress)?.[1] ?? "") || undefined;
        const mtls = effectiveMtls(view, namespace, server.metadata.labels ?? {}, port);
        if (mtls.mode !== "STRICT") return;
        const clientIp = entry.downstreamRemoteAddress.replace(/:\d+$/, "");
        const client = byIp.get(clientIp);
        if (client && hasSidecar(client)) return;
        const problem = problemFor(server, mtls);
        const evidence: Evidence = { source: "access-log", text: `${server.metadata.name} istio-proxy: ${line.trim().slice(0, 300)}`, path: stream.origin.file, line: stream.firstLine + index };
        const clientKey = client ? `${client.metadata.namespace}/${client.metadata.name}` : clientIp;
        const known = problem.clients.get(clientKey);
        if (known) known.evidence.push(evidence);
        else if (client) problem.clients.set(clientKey, { client, evidence: [evidence] });
        else problem.evidence.push(evidence);
      });
    }
  }

  // Client side: a pod without sidecar whose calls to a STRICT service are reset; the client may sit outside the namespaces asked for.
  for (const client of view.kind("Pod").filter((pod) => !SYSTEM_NAMESPACES.has(pod.metadata.namespace ?? ""))) {
    if (hasSidecar(client)) continue;
    const namespace = appliedNamespace(client.metadata.namespace);
    for (const container of appContainers(podSpec(client))) {
      for (const stream of view.logsFor(namespace, client.metadata.name, container.name)) {
        stream.lines.forEach((line, index) => {
          const match = CLIENT_RESET.exec(line);
          if (!match) return;
          const service = registryOf(view).forClient(match[1]!.toLowerCase(), namespace, { sidecar: false })[0]?.object;
          if (!service) return;
          const spec = (service.spec ?? {}) as ServiceSpec;
          const servicePort = spec.ports?.find((port) => port.port === Number(match[2] ?? 80)) ?? spec.ports?.[0];
          const server = pods.find((pod) => pod.metadata.namespace === service.metadata.namespace && hasSidecar(pod) && labelMapMatches(spec.selector, pod.metadata.labels, { absent: "nothing", empty: "nothing" }));
          if (!server) return;
          const targetPort = typeof servicePort?.targetPort === "number" ? servicePort.targetPort : servicePort?.port;
          const mtls = effectiveMtls(view, appliedNamespace(server.metadata.namespace), server.metadata.labels ?? {}, targetPort);
          if (mtls.mode !== "STRICT") return;
          const problem = problemFor(server, mtls);
          const clientKey = `${namespace}/${client.metadata.name}`;
          const evidence: Evidence = { source: stream.previous ? "previous-log" : "log", text: `${client.metadata.name}/${container.name}: ${line.trim().slice(0, 300)}`, path: stream.origin.file, line: stream.firstLine + index };
          const known = problem.clients.get(clientKey);
          if (known) known.evidence.push(evidence);
          else problem.clients.set(clientKey, { client, evidence: [evidence] });
        });
      }
    }
  }

  const findings: Report[] = [];
  for (const problem of problems.values()) {
    const { server, mtls } = problem;
    const namespace = appliedNamespace(server.metadata.namespace);
    const clients = [...problem.clients.values()];
    const evidence: Evidence[] = [];
    if (mtls.source) evidence.push(specEvidence(view, mtls.source, ["spec", "mtls", "mode"], `PeerAuthentication ${mtls.source.metadata.namespace}/${mtls.source.metadata.name} (${mtls.scope} level): mtls.mode STRICT applies to ${server.metadata.name}`));
    for (const { client, evidence: clientEvidence } of clients) {
      evidence.push({ source: "status", text: `client pod ${client.metadata.namespace}/${client.metadata.name} has no istio-proxy sidecar: it sends plain text`, path: `pods/${client.metadata.namespace}/${client.metadata.name}` });
      const bySource = new Map<string, Evidence>();
      for (const item of clientEvidence) if (!bySource.has(item.source)) bySource.set(item.source, item);
      evidence.push(...bySource.values());
    }
    evidence.push(...problem.evidence.slice(0, 2));
    const clientNamespaces = [...new Set(clients.map(({ client }) => appliedNamespace(client.metadata.namespace)))];
    const production = isProductionNamespace(view, namespace);
    const owner = templateOwnerOf(view, server);
    const permissive = [
      "apiVersion: security.istio.io/v1",
      "kind: PeerAuthentication",
      "metadata:",
      `  name: ${owner.name}-permissive`,
      `  namespace: ${namespace}`,
      "spec:",
      "  selector:",
      "    matchLabels:",
      ...Object.entries(server.metadata.labels ?? {})
        .filter(([key]) => key === "app" || key === "app.kubernetes.io/name")
        .map(([key, value]) => `      ${key}: ${value}`),
      "  mtls:",
      "    mode: PERMISSIVE",
    ].join("\n");
    const injectCommands = clients.map(({ client }) => {
      const clientOwner = templateOwnerOf(view, client);
      return clientOwner.kind === "Pod" ? `kubectl delete pod ${clientOwner.name}${ns(client.metadata.namespace)}   # recreate it after labelling` : `kubectl rollout restart ${kubectlRef(clientOwner)}${ns(client.metadata.namespace)}`;
    });
    const injectFirst = production || clients.length > 0;
    findings.push({
      confidence: clients.length > 0 ? 0.9 : 0.75,
      object: server, container: PROXY_CONTAINER,
      message: "strict-rejects-plain-text",
      data: { server: String(server.metadata.name), clients: clients.length > 0 ? clients.map(({ client }) => `${client.metadata.namespace}/${client.metadata.name}`).join(", ") : "a client without sidecar" },
      evidence,
      cause: `${server.metadata.name} only accepts mutual TLS (${mtls.scope === "mesh" ? "mesh-wide STRICT in the root namespace" : `${mtls.scope}-level STRICT`}), and the caller has no sidecar to do mTLS for it, so its plain-text connections are reset.`,
      fix:
        injectFirst && clientNamespaces.length > 0
          ? {
              description: `Put the client${clients.length > 1 ? "s" : ""} in the mesh so ${clients.length > 1 ? "they speak" : "it speaks"} mTLS (label and restart, below). ${
                production ? `${namespace} is production: keep STRICT there.` : `While migrating, or in a development cluster, the PERMISSIVE PeerAuthentication below lets ${owner.name} accept plain text too; production keeps STRICT.`
              }`,
              yaml: production ? undefined : { target: `PeerAuthentication ${namespace}/${owner.name}-permissive (migration only)`, before: "", after: permissive },
              commands: [...clientNamespaces.map((clientNamespace) => `kubectl label namespace ${clientNamespace} istio-injection=enabled`), ...injectCommands],
            }
          : applyFix(`Accept plain text on ${owner.name} while its clients are migrated (PERMISSIVE), then inject the clients and return to STRICT.`, `PeerAuthentication ${namespace}/${owner.name}-permissive`, permissive),
      verify: [
        "kubectl get peerauthentication --all-namespaces",
        ...clients.slice(0, 1).map(({ client }) => `kubectl get pod${namespaceFlag(client.metadata.namespace)} -l app=${client.metadata.labels?.app ?? "<client>"}   # READY 2/2 after injection`),
        `istioctl x describe pod ${server.metadata.name}${ns(namespace)}   # Workload mTLS mode`,
      ],
    });
  }
  return findings;
}
