import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { specExportTo } from "../../istio/export-to.js";
import { analyzeCommand, fieldEvidence, reportIstio, kubectl } from "./finding.js";
import { arrayOf, nameOf, namespaceOf, recordOf, refOf } from "../../k8s/objects.js";

interface PortClaim {
  entry: KubeObject;
  protocol: string;
  portIndex: number;
  scope: Set<string> | undefined;
}

function scopeOf(entry: KubeObject, meshDefault: readonly string[] | undefined): Set<string> | undefined {
  const exportTo = specExportTo(entry.spec, meshDefault);
  if (!exportTo || exportTo.includes("*")) return undefined;
  return new Set(exportTo.map((item) => (item === "." ? namespaceOf(entry) : item)));
}

function meet(a: Set<string> | undefined, b: Set<string> | undefined): boolean {
  if (!a || !b) return true;
  for (const item of a) if (b.has(item)) return true;
  return false;
}

export const serviceEntryConflictingProtocol = defineRule({
  id: "istio/serviceentry-conflicting-protocol",
  category: "routing-conflict",
  severity: "warning",
  title: "ServiceEntries give the same host and port different protocols",
  docs: {
    cause: "Two ServiceEntries visible in the same namespace declare the same host and port number with different protocols (HTTP vs HTTPS ...). Istio merges them and keeps one protocol, so traffic for the other is handled wrongly (TLS sent to an HTTP listener, 400s or resets).",
    fix: "Keep one ServiceEntry per host and port, with the right protocol, or narrow exportTo so that they do not meet.",
    verify: ["istioctl analyze -n <namespace>", "istioctl proxy-config cluster deploy/<client> --fqdn <host>"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0177/"],
  },
  equivalents: ["IST0177", "KIA1212"],
  inputs: ["istio", "mesh-config"],
  reads: ["EndpointSlice", "Endpoints", "Service", "ServiceEntry", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "conflicting-protocol": "{resource} declares {host}:{port} as {protocol}, while {others}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const meshDefault = view.meshConfig?.defaultServiceExportTo;
    const claims = new Map<string, PortClaim[]>();
    for (const entry of view.kind("ServiceEntry")) {
      const spec = recordOf(entry.spec) ?? {};
      const scope = scopeOf(entry, meshDefault);
      const ports = arrayOf<Record<string, unknown>>(spec.ports);
      for (const host of arrayOf(spec.hosts)) {
        ports.forEach((port, portIndex) => {
          if (typeof port?.number !== "number") return;
          const key = `${String(host)}:${port.number}`;
          const list = claims.get(key) ?? [];
          list.push({ entry, protocol: String(port.protocol ?? "").toUpperCase(), portIndex, scope });
          claims.set(key, list);
        });
      }
    }
    const reported = new Set<string>();
    for (const [key, list] of claims) {
      for (const claim of list) {
        const others = list.filter((other) => other.entry !== claim.entry && other.protocol !== claim.protocol && meet(claim.scope, other.scope));
        if (others.length === 0) continue;
        const id = `${nameOf(claim.entry)}/${namespaceOf(claim.entry)}/${key}`;
        if (reported.has(id)) continue;
        reported.add(id);
        const [host, port] = [key.slice(0, key.lastIndexOf(":")), Number(key.slice(key.lastIndexOf(":") + 1))];
        const names = [claim, ...others].map((item) => `${namespaceOf(item.entry)}/${nameOf(item.entry)}`).join(", ");
        const protocols = [...new Set([claim, ...others].map((item) => item.protocol || "(none)"))].join(", ");
        reportIstio(this, ctx, {
          object: claim.entry,
          code: "IST0177",
          args: [names, host, port, protocols],
          path: ["spec", "ports", claim.portIndex, "protocol"],
          message: "conflicting-protocol",
          data: { resource: refOf(claim.entry), host, port, protocol: claim.protocol || "(no protocol)", others: others.map((other) => `${refOf(other.entry)} says ${other.protocol || "(none)"}`).join(", ") },
          cause: "Istio keeps one protocol per host and port; the other entry's traffic is then treated with the wrong protocol.",
          fix: { description: `Keep one ServiceEntry for ${host}:${port} with the protocol the server speaks.`, commands: [kubectl("get", claim.entry, "-o yaml"), ...others.map((other) => kubectl("get", other.entry, "-o yaml"))] },
          evidence: others.map((other) => fieldEvidence(view, other.entry, ["spec", "ports", other.portIndex, "protocol"], `${refOf(other.entry)} ${host}:${port} protocol ${other.protocol || "(none)"}`)),
          verify: [analyzeCommand(claim.entry)],
        });
      }
    }
  },
});
