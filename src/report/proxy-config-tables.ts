/**
 * The tables `istioctl proxy-config cluster|listener|route|endpoint|secret|ecds|all`
 * prints, rebuilt from a config dump with the same columns, order and spacing.
 */
import { compareSubsetKeys, describeManagement, field, isObject, obj, parseSubsetKey, str, wrapped, arr, type ConfigDump, type JsonObject } from "../envoy/config-dump.js";
import {
  clusterMatches,
  describeRouteMatch,
  endpointAddresses,
  endpointHealth,
  endpointMatches,
  filterChains,
  HTTP_CONNECTION_MANAGER,
  listenerAdditionalAddresses,
  listenerAddress,
  listenerMatches,
  listenerPort,
  listenerType,
  mentionsBlackHole,
  secretRows,
  TCP_PROXY,
  type AllFilters,
  type ClusterFilter,
  type EndpointFilter,
  type ListenerFilter,
  type RouteFilter,
} from "../envoy/proxy-config.js";
import type { AdminHost } from "../envoy/admin.js";
import { TabWriter } from "./tabwriter.js";

export interface TableOptions {
  /** Prefix each name with its type (`cluster/...`), as `proxy-config all` does. */
  includeConfigType?: boolean;
  /** Reference time for certificate validity. */
  now?: Date;
}

export function clusterTable(dump: ConfigDump, filter: ClusterFilter = {}, options: TableOptions = {}): string {
  const clusters = [...dump.clusters()].sort((a, b) => compareSubsetKeys(a.name, b.name));
  if (clusters.length === 0) throw new Error("no clusters found");
  const writer = new TabWriter({ minWidth: 0, padding: 5 });
  writer.write(options.includeConfigType ? "NAME\tSERVICE FQDN\tPORT\tSUBSET\tDIRECTION\tTYPE\tDESTINATION RULE\n" : "SERVICE FQDN\tPORT\tSUBSET\tDIRECTION\tTYPE\tDESTINATION RULE\n");
  for (const cluster of clusters) {
    if (!clusterMatches(cluster.name, filter)) continue;
    const management = describeManagement(field(cluster.raw, "metadata"));
    const key = parseSubsetKey(cluster.name);
    if (key) {
      const cells = [key.fqdn, key.port, key.subset || "-", key.direction, cluster.type, management];
      writer.row(...(options.includeConfigType ? [`cluster/${cluster.name}`, ...cells] : cells));
    } else if (options.includeConfigType && cluster.name.length > 0) {
      writer.row(`cluster/${cluster.name}`, `cluster/${cluster.name}`, "-", "-", "-", cluster.type, management);
    } else {
      writer.row(cluster.name, "-", "-", "-", cluster.type, management);
    }
  }
  return writer.flush();
}

const PROTOCOL_DESCRIPTIONS: Array<[string, string[]]> = [
  ["App: HTTP TLS", ["http/1.0", "http/1.1", "h2c", "istio-http/1.0", "istio-http/1.1", "istio-h2"]],
  ["App: Istio HTTP Plain", ["istio", "istio-http/1.0", "istio-http/1.1", "istio-h2"]],
  ["App: TCP TLS", ["istio-peer-exchange", "istio"]],
  ["App: HTTP", ["http/1.0", "http/1.1", "h2c"]],
];

/** The MATCH column: SNI, transport, ALPN and destination address of a filter chain match. */
export function describeFilterChainMatch(match: unknown): string {
  const parts: string[] = [];
  const serverNames = arr(match, "server_names").map(String);
  if (serverNames.length > 0) parts.push(`SNI: ${serverNames.join(",")}`);
  const transport = str(match, "transport_protocol");
  if (transport) parts.push(`Trans: ${transport}`);
  const alpn = arr(match, "application_protocols").map(String);
  if (alpn.length > 0) {
    const known = PROTOCOL_DESCRIPTIONS.find(([, protocols]) => protocols.length === alpn.length && protocols.every((p, i) => p === alpn[i]));
    parts.push(known ? known[0] : `App: ${alpn.join(",")}`);
  }
  const destinationPort = wrapped(match, "destination_port");
  const port = destinationPort !== undefined ? `:${destinationPort}` : "";
  const ranges = arr(match, "prefix_ranges");
  if (ranges.length > 0) {
    parts.push(`Addr: ${ranges.map((range) => `${str(range, "address_prefix")}/${wrapped(range, "prefix_len") ?? 0}`).join(",")}${port}`);
  } else if (port) {
    parts.push(`Addr: *${port}`);
  }
  return parts.length === 0 ? "ALL" : parts.join("; ");
}

