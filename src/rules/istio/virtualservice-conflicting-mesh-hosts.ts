import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { specExportTo } from "../../istio/export-to.js";
import { analyzeCommand, fieldEvidence, reportIstio, kubectl } from "./finding.js";
import { hostsOverlap, toFqdn } from "../../istio/hosts.js";
import { nameOf, namespaceOf, refOf } from "../../k8s/objects.js";
import { gatewaysOf, vsHosts } from "../../istio/virtual-service.js";

interface MeshHost {
  vs: KubeObject;
  host: string;
  index: number;
  /** Namespaces the VirtualService is visible in; undefined means all. */
  scope: Set<string> | undefined;
}

function scopeOf(vs: KubeObject, meshDefault: readonly string[] | undefined): Set<string> | undefined {
  const exportTo = specExportTo(vs.spec, meshDefault);
  if (!exportTo || exportTo.includes("*")) return undefined;
  return new Set(exportTo.map((item) => (item === "." ? namespaceOf(vs) : item)).filter((item) => item !== "~"));
}

function scopesMeet(a: Set<string> | undefined, b: Set<string> | undefined): boolean {
  if (a === undefined) return b === undefined || b.size > 0;
  if (b === undefined) return a.size > 0;
  for (const item of a) if (b.has(item)) return true;
  return false;
}

export const virtualServiceConflictingMeshHosts = defineRule({
  id: "istio/virtualservice-conflicting-mesh-hosts",
  category: "routing-conflict",
  severity: "error",
  title: "Two mesh VirtualServices define the same host",
  docs: {
    cause: "Several VirtualServices bound to the mesh gateway claim the same host where they are both visible. Sidecars take only one of them (which one is undefined), so some routes silently do nothing.",
    fix: "Merge the routes into one VirtualService per host, or narrow exportTo so that they are visible in different namespaces.",
    verify: ["istioctl analyze --all-namespaces", "istioctl proxy-config routes deploy/<client> --name <port> -o json"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0109/", "https://kiali.io/docs/features/validations/#kia1106---more-than-one-virtual-service-for-same-host"],
  },
  equivalents: ["IST0109", "KIA1106"],
  inputs: ["istio", "mesh-config"],
  reads: ["VirtualService"],
  scopes: ["lint", "diagnose"],
  messages: {
    "conflicting-mesh-host": "{resource} and {others} all route host {host} for the mesh",
  },
  analyze(ctx) {
    const { view } = ctx;
    const meshDefault = view.meshConfig?.defaultVirtualServiceExportTo;
    const exact = new Map<string, MeshHost[]>();
    const wildcards: MeshHost[] = [];
    for (const vs of view.kind("VirtualService")) {
      if (!gatewaysOf(vs).includes("mesh")) continue;
      const scope = scopeOf(vs, meshDefault);
      vsHosts(vs).forEach((host, index) => {
        const entry: MeshHost = { vs, host: toFqdn(host, namespaceOf(vs)), index, scope };
        if (entry.host.startsWith("*")) wildcards.push(entry);
        let list = exact.get(entry.host);
        if (!list) exact.set(entry.host, (list = []));
        list.push(entry);
      });
    }
    const conflicts = new Map<MeshHost, Set<MeshHost>>();
    const note = (a: MeshHost, b: MeshHost) => {
      if (a.vs === b.vs || !scopesMeet(a.scope, b.scope)) return;
      for (const [x, y] of [[a, b], [b, a]] as const) {
        let set = conflicts.get(x);
        if (!set) conflicts.set(x, (set = new Set()));
        set.add(y);
      }
    };
    for (const list of exact.values()) for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) note(list[i]!, list[j]!);
    for (const wildcard of wildcards) for (const [host, list] of exact) if (host !== wildcard.host && hostsOverlap(wildcard.host, host)) for (const other of list) note(wildcard, other);
    for (const [entry, others] of conflicts) {
      const all = [entry, ...others];
      const names = all.map((item) => `${namespaceOf(item.vs) ? `${namespaceOf(item.vs)}/` : ""}${nameOf(item.vs)}`).join(",");
      reportIstio(this, ctx, {
        object: entry.vs,
        code: "IST0109",
        args: [names, entry.host],
        path: ["spec", "hosts", entry.index],
        message: "conflicting-mesh-host",
        data: { resource: refOf(entry.vs), others: [...others].map((item) => refOf(item.vs)).join(", "), host: entry.host },
        cause: "Sidecars keep one VirtualService per host; the routes of the others are ignored, in an order that is not defined.",
        fix: {
          description: "Merge the http/tcp routes of these VirtualServices into one, then delete the others (or give them exportTo scopes that do not overlap).",
          commands: [kubectl("get", entry.vs, "-o yaml"), ...[...others].map((item) => kubectl("get", item.vs, "-o yaml"))],
        },
        evidence: [...others].map((item) => fieldEvidence(view, item.vs, ["spec", "hosts", item.index], `${refOf(item.vs)} also claims ${item.host}`)),
        verify: [analyzeCommand(entry.vs)],
      });
    }
  },
});
