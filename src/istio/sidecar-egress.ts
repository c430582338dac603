import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { isVisible, specExportTo } from "./export-to.js";
import { hostCovers, toFqdn } from "./hosts.js";
import { arrayOf, namespaceOf, recordOf } from "../k8s/objects.js";
import type { ServiceRegistry } from "./registry.js";

/**
 * One `egress[].hosts` entry of a Sidecar as istiod reads it (`pilot/pkg/model/sidecar.go`):
 * `namespace/dnsName`, where the namespace is a name, `.` (the Sidecar's own) or `*` (any), and a
 * namespace starting with `~` excludes the host instead of importing it.
 */
export interface EgressHost {
  /** The namespace the imported services must live in; `*` for any. */
  namespace: string;
  dnsName: string;
  excluded: boolean;
}

export function parseEgressHost(value: string, sidecarNamespace: string): EgressHost | undefined {
  const parts = value.split("/");
  if (parts.length !== 2 || parts[0] === undefined || parts[1] === undefined || parts[1] === "") return undefined;
  let namespace = parts[0];
  const excluded = namespace.startsWith("~");
  if (excluded) namespace = namespace.slice(1) || "*";
  if (namespace === ".") namespace = sidecarNamespace;
  if (namespace === "") return undefined;
  return { namespace, dnsName: parts[1], excluded };
}

/** The egress hosts of a Sidecar with their field paths. */
export function egressHosts(sidecar: KubeObject): Array<{ value: string; path: Array<string | number> }> {
  const out: Array<{ value: string; path: Array<string | number> }> = [];
  arrayOf(recordOf(sidecar.spec)?.egress).forEach((listener, egressIndex) => {
    arrayOf(recordOf(listener)?.hosts).forEach((value, hostIndex) => {
      if (typeof value === "string") out.push({ value, path: ["spec", "egress", egressIndex, "hosts", hostIndex] });
    });
  });
  return out;
}

/** Whether an imported dnsName takes a service hostname: the same name, or a wildcard covering it (istiod's `hostClassification.Matches`). */
export function importsHostname(dnsName: string, hostname: string): boolean {
  return dnsName === hostname || (dnsName.startsWith("*") || hostname.startsWith("*") ? hostCovers(dnsName, hostname) : false);
}

/**
 * What an egress host imports for a proxy in `sidecarNamespace`: the Services and ServiceEntry hosts
 * of the host's namespace (any, for `*`) visible there whose hostname it matches, and the hosts of
 * VirtualServices there (istiod imports those by the same rule).
 */
export function importedBy(view: ClusterView, registry: ServiceRegistry, host: EgressHost, sidecarNamespace: string): string[] {
  const inScope = (namespace: string) => host.namespace === "*" || host.namespace === namespace;
  const out: string[] = [];
  for (const entry of registry.all()) {
    if (inScope(entry.namespace) && isVisible(entry.exportTo, entry.namespace, sidecarNamespace) && importsHostname(host.dnsName, entry.host)) out.push(entry.host);
  }
  const meshDefault = view.meshConfig?.defaultVirtualServiceExportTo;
  for (const vs of view.kind("VirtualService")) {
    const namespace = namespaceOf(vs);
    const spec = recordOf(vs.spec);
    if (!inScope(namespace) || !isVisible(specExportTo(spec, meshDefault), namespace, sidecarNamespace)) continue;
    if (arrayOf(spec?.gateways).length > 0 && !arrayOf(spec?.gateways).includes("mesh")) continue;
    for (const vsHost of arrayOf(spec?.hosts)) {
      if (typeof vsHost !== "string") continue;
      const fqdn = toFqdn(vsHost, namespace, registry.domain);
      if (importsHostname(host.dnsName, fqdn)) out.push(fqdn);
    }
  }
  return out;
}
