/**
 * What the `istioctl proxy-config` tables select and show of a config dump: the filters, how a
 * listener, route or endpoint is matched and addressed, and the secret rows; the tables themselves
 * are in report/proxy-config-tables.ts.
 */
import { arr, field, isObject, obj, str, type ConfigDump, type JsonObject } from "./config-dump.js";

export const HTTP_CONNECTION_MANAGER = "envoy.filters.network.http_connection_manager";
export const TCP_PROXY = "envoy.filters.network.tcp_proxy";

export interface ClusterFilter {
  fqdn?: string;
  port?: number;
  subset?: string;
  direction?: string;
}

export interface ListenerFilter {
  address?: string;
  port?: number;
  type?: string;
  verbose?: boolean;
}

export interface RouteFilter {
  name?: string;
  verbose?: boolean;
}

export interface EndpointFilter {
  address?: string;
  port?: number;
  cluster?: string;
  status?: string;
}

export function clusterMatches(name: string, filter: ClusterFilter): boolean {
  if (filter.fqdn && !name.includes(filter.fqdn)) return false;
  if (filter.direction && !name.includes(filter.direction)) return false;
  if (filter.subset && !name.includes(filter.subset)) return false;
  if (filter.port && !name.includes(`|${filter.port}|`)) return false;
  return true;
}

export function filterChains(listener: JsonObject): JsonObject[] {
  const chains = arr(listener, "filter_chains").filter(isObject);
  const fallback = obj(listener, "default_filter_chain");
  return fallback ? [...chains, fallback] : chains;
}

export function mentionsBlackHole(filter: JsonObject): boolean {
  return JSON.stringify(field(filter, "typed_config") ?? {}).includes("BlackHoleCluster");
}

export function listenerType(listener: JsonObject): string {
  let http = 0;
  let tcp = 0;
  for (const chain of filterChains(listener)) {
    for (const filter of arr(chain, "filters")) {
      const name = str(filter, "name");
      if (name === HTTP_CONNECTION_MANAGER) http++;
      else if (name === TCP_PROXY && isObject(filter) && !mentionsBlackHole(filter)) tcp++;
    }
  }
  if (http > 0) return tcp === 0 ? "HTTP" : "HTTP+TCP";
  return tcp > 0 ? "TCP" : "UNKNOWN";
}

export function listenerAddress(listener: JsonObject): string {
  const address = obj(listener, "address");
  const socket = obj(address, "socket_address");
  if (socket) return str(socket, "address");
  const pipe = obj(address, "pipe");
  return pipe ? str(pipe, "path") : "";
}

export function listenerAdditionalAddresses(listener: JsonObject): string[] {
  return arr(listener, "additional_addresses").map((entry) => str(obj(obj(entry, "address"), "socket_address"), "address"));
}

export function listenerPort(listener: JsonObject): number {
  return Number(field(obj(obj(listener, "address"), "socket_address"), "port_value") ?? 0);
}

export function listenerMatches(listener: JsonObject, filter: ListenerFilter): boolean {
  if (filter.address) {
    const addresses = [...listenerAdditionalAddresses(listener), listenerAddress(listener)];
    if (!addresses.some((address) => address.toLowerCase() === filter.address!.toLowerCase())) return false;
  }
  if (filter.port && listenerPort(listener) !== filter.port) return false;
  if (filter.type && listenerType(listener).toLowerCase() !== filter.type.toLowerCase()) return false;
  return true;
}

/** The MATCH column of a route: `/prefix*`, `PathPrefix:/x`, an exact path or `regex ...`. */
export function describeRouteMatch(match: unknown): string {
  const parts: string[] = [];
  const prefix = str(match, "prefix");
  if (prefix) parts.push(`${prefix}*`);
  const separated = str(match, "path_separated_prefix");
  if (separated) parts.push(`PathPrefix:${separated}`);
  const path = str(match, "path");
  if (path) parts.push(path);
  const regex = obj(match, "safe_regex");
  if (regex) parts.push(`regex ${str(regex, "regex")}`);
  return parts.join(" ");
}