/** The DESTINATION column: the route config or cluster a filter chain hands traffic to. */
export function describeFilterChainDestination(filters: unknown[]): string {
  for (const filter of filters) {
    const name = str(filter, "name");
    if (name === HTTP_CONNECTION_MANAGER) {
      const config = obj(filter, "typed_config");
      const inline = obj(config, "route_config");
      if (inline) return describeRouteConfig(inline);
      const rds = str(obj(config, "rds"), "route_config_name");
      if (rds) return `Route: ${rds}`;
      return "HTTP";
    }
    if (name === TCP_PROXY && isObject(filter) && !mentionsBlackHole(filter)) {
      const cluster = str(obj(filter, "typed_config"), "cluster");
      return cluster.includes("Cluster") ? cluster : `Cluster: ${cluster}`;
    }
  }
  return "Non-HTTP/Non-TCP";
}

function describeRouteConfig(config: JsonObject): string {
  const matchAll = matchAllCluster(config);
  if (matchAll) return matchAll;
  const hosts = arr(config, "virtual_hosts").map((host) => {
    const domains = describeDomains(host);
    return domains === "" ? describeRoutes(host) : `${domains} ${describeRoutes(host)}`;
  });
  return `Inline Route: ${hosts.join("; ")}`;
}

function matchAllCluster(config: JsonObject): string {
  const hosts = arr(config, "virtual_hosts");
  if (hosts.length !== 1) return "";
  const host = hosts[0];
  const domains = arr(host, "domains");
  if (domains.length !== 1 || domains[0] !== "*") return "";
  const routes = arr(host, "routes");
  if (routes.length !== 1) return "";
  const route = routes[0];
  if (str(obj(route, "match"), "prefix") !== "/") return "";
  const action = obj(route, "route");
  if (!action) return "";
  const cluster = field(action, "cluster");
  if (typeof cluster !== "string") return "";
  return cluster.includes("Cluster") ? cluster : `Cluster: ${cluster}`;
}

function describeDomains(host: unknown): string {
  const domains = arr(host, "domains").map(String);
  if (domains.length === 1 && domains[0] === "*") return "";
  return domains.join("/");
}

function describeRoutes(host: unknown): string {
  return arr(host, "routes").map((route) => describeRouteMatch(obj(route, "match"))).join(", ");
}

export function listenerTable(dump: ConfigDump, filter: ListenerFilter = {}, options: TableOptions = {}): string {
  const all = dump.listeners();
  if (all.length === 0) throw new Error("no listeners found");
  const verbose = filter.verbose ?? true;
  const listeners = goSort(
    all.filter((listener) => listenerMatches(listener.raw, filter)),
    (a, b) => {
      const portA = listenerPort(a.raw);
      const portB = listenerPort(b.raw);
      if (portA !== portB) return portA < portB;
      const addressA = listenerAddress(a.raw);
      const addressB = listenerAddress(b.raw);
      if (addressA !== addressB) return addressA < addressB;
      return listenerType(a.raw) < listenerType(b.raw);
    },
  );
  const writer = new TabWriter({ minWidth: 0, padding: 1 });
  let header = "ADDRESSES\tPORT";
  if (options.includeConfigType) header = "NAME\t" + header;
  header += verbose ? "\tMATCH\tDESTINATION" : "\tTYPE";
  writer.write(header + "\n");
  for (const listener of listeners) {
    const addresses = [listenerAddress(listener.raw), ...listenerAdditionalAddresses(listener.raw)].join(",");
    const port = listenerPort(listener.raw);
    const name = `listener/${listener.name}`;
    if (verbose) {
      const matches = goSort(
        filterChains(listener.raw).map((chain) => ({ match: describeFilterChainMatch(field(chain, "filter_chain_match")), destination: describeFilterChainDestination(arr(chain, "filters")) })),
        (a, b) => a.destination > b.destination,
      );
      for (const match of matches) {
        const cells = [addresses, port, match.match, match.destination];
        writer.row(...(options.includeConfigType ? [name, ...cells] : cells));
      }
    } else {
      const cells = [addresses, port, listenerType(listener.raw)];
      writer.row(...(options.includeConfigType ? [name, ...cells] : cells));
    }
  }
  return writer.flush();
}

