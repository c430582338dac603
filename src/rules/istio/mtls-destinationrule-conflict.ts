import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { analyzeCommand, fieldEvidence, kubectl, reportIstio, yamlOf } from "./finding.js";
import { toFqdn } from "../../istio/hosts.js";
import { destinationRuleTlsMode, effectiveMtls, injectionKnown, runsWithSidecar, type EffectiveMtls } from "../../istio/mtls.js";
import { namespaceOf, recordOf, refOf } from "../../k8s/objects.js";
import { registryOf } from "../../istio/registry.js";
import { selectInstances, workloadInstances } from "../../istio/workloads.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

function policyEvidence(view: Parameters<typeof fieldEvidence>[0], effective: EffectiveMtls) {
  if (!effective.source) return [];
  return [fieldEvidence(view, effective.source, ["spec", "mtls", "mode"], `${refOf(effective.source)} (${effective.scope}-wide) mtls.mode: ${effective.mode}`)];
}

const MESSAGES = {
  "plaintext-to-strict": "{resource} sends plaintext (tls.mode DISABLE) to {destination}, whose workloads require mTLS ({policy} STRICT)",
  "mtls-to-disabled": "{resource} sends Istio mTLS to {destination}, whose PeerAuthentication disables mTLS ({policy})",
  "mtls-without-sidecar": "{resource} sends Istio mTLS to {host}, but its workloads ({workloads}) have no sidecar to terminate it",
} as const;

type MessageId = keyof typeof MESSAGES;

export const mtlsDestinationRuleConflict = defineRule({
  id: "istio/mtls-destinationrule-conflict",
  category: "mtls-mode-conflict",
  severity: "error",
  title: "DestinationRule TLS mode contradicts the server's PeerAuthentication or sidecar",
  docs: {
    cause:
      "The client side (DestinationRule `trafficPolicy.tls.mode`) and the server side (PeerAuthentication, sidecar presence) disagree: DISABLE towards a STRICT server sends plaintext that the server's sidecar rejects; ISTIO_MUTUAL towards a workload without a sidecar, or one whose PeerAuthentication is DISABLE, sends mTLS that nothing terminates. Requests fail with `upstream connect error or disconnect/reset before headers` (503 UF/UC, `connection reset by peer`). istioctl stopped checking this (IST0113/IST0115 are retired).",
    fix: "Remove `tls` from the DestinationRule and let auto mTLS choose (recommended), or make both sides agree: ISTIO_MUTUAL with STRICT/PERMISSIVE servers that have sidecars, DISABLE with PERMISSIVE/DISABLE servers.",
    verify: ["istioctl analyze -n <namespace>", "istioctl x describe pod <server-pod> -n <namespace>", "istioctl proxy-config cluster deploy/<client> --fqdn <host> -o json | grep -A2 transport_socket"],
    references: ["https://istio.io/latest/docs/ops/configuration/traffic-management/tls-configuration/", "https://kiali.io/docs/features/validations/#kia0207---peerauthentication-with-tls-strict-mode-found-it-should-be-permissive"],
  },
  // Kiali decides KIA0207/0208/0505 on mesh-wide and namespace-wide rules (istio/mtls-mesh-namespace-consistency);
  // this rule judges the workloads behind one host.
  equivalents: ["IST0113", "IST0115"],
  inputs: ["istio", "pods", "workloads", "services", "mesh-config"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DestinationRule", "EndpointSlice", "Endpoints", "Job", "PeerAuthentication", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: MESSAGES,
  analyze(ctx) {
    const { view } = ctx;
    const registry = registryOf(view);
    for (const dr of view.kind("DestinationRule")) {
      const host = recordOf(dr.spec)?.host;
      if (typeof host !== "string") continue;
      const service = registry.entries(toFqdn(host, namespaceOf(dr))).find((entry) => entry.object.kind === "Service" && entry.selector && Object.keys(entry.selector).length > 0);
      if (!service) continue;
      const servers = selectInstances(workloadInstances(view, service.namespace), service.selector!);
      if (servers.length === 0) continue;
      const ports: (number | undefined)[] = [undefined, ...service.ports.map((port) => port.number)];
      const seen = new Set<string>();
      for (const port of ports) {
        const { mode, path } = destinationRuleTlsMode(dr, port);
        if (!mode || seen.has(path.join("."))) continue;
        seen.add(path.join("."));
        const targetPort = port === undefined ? undefined : service.ports.find((item) => item.number === port)?.targetPort;
        const server = servers[0]!;
        const effective = effectiveMtls(view, server.namespace, server.labels, typeof targetPort === "number" ? targetPort : port);
        const conflict = (equivalents: string[], message: MessageId, data: Record<string, string>, cause: string, afterTls: Record<string, unknown> | undefined, extra: KubeObject | undefined) =>
          reportIstio(this, ctx, {
            object: dr,
            // IST0113 and IST0115 are retired, so there is no istioctl template: the message is the summary.
            summaryIsIstioMessage: true,
            path,
            equivalents,
            message,
            data,
            cause,
            fix: {
              description: afterTls ? `Set tls.mode ${String(afterTls.mode)} (or remove tls and let auto mTLS decide).` : "Remove tls from the DestinationRule so that auto mTLS picks the right mode.",
              yaml: { before: yamlOf({ trafficPolicy: { tls: { mode } } }), after: afterTls ? yamlOf({ trafficPolicy: { tls: afterTls } }) : yamlOf({ trafficPolicy: {} }), target: refOf(dr) },
              commands: [kubectl("edit", dr), ...(extra ? [kubectl("get", extra, "-o yaml")] : [])],
            },
            evidence: policyEvidence(view, effective),
            verify: [analyzeCommand(dr), `istioctl x describe pod <${server.object.metadata.name ?? "server"}-pod>${namespaceFlag(server.namespace)}`],
          });
        // With running pods behind the host, sidecar/mtls-mode-conflict reports these two contradictions; before deploy only templates say it.
        const onlyTemplates = servers.every((item) => item.object.kind !== "Pod");
        if (mode === "DISABLE" && effective.mode === "STRICT" && onlyTemplates) {
          conflict(
            [],
            "plaintext-to-strict",
            { resource: refOf(dr), destination: `${host}${port ? ` port ${port}` : ""}`, policy: effective.source ? refOf(effective.source) : "PeerAuthentication" },
            "The server's sidecar accepts only mutual TLS; the client's sidecar sends plaintext because of this DestinationRule, so every connection is reset (503 UC/UF, `connection reset by peer`).",
            { mode: "ISTIO_MUTUAL" },
            effective.source,
          );
        } else if (mode === "ISTIO_MUTUAL" && effective.mode === "DISABLE") {
          conflict(
            [],
            "mtls-to-disabled",
            { resource: refOf(dr), destination: `${host}${port ? ` port ${port}` : ""}`, policy: effective.source ? refOf(effective.source) : "" },
            "The server's sidecar expects plaintext but the client originates Istio mTLS, so the handshake is never answered and requests fail with 503.",
            { mode: "DISABLE" },
            effective.source,
          );
        } else if (mode === "ISTIO_MUTUAL" && onlyTemplates && servers.every((item) => injectionKnown(view, item) && !runsWithSidecar(view, item))) {
          conflict(
            ["IST0115"],
            "mtls-without-sidecar",
            { resource: refOf(dr), host, workloads: servers.map((item) => refOf(item.object)).slice(0, 3).join(", ") },
            "Only a sidecar can terminate Istio mTLS; the application receives a TLS handshake it does not expect and resets the connection (503 UC, `connection reset by peer`).",
            undefined,
            undefined,
          );
        }
      }
    }
  },
});
