import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { isVisible, serviceExportTo, specExportTo } from "./export-to.js";
import { hostCovers, serviceFqdn, DEFAULT_DOMAIN } from "./hosts.js";
import { arrayOf, nameOf, namespaceOf, recordOf, stringMapOf } from "../k8s/objects.js";

export interface ServicePort {
  number: number;
  name?: string;
  protocol?: string;
  targetPort?: number | string;
  appProtocol?: string;
}

/** One host the mesh knows: a Kubernetes Service or a ServiceEntry host. */
export interface RegistryEntry {
  host: string;
  namespace: string;
  ports: ServicePort[];
  exportTo?: string[];
  object: KubeObject;
  /** The selector of a Service, or the workloadSelector of a ServiceEntry. */
  selector?: Record<string, string>;
}

/** The services Istio would know from the inputs, indexed by host. */
export class ServiceRegistry {
  private readonly exact = new Map<string, RegistryEntry[]>();
  private readonly wildcards: RegistryEntry[] = [];
  readonly domain: string;

  constructor(view: ClusterView) {
    this.domain = DEFAULT_DOMAIN;
    const meshDefault = view.meshConfig?.defaultServiceExportTo;
    for (const service of view.kind("Service")) {
      const namespace = namespaceOf(service);
      const spec = recordOf(service.spec) ?? {};
      this.add({
        host: serviceFqdn(nameOf(service), namespace, this.domain),
        namespace,
        ports: arrayOf<Record<string, unknown>>(spec.ports).map(portOf),
        exportTo: serviceExportTo(stringMapOf(service.metadata.annotations)) ?? (meshDefault ? [...meshDefault] : undefined),
        object: service,
        selector: recordOf(spec.selector) ? stringMapOf(spec.selector) : undefined,
      });
    }
    for (const entry of view.kind("ServiceEntry")) {
      const namespace = namespaceOf(entry);
      const spec = recordOf(entry.spec) ?? {};
      const ports = arrayOf<Record<string, unknown>>(spec.ports).map(portOf);
      const exportTo = specExportTo(spec, meshDefault);
      const selector = recordOf(spec.workloadSelector) ? stringMapOf(recordOf(spec.workloadSelector)?.labels) : undefined;
      for (const host of arrayOf(spec.hosts)) {
        if (typeof host !== "string") continue;
        this.add({ host, namespace, ports, exportTo, object: entry, selector });
      }
    }
  }

  private add(entry: RegistryEntry): void {
    if (entry.host.startsWith("*")) this.wildcards.push(entry);
    let list = this.exact.get(entry.host);
    if (!list) this.exact.set(entry.host, (list = []));
    list.push(entry);
  }

  /** Entries for an exact host (any visibility). */
  entries(host: string): readonly RegistryEntry[] {
    return this.exact.get(host) ?? [];
  }

  /**
   * What a reference to `host` from `viewerNamespace` resolves to: exact hosts
   * first, then ServiceEntry wildcards that cover it; only entries exported to
   * the viewer. A wildcard reference (`*.example.com`) matches any host it covers.
   */
  lookup(host: string, viewerNamespace: string): RegistryEntry[] {
    const visible = (entry: RegistryEntry) => isVisible(entry.exportTo, entry.namespace, viewerNamespace);
    const exact = (this.exact.get(host) ?? []).filter(visible);
    if (exact.length > 0) return exact;
    const covering = this.wildcards.filter((entry) => hostCovers(entry.host, host) && visible(entry));
    if (covering.length > 0) return covering;
    if (host.startsWith("*")) {
      const covered: RegistryEntry[] = [];
      for (const [name, list] of this.exact) if (hostCovers(host, name)) covered.push(...list.filter(visible));
      return covered;
    }
    return [];
  }

  /** Whether the host exists at all, whatever its exportTo says. */
  existsAnywhere(host: string): boolean {
    if ((this.exact.get(host) ?? []).length > 0) return true;
    return this.wildcards.some((entry) => hostCovers(entry.host, host));
  }

  /**
   * What a pod's request to `name` reaches. The name is expanded as the pod's
   * resolver does with the cluster's search path (`<name>.<namespace>.svc.<domain>`,
   * `<name>.svc.<domain>`, `<name>.<domain>`, then as written:
   * https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#namespaces-of-services).
   * A client with a sidecar sees the hosts exported to its namespace, ServiceEntries
   * included; one without a sidecar only Services, whatever their exportTo.
   */
  forClient(name: string, clientNamespace: string, client: { sidecar: boolean }): RegistryEntry[] {
    const candidates = [`${name}.${clientNamespace}.svc.${this.domain}`, `${name}.svc.${this.domain}`, `${name}.${this.domain}`, name];
    for (const fqdn of candidates) {
      const found = client.sidecar ? this.lookup(fqdn, clientNamespace) : this.entries(fqdn).filter((entry) => entry.object.kind === "Service");
      if (found.length > 0) return found;
    }
    return [];
  }

  all(): RegistryEntry[] {
    return [...this.exact.values()].flat();
  }
}

function portOf(raw: Record<string, unknown>): ServicePort {
  const port: ServicePort = { number: Number(raw?.port ?? raw?.number ?? 0) };
  if (typeof raw?.name === "string") port.name = raw.name;
  if (typeof raw?.protocol === "string") port.protocol = raw.protocol;
  if (typeof raw?.appProtocol === "string") port.appProtocol = raw.appProtocol;
  if (typeof raw?.targetPort === "number" || typeof raw?.targetPort === "string") port.targetPort = raw.targetPort as number | string;
  return port;
}

const registries = new WeakMap<ClusterView, ServiceRegistry>();

/** The registry of a view, built once. */
export function registryOf(view: ClusterView): ServiceRegistry {
  let registry = registries.get(view);
  if (!registry) registries.set(view, (registry = new ServiceRegistry(view)));
  return registry;
}

/**
 * Resolves a destination host as istioctl does for a resource in `namespace`
 * with `exportTo`: hosts visible everywhere always resolve; otherwise the host
 * must be visible in the resource's own namespace (no exportTo) or in one of
 * the namespaces it is exported to.
 */
export function resolveHostFor(registry: ServiceRegistry, host: string, namespace: string, exportTo: readonly string[] | undefined): RegistryEntry[] {
  const fqdn = host.includes(".") || host.startsWith("*") ? host : `${host}.${namespace}.svc.${registry.domain}`;
  const viewers = !exportTo || exportTo.length === 0 ? [namespace] : exportTo.map((item) => (item === "." ? namespace : item));
  for (const viewer of viewers) {
    const found = viewer === "*" ? registry.lookup(fqdn, "\u0000all").filter((entry) => isVisible(entry.exportTo, entry.namespace, "\u0000all")) : registry.lookup(fqdn, viewer);
    if (found.length > 0) return found;
  }
  return [];
}