/** istioctl's DOMAINS column: at most two domains without ports, short names preferred. */
export function describeRouteDomains(domains: string[]): string {
  if (domains.length === 0) return "";
  if (domains.length === 1) return domains[0]!;
  const withoutPort = domains.filter((domain) => !domain.includes(":") || (domain.split(":").length - 1 > 2 && domain.endsWith("]")));
  const unique = new Set(withoutPort);
  const remove = new Set<string>();
  for (const host of withoutPort) {
    const full = host.endsWith(".svc.cluster.local") ? host.slice(0, -".svc.cluster.local".length) : host;
    if (full !== host && unique.has(full)) remove.add(host);
    const partial = host.endsWith(".svc") ? host.slice(0, -".svc".length) : host;
    if (partial !== host && unique.has(partial)) remove.add(host);
  }
  const kept = withoutPort.filter((host) => !remove.has(host));
  if (kept.length > 2) return `${kept.slice(0, 2).join(", ")} + ${kept.length - 2} more...`;
  return kept.join(", ");
}

function isPassthrough(route: unknown): boolean {
  return str(obj(route, "route"), "cluster") === "PassthroughCluster";
}

export function routeTable(dump: ConfigDump, filter: RouteFilter = {}, options: TableOptions = {}): string {
  const all = dump.routeConfigs();
  if (all.length === 0) throw new Error("no routes found");
  const verbose = filter.verbose ?? true;
  const routes = goSort([...all], (a, b) => {
    if (!/^[+-]?\d+$/.test(a.name) || !/^[+-]?\d+$/.test(b.name)) return false;
    return Number(a.name) < Number(b.name);
  }, Number.POSITIVE_INFINITY);
  const writer = new TabWriter({ minWidth: 0, padding: 5 });
  writer.write(verbose ? "NAME\tVHOST NAME\tDOMAINS\tMATCH\tVIRTUAL SERVICE\n" : "NAME\tVIRTUAL HOSTS\n");
  for (const route of routes) {
    if (filter.name && filter.name !== route.name) continue;
    const name = options.includeConfigType ? `route/${route.name}` : route.name;
    const hosts = arr(route.raw, "virtual_hosts");
    if (!verbose) {
      writer.row(name, hosts.length);
      continue;
    }
    for (const host of hosts) {
      const hostRoutes = arr(host, "routes");
      const domains = describeRouteDomains(arr(host, "domains").map(String));
      for (const entry of hostRoutes) {
        if (isPassthrough(entry)) continue;
        writer.row(name, str(host, "name"), domains, describeRouteMatch(obj(entry, "match")), describeManagement(field(entry, "metadata")));
      }
      if (hostRoutes.length === 0) writer.row(name, str(host, "name"), domains, "/*", "404");
    }
  }
  return writer.flush();
}

function localityString(locality: unknown): string {
  if (!isObject(locality)) return "";
  let text = str(locality, "region");
  const zone = str(locality, "zone");
  if (!zone) return text;
  text += `/${zone}`;
  const subZone = str(locality, "sub_zone");
  return subZone ? `${text}/${subZone}` : text;
}

export function endpointTable(dump: ConfigDump, filter: EndpointFilter = {}, options: TableOptions = {}): string {
  const writer = new TabWriter({ minWidth: 0, padding: 5 });
  writer.write("NAME\tSTATUS\tLOCALITY\tCLUSTER\n");
  const groups = dump
    .endpoints()
    .map((cla) => ({
      cla,
      localities: arr(cla.raw, "endpoints").map((group) => ({
        locality: field(group, "locality"),
        endpoints: arr(group, "lb_endpoints").filter((endpoint) => endpointMatches(endpoint, cla.clusterName, filter)),
      })),
    }))
    .filter((group) => group.localities.some((locality) => locality.endpoints.length > 0));
  const sorted = goSort(groups, (a, b) => compareSubsetKeys(a.cla.clusterName, b.cla.clusterName) < 0);
  for (const group of sorted) {
    for (const locality of group.localities) {
      for (const endpoint of locality.endpoints) {
        const address = endpointAddresses(endpoint).join(",");
        writer.row(options.includeConfigType ? `endpoint/${address}` : address, endpointHealth(endpoint), localityString(locality.locality), group.cla.clusterName);
      }
    }
  }
  return writer.flush();
}

