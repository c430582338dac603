import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { isVisible, specExportTo } from "./export-to.js";
import { hostCovers, toFqdn } from "./hosts.js";
import { arrayOf, namespaceOf, recordOf } from "../k8s/objects.js";

export type FieldPath = (string | number)[];

/** One `destination` of a VirtualService route or mirror. */
export interface RouteDestination {
  /** Path of the destination object (`spec.http[0].route[1].destination`, `spec.http[0].mirror`). */
  path: FieldPath;
  host: string;
  subset?: string;
  port?: number;
  weight?: number;
  protocol: "http" | "tcp" | "tls";
  mirror: boolean;
  /** Index of the rule in its list. */
  ruleIndex: number;
}

/** The route lists of a VirtualService's http, tcp and tls rules, with where each rule stands. */
export function routeLists(vs: KubeObject): Array<{ protocol: "http" | "tcp" | "tls"; ruleIndex: number; routes: Record<string, unknown>[] }> {
  const spec = recordOf(vs.spec) ?? {};
  return (["http", "tcp", "tls"] as const).flatMap((protocol) =>
    arrayOf<Record<string, unknown>>(spec[protocol]).map((rule, ruleIndex) => ({ protocol, ruleIndex, routes: arrayOf<Record<string, unknown>>(recordOf(rule)?.route) })),
  );
}

/** Every destination of a VirtualService: http/tcp/tls routes, then mirrors. */
export function routeDestinations(vs: KubeObject): RouteDestination[] {
  const spec = recordOf(vs.spec) ?? {};
  const out: RouteDestination[] = [];
  for (const protocol of ["http", "tcp", "tls"] as const) {
    arrayOf<Record<string, unknown>>(spec[protocol]).forEach((rule, ruleIndex) => {
      arrayOf<Record<string, unknown>>(rule?.route).forEach((route, routeIndex) => {
        const destination = recordOf(route?.destination);
        const weight = typeof route?.weight === "number" ? route.weight : undefined;
        out.push(destinationOf(destination, ["spec", protocol, ruleIndex, "route", routeIndex, "destination"], protocol, false, ruleIndex, weight));
      });
    });
  }
  arrayOf<Record<string, unknown>>(spec.http).forEach((rule, ruleIndex) => {
    const mirror = recordOf(rule?.mirror);
    if (mirror) out.push(destinationOf(mirror, ["spec", "http", ruleIndex, "mirror"], "http", true, ruleIndex, undefined));
    arrayOf<Record<string, unknown>>(rule?.mirrors).forEach((item, index) => {
      const destination = recordOf(item?.destination);
      if (destination) out.push(destinationOf(destination, ["spec", "http", ruleIndex, "mirrors", index, "destination"], "http", true, ruleIndex, undefined));
    });
  });
  return out;
}

function destinationOf(destination: Record<string, unknown> | undefined, path: FieldPath, protocol: RouteDestination["protocol"], mirror: boolean, ruleIndex: number, weight: number | undefined): RouteDestination {
  const result: RouteDestination = { path, host: typeof destination?.host === "string" ? destination.host : "", protocol, mirror, ruleIndex };
  if (typeof destination?.subset === "string") result.subset = destination.subset;
  const port = recordOf(destination?.port)?.number;
  if (typeof port === "number") result.port = port;
  if (weight !== undefined) result.weight = weight;
  return result;
}

/** Gateways a VirtualService is bound to; `mesh` when it lists none. */
export function gatewaysOf(vs: KubeObject): string[] {
  const list = arrayOf(recordOf(vs.spec)?.gateways).filter((item): item is string => typeof item === "string");
  return list.length === 0 ? ["mesh"] : list;
}

/** `gw`, `ns/gw` or `gw.ns.svc.cluster.local` -> namespace and name, relative to the VirtualService's namespace. */
export function resolveGatewayRef(ref: string, vsNamespace: string): { namespace: string; name: string } {
  const slash = ref.indexOf("/");
  if (slash >= 0) return { namespace: ref.slice(0, slash), name: ref.slice(slash + 1) };
  const parts = ref.split(".");
  if (parts.length >= 2) return { namespace: parts[1]!, name: parts[0]! };
  return { namespace: vsNamespace, name: ref };
}

/** Hosts a VirtualService declares, as written. */
export function vsHosts(vs: KubeObject): string[] {
  return arrayOf(recordOf(vs.spec)?.hosts).filter((item): item is string => typeof item === "string");
}

interface DestinationRuleIndex {
  exact: Map<string, KubeObject[]>;
  wildcards: { host: string; rule: KubeObject }[];
}

const ruleIndexes = new WeakMap<ClusterView, DestinationRuleIndex>();

function destinationRuleIndex(view: ClusterView): DestinationRuleIndex {
  let index = ruleIndexes.get(view);
  if (index) return index;
  index = { exact: new Map(), wildcards: [] };
  for (const dr of view.kind("DestinationRule")) {
    const drHost = recordOf(dr.spec)?.host;
    if (typeof drHost !== "string") continue;
    const fqdn = toFqdn(drHost, namespaceOf(dr));
    if (fqdn.startsWith("*")) index.wildcards.push({ host: fqdn, rule: dr });
    else index.exact.set(fqdn, [...(index.exact.get(fqdn) ?? []), dr]);
  }
  ruleIndexes.set(view, index);
  return index;
}

/** DestinationRules that apply to `host` (FQDN) as seen from `namespace`: exported there and covering the host. */
export function destinationRulesFor(view: ClusterView, host: string, namespace: string): KubeObject[] {
  const meshDefault = view.meshConfig?.defaultDestinationRuleExportTo;
  const index = destinationRuleIndex(view);
  const candidates = [...(index.exact.get(host) ?? []), ...index.wildcards.filter((item) => hostCovers(item.host, host)).map((item) => item.rule)];
  return candidates.filter((dr) => isVisible(specExportTo(dr.spec, meshDefault), namespaceOf(dr), namespace));
}

/** DestinationRules exported to `namespace`, whatever their host. */
export function destinationRulesVisibleFrom(view: ClusterView, namespace: string): KubeObject[] {
  const meshDefault = view.meshConfig?.defaultDestinationRuleExportTo;
  return view.kind("DestinationRule").filter((dr) => isVisible(specExportTo(dr.spec, meshDefault), namespaceOf(dr), namespace));
}

/** Every DestinationRule for exactly this host (FQDN), whatever its exportTo. */
export function destinationRulesForHost(view: ClusterView, host: string): KubeObject[] {
  return destinationRuleIndex(view).exact.get(host) ?? [];
}

/** Subset names a DestinationRule defines. */
export function subsetsOf(dr: KubeObject): { name: string; labels: Record<string, string>; index: number }[] {
  return arrayOf<Record<string, unknown>>(recordOf(dr.spec)?.subsets).flatMap((subset, index) =>
    typeof subset?.name === "string" ? [{ name: subset.name, labels: Object.fromEntries(Object.entries(recordOf(subset.labels) ?? {}).map(([k, v]) => [k, String(v)])), index }] : [],
  );
}