/** `ip:port`, a pipe path or `envoy://listener/id` for each address of an endpoint. */
export function endpointAddresses(lbEndpoint: unknown): string[] {
  const endpoint = obj(lbEndpoint, "endpoint");
  const addresses: unknown[] = [field(endpoint, "address"), ...arr(endpoint, "additional_addresses").map((entry) => field(entry, "address"))];
  return addresses.map((address) => {
    const socket = obj(address, "socket_address");
    if (socket) return `${str(socket, "address")}:${Number(field(socket, "port_value") ?? 0)}`;
    const pipe = obj(address, "pipe");
    if (pipe) return str(pipe, "path");
    const internal = obj(address, "envoy_internal_address");
    if (internal && field(internal, "server_listener_name") !== undefined) {
      return `envoy://${str(internal, "server_listener_name")}/${str(internal, "endpoint_id")}`;
    }
    return "unknown";
  });
}

export function endpointHealth(lbEndpoint: unknown): string {
  return str(lbEndpoint, "health_status") || "UNKNOWN";
}

function endpointPort(lbEndpoint: unknown): number {
  return Number(field(obj(obj(obj(lbEndpoint, "endpoint"), "address"), "socket_address"), "port_value") ?? 0);
}

export function endpointMatches(lbEndpoint: unknown, cluster: string, filter: EndpointFilter): boolean {
  if (filter.address && !endpointAddresses(lbEndpoint).some((address) => address.toLowerCase() === filter.address!.toLowerCase())) return false;
  if (filter.port && endpointPort(lbEndpoint) !== filter.port) return false;
  if (filter.cluster && cluster.toLowerCase() !== filter.cluster.toLowerCase()) return false;
  if (filter.status && endpointHealth(lbEndpoint).toLowerCase() !== filter.status.toLowerCase()) return false;
  return true;
}

export interface SecretRow {
  name: string;
  type: string;
  state: string;
  valid: boolean;
  serial: string;
  notAfter: string;
  notBefore: string;
  trustDomain: string;
}

function certificateRow(name: string, state: string, pem: string, trustDomain: string, now: Date): SecretRow {
  const row: SecretRow = { name, type: "", state, valid: false, serial: "", notAfter: "", notBefore: "", trustDomain: "" };
  if (!pem) return row;
  try {
    const certificate = new (process.getBuiltinModule("node:crypto").X509Certificate)(pem);
    const notBefore = new Date(certificate.validFrom);
    const notAfter = new Date(certificate.validTo);
    let domain = trustDomain;
    if (!domain) {
      for (const match of (certificate.subjectAltName ?? "").matchAll(/URI:spiffe:\/\/([^/,\s]+)/g)) domain = match[1]!;
    }
    return {
      name,
      state,
      type: certificate.ca ? "CA" : "Cert Chain",
      valid: now > notBefore && now < notAfter,
      serial: BigInt(`0x${certificate.serialNumber}`).toString(16).padStart(32, "0"),
      notAfter: rfc3339(notAfter),
      notBefore: rfc3339(notBefore),
      trustDomain: domain,
    };
  } catch {
    return row;
  }
}

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function decodeInline(value: unknown): string {
  const inline = field(value, "inline_bytes");
  if (typeof inline === "string" && inline !== "") return Buffer.from(inline, "base64").toString("utf8");
  const inlineString = field(value, "inline_string");
  return typeof inlineString === "string" ? inlineString : "";
}

/** Secret rows as istioctl derives them: certificate type, validity, serial and dates; never key material. */
export function secretRows(dump: ConfigDump, now: Date): SecretRow[] {
  const rows: SecretRow[] = [];
  for (const secret of dump.secrets()) {
    const chain = decodeInline(obj(obj(secret.secret, "tls_certificate"), "certificate_chain"));
    const validation = obj(secret.secret, "validation_context");
    const trustedCa = decodeInline(obj(validation, "trusted_ca"));
    if (chain || trustedCa) {
      rows.push(certificateRow(secret.name, secret.state, chain || trustedCa, "", now));
      continue;
    }
    const validator = obj(obj(validation, "custom_validator_config"), "typed_config");
    if (validator && str(validator, "@type") === "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig") {
      for (const domain of arr(validator, "trust_domains")) {
        rows.push(certificateRow(secret.name, secret.state, decodeInline(obj(domain, "trust_bundle")), str(domain, "name"), now));
      }
      continue;
    }
    rows.push(certificateRow(secret.name, secret.state, "", "", now));
  }
  return rows;
}

export interface AllFilters {
  cluster?: ClusterFilter;
  listener?: ListenerFilter;
  route?: RouteFilter;
  endpoint?: EndpointFilter;
}