export function secretTable(dump: ConfigDump, options: TableOptions = {}): string {
  const secrets = dump.secrets();
  if (secrets.length === 0) return "No active or warming secrets found.\n";
  const rows = secretRows(dump, options.now ?? new Date());
  if (rows.length === 0) return "No secret items to show.\n";
  const withTrustDomain = rows.every((row) => row.trustDomain !== "");
  const writer = new TabWriter({ minWidth: 0, padding: 5 });
  const columns = ["RESOURCE NAME", "TYPE", "STATUS", "VALID CERT", "SERIAL NUMBER", "NOT AFTER", "NOT BEFORE"];
  if (withTrustDomain) columns.push("TRUST DOMAIN");
  writer.row(...columns);
  for (const row of rows) {
    const cells: Array<string | boolean> = [options.includeConfigType ? `secret/${row.name}` : row.name, row.type, row.state, row.valid, row.serial, row.notAfter, row.notBefore];
    if (withTrustDomain) cells.push(row.trustDomain);
    writer.row(...cells);
  }
  return writer.flush();
}

export function ecdsTable(dump: ConfigDump): string {
  const filters = goSort(dump.ecdsFilters(), (a, b) => (a.typeUrl === b.typeUrl ? a.name < b.name : a.typeUrl < b.typeUrl));
  const writer = new TabWriter({ minWidth: 0, padding: 5 });
  writer.write("ECDS NAME\tTYPE\n");
  for (const filter of filters) writer.row(filter.name, filter.typeUrl.replace(/^type\.googleapis\.com\//, ""));
  return writer.flush();
}

export function bootstrapSummary(dump: ConfigDump): string {
  const info = dump.bootstrap();
  if (!info) throw new Error("config dump has no bootstrap section");
  const writer = new TabWriter({ minWidth: 0, padding: 1 });
  if (info.istioVersion) writer.write(`Istio Version:\t${info.istioVersion}\n`);
  if (info.istioProxySha) writer.write(`Istio Proxy Version:\t${info.istioProxySha}\n`);
  writer.write(`Envoy Version:\t${info.envoyVersion || "0.0.0"}\n`);
  return writer.flush();
}

/** `istioctl proxy-config all` (text): every table with its type prefix. */
export function fullSummary(dump: ConfigDump, filters: AllFilters = {}, options: TableOptions & { withHeaders?: boolean } = {}): string {
  const tableOptions = { ...options, includeConfigType: true };
  const header = (title: string) => (options.withHeaders ? `------ ${title} ------\n\n` : "");
  return [
    header("BOOTSTRAP INFO") + bootstrapSummary(dump),
    header("CLUSTER INFO") + clusterTable(dump, filters.cluster, tableOptions),
    header("LISTENER INFO") + listenerTable(dump, { verbose: true, ...filters.listener }, tableOptions),
    header("ROUTE INFO") + routeTable(dump, { verbose: true, ...filters.route }, tableOptions),
    header("SECRET INFO") + secretTable(dump, tableOptions),
    header("ENDPOINTS INFO") + endpointTable(dump, filters.endpoint, tableOptions),
  ].join("\n");
}

/** `istioctl proxy-config endpoint` against a live proxy: ENDPOINT, STATUS, OUTLIER CHECK, CLUSTER, one line a row (envoy/admin.ts selects and sorts them). */
export function liveEndpointTable(rows: readonly AdminHost[]): string {
  const writer = new TabWriter({ minWidth: 0, padding: 5 });
  writer.write("ENDPOINT\tSTATUS\tOUTLIER CHECK\tCLUSTER\n");
  for (const host of rows) writer.row(host.port ? `${host.address}:${host.port}` : host.address, host.status, host.failedOutlierCheck ? "FAILED" : "OK", host.cluster);
  return writer.flush();
}

/**
 * Go's sort.Slice on up to 12 elements is an insertion sort, which keeps ties
 * in input order; larger inputs use a stable sort (Go's pdqsort may order ties differently).
 */
export function goSort<T>(items: T[], less: (a: T, b: T) => boolean, insertionLimit = 12): T[] {
  const sorted = [...items];
  if (sorted.length > insertionLimit) return sorted.sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    for (let j = i; j > 0 && less(sorted[j]!, sorted[j - 1]!); j--) {
      const swap = sorted[j]!;
      sorted[j] = sorted[j - 1]!;
      sorted[j - 1] = swap;
    }
  }
  return sorted;
}
