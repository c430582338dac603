import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { analyzeCommand, fieldEvidence, reportIstio, kubectl } from "./finding.js";
import { gatewaySelector, gatewayServers } from "../../istio/gateways.js";
import { nameOf, namespaceOf, refOf } from "../../k8s/objects.js";

function certificateOf(tls: Record<string, unknown> | undefined): string | undefined {
  if (!tls) return undefined;
  if (typeof tls.credentialName === "string" && tls.credentialName !== "") return `credential:${tls.credentialName}`;
  if (typeof tls.serverCertificate === "string" && typeof tls.privateKey === "string") return `files:${tls.serverCertificate}:${tls.privateKey}`;
  return undefined;
}

function isSubset(small: Record<string, string>, large: Record<string, string>): boolean {
  return Object.entries(small).every(([key, value]) => large[key] === value);
}

export const gatewayDuplicateCertificate = defineRule({
  id: "istio/gateway-duplicate-certificate",
  category: "routing-conflict",
  severity: "warning",
  title: "Several Gateways on the same pods use the same certificate",
  docs: {
    cause: "Two Gateways served by the same gateway pods present the same certificate for different servers. HTTP/2 clients reuse a connection for every host the certificate covers, and the gateway answers 404 for hosts that belong to the other Gateway's server.",
    fix: "Put the hosts that share a certificate into one Gateway server, or use distinct certificates.",
    verify: ["istioctl analyze -A"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0138/", "https://istio.io/latest/docs/ops/common-problems/network-issues/#404-errors-occur-when-multiple-gateways-configured-with-same-tls-certificate"],
  },
  equivalents: ["IST0138"],
  inputs: ["istio"],
  reads: ["Gateway"],
  scopes: ["lint", "diagnose"],
  messages: {
    "shared-certificate": "{gateway} uses certificate {certificate}, as {others} on the same gateway pods",
  },
  analyze(ctx) {
    const { view } = ctx;
    const byCertificate = new Map<string, { gateway: KubeObject; index: number }[]>();
    for (const gateway of view.kind("Gateway")) {
      if (!(gateway.apiVersion ?? "").includes("istio.io")) continue;
      for (const server of gatewayServers(gateway)) {
        const certificate = certificateOf(server.tls);
        if (!certificate) continue;
        const list = byCertificate.get(certificate) ?? [];
        if (!list.some((item) => item.gateway === gateway)) list.push({ gateway, index: server.index });
        byCertificate.set(certificate, list);
      }
    }
    for (const [certificate, list] of byCertificate) {
      for (const entry of list) {
        const selector = gatewaySelector(entry.gateway);
        const sharing = list.filter((other) => other.gateway !== entry.gateway && isSubset(selector, gatewaySelector(other.gateway)));
        if (sharing.length === 0) continue;
        const names = [entry, ...sharing].map((item) => `${namespaceOf(item.gateway)}/${nameOf(item.gateway)}`);
        reportIstio(this, ctx, {
          object: entry.gateway,
          code: "IST0138",
          args: [names.join(",")],
          path: ["spec", "servers", entry.index, "tls"],
          message: "shared-certificate",
          data: { gateway: refOf(entry.gateway), certificate: certificate.replace(/^credential:/, ""), others: sharing.map((item) => refOf(item.gateway)).join(", ") },
          cause: "Browsers and HTTP/2 clients reuse one connection for all hosts of a certificate; the gateway routes that connection by the first Gateway's server only, so the other hosts answer 404.",
          fix: { description: "Merge the servers that share this certificate into one Gateway server listing all their hosts.", commands: [kubectl("get", entry.gateway, "-o yaml"), ...sharing.map((item) => kubectl("get", item.gateway, "-o yaml"))] },
          evidence: sharing.map((item) => fieldEvidence(view, item.gateway, ["spec", "servers", item.index, "tls"], `${refOf(item.gateway)} uses the same certificate`)),
          verify: [analyzeCommand(entry.gateway)],
        });
      }
    }
  },
});
