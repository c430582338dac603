/**
 * How Envoy picks its way through a config dump for one request (filter chain, virtual host, route,
 * endpoints), and the DestinationRule a subset cluster needs: what `queries/trace.ts` and the Envoy
 * rules share.
 */
import type { Category } from "../model/categories.js";
import { labelMapMatches } from "../k8s/selectors.js";
import type { KubeObject } from "../model/kube.js";
import { arr, durationMs, field, isObject, obj, parseSubsetKey, str, wrapped, type ConfigDump, type JsonObject } from "./config-dump.js";
import { describeRouteMatch, endpointAddresses, endpointHealth, HTTP_CONNECTION_MANAGER, listenerAddress, listenerPort, TCP_PROXY } from "./proxy-config.js";
import { appliedNamespace } from "../model/namespace.js";

/** The request being traced, as the URL and the flags give it. */
export interface TracedRequest {
  method: string;
  authority: string;
  host: string;
  path: string;
  port: number;
}

export interface TraceRequest {
  url: string;
  /** The listener port on the proxy (e.g. 8080 on the ingress gateway for Service port 80). */
  port?: number;
  method?: string;
  headers?: Record<string, string>;
}

/** What the view knows about the cluster, to name pods and build fixes. */
export interface TraceContext {
  /** The pod whose proxy the request enters (the gateway pod): its Services turn a Service port into the listener port. */
  proxyPod?: KubeObject;
  podsByIp?: Map<string, KubeObject>;
  pods?: readonly KubeObject[];
  services?: readonly KubeObject[];
  destinationRules?: readonly KubeObject[];
}

export interface ServicePortMapping {
  service: KubeObject;
  servicePort: number;
  portName?: string;
  targetPort: number;
}

/**
 * The Service port a client dials, turned into the port the proxy listens on:
 * the `targetPort` of the Service that selects the proxy's pod (a number, or a
 * named container port resolved on that pod). The ingress gateway's Service
 * maps port 80 to 8080 because the gateway does not listen on privileged ports.
 * https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service
 */
export function servicePortToTarget(pod: KubeObject, services: readonly KubeObject[], servicePort: number): ServicePortMapping | undefined {
  const labels = (pod.metadata.labels ?? {}) as Record<string, string>;
  for (const service of services) {
    if (service.metadata.namespace !== pod.metadata.namespace) continue;
    if (!labelMapMatches(service.spec?.selector, labels, { absent: "nothing" }) || Object.keys((service.spec?.selector as object | undefined) ?? {}).length === 0) continue;
    for (const port of (service.spec?.ports as Array<{ name?: string; port?: number; targetPort?: number | string; protocol?: string }> | undefined) ?? []) {
      if (port.port !== servicePort || (port.protocol ?? "TCP") !== "TCP") continue;
      const target = port.targetPort ?? port.port;
      if (typeof target === "number") return { service, servicePort, portName: port.name, targetPort: target };
      const named = ((pod.spec?.containers as Array<{ ports?: Array<{ name?: string; containerPort?: number }> }> | undefined) ?? []).flatMap((container) => container.ports ?? []).find((containerPort) => containerPort.name === target);
      if (named?.containerPort) return { service, servicePort, portName: port.name, targetPort: named.containerPort };
      if (/^\d+$/.test(String(target))) return { service, servicePort, portName: port.name, targetPort: Number(target) };
    }
  }
  return undefined;
}

function filterChainsOf(listener: JsonObject): Array<{ chain: JsonObject; index: number | "default" }> {
  const chains = arr(listener, "filter_chains").filter(isObject).map((chain, index) => ({ chain, index: index as number | "default" }));
  const fallback = obj(listener, "default_filter_chain");
  if (fallback) chains.push({ chain: fallback, index: "default" });
  return chains;
}

function ipInPrefix(ip: string, prefix: string, length: number): boolean {
  const toNumber = (address: string) => address.split(".").reduce((total, part) => total * 256 + Number(part), 0);
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip) || !/^\d+\.\d+\.\d+\.\d+$/.test(prefix)) return false;
  if (length === 0) return true;
  const mask = 2 ** 32 - 2 ** (32 - length);
  return (toNumber(ip) & mask) >>> 0 === (toNumber(prefix) & mask) >>> 0;
}

/** Picks the filter chain Envoy would for a plaintext HTTP request (or TLS with SNI for https). */
export function selectFilterChain(listener: JsonObject, request: TracedRequest, tls: boolean): { chain: JsonObject; index: number | "default" } | undefined {
  let best: { chain: JsonObject; index: number | "default"; score: number } | undefined;
  for (const candidate of filterChainsOf(listener)) {
    if (candidate.index === "default") continue;
    const match = obj(candidate.chain, "filter_chain_match");
    let score = 0;
    const port = wrapped(match, "destination_port");
    if (port !== undefined) {
      if (port !== request.port) continue;
      score += 1000;
    }
    const ranges = arr(match, "prefix_ranges");
    if (ranges.length > 0) {
      if (!ranges.some((range) => ipInPrefix(request.host, str(range, "address_prefix"), wrapped(range, "prefix_len") ?? 0))) continue;
      score += 500;
    }
    const serverNames = arr(match, "server_names").map(String);
    if (serverNames.length > 0) {
      if (!tls || !serverNames.some((name) => name === request.host || (name.startsWith("*.") && request.host.endsWith(name.slice(1))))) continue;
      score += 100;
    }
    const transport = str(match, "transport_protocol");
    if (transport) {
      if ((transport === "tls") !== tls) continue;
      score += 10;
    }
    const alpn = arr(match, "application_protocols").map(String);
    if (alpn.length > 0) {
      const plainHttp = ["http/1.1", "http/1.0", "h2c"];
      if (tls || !alpn.some((protocol) => plainHttp.includes(protocol))) continue;
      score += 1;
    }
    if (!best || score > best.score) best = { ...candidate, score };
  }
  if (best) return best;
  return filterChainsOf(listener).find((candidate) => candidate.index === "default");
}

function domainMatches(domain: string, authority: string, host: string, ignorePort: boolean): number {
  const candidates = ignorePort ? [host] : [authority, host];
  for (const name of candidates) {
    if (domain === name) return 4;
  }
  for (const name of candidates) {
    if (domain.startsWith("*") && domain !== "*" && name.endsWith(domain.slice(1))) return 3;
    if (domain.endsWith("*") && domain !== "*" && name.startsWith(domain.slice(0, -1))) return 2;
  }
  return domain === "*" ? 1 : 0;
}

export function selectVirtualHost(config: JsonObject, request: TracedRequest): { host: JsonObject; index: number } | undefined {
  const ignorePort = field(config, "ignore_port_in_host_matching") === true;
  let best: { host: JsonObject; index: number; score: number } | undefined;
  arr(config, "virtual_hosts").forEach((host, index) => {
    if (!isObject(host)) return;
    for (const domain of arr(host, "domains").map(String)) {
      const score = domainMatches(domain, request.authority, request.host, ignorePort);
      if (score > 0 && (!best || score > best.score)) best = { host, index, score };
    }
  });
  return best;
}

function stringMatches(matcher: unknown, value: string | undefined): boolean {
  if (value === undefined) return false;
  const ignoreCase = field(matcher, "ignore_case") === true;
  const subject = ignoreCase ? value.toLowerCase() : value;
  const norm = (text: string) => (ignoreCase ? text.toLowerCase() : text);
  if (field(matcher, "exact") !== undefined) return subject === norm(str(matcher, "exact"));
  if (field(matcher, "prefix") !== undefined) return subject.startsWith(norm(str(matcher, "prefix")));
  if (field(matcher, "suffix") !== undefined) return subject.endsWith(norm(str(matcher, "suffix")));
  if (field(matcher, "contains") !== undefined) return subject.includes(norm(str(matcher, "contains")));
  const regex = obj(matcher, "safe_regex");
  if (regex) return safeRegex(str(regex, "regex"), value);
  return true;
}

function safeRegex(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

function headerMatches(matcher: unknown, headers: Record<string, string>, request: TracedRequest): boolean {
  const name = str(matcher, "name").toLowerCase();
  const value = name === ":authority" ? request.authority : name === ":method" ? request.method : name === ":path" ? request.path : headers[name];
  let result: boolean;
  if (field(matcher, "present_match") !== undefined) result = value !== undefined;
  else if (field(matcher, "exact_match") !== undefined) result = value === str(matcher, "exact_match");
  else if (field(matcher, "prefix_match") !== undefined) result = value?.startsWith(str(matcher, "prefix_match")) ?? false;
  else if (obj(matcher, "safe_regex_match")) result = value !== undefined && safeRegex(str(obj(matcher, "safe_regex_match"), "regex"), value);
  else if (obj(matcher, "string_match")) result = stringMatches(obj(matcher, "string_match"), value);
  else result = value !== undefined;
  return field(matcher, "invert_match") === true ? !result : result;
}

export function routeMatches(route: unknown, request: TracedRequest, headers: Record<string, string>): boolean {
  const match = obj(route, "match");
  const caseSensitive = field(match, "case_sensitive") !== false;
  const path = request.path.split("?")[0]!;
  const compare = (text: string) => (caseSensitive ? text : text.toLowerCase());
  let pathOk = false;
  if (field(match, "prefix") !== undefined) pathOk = compare(path).startsWith(compare(str(match, "prefix")));
  else if (field(match, "path") !== undefined) pathOk = compare(path) === compare(str(match, "path"));
  else if (field(match, "path_separated_prefix") !== undefined) {
    const prefix = str(match, "path_separated_prefix");
    pathOk = path === prefix || path.startsWith(`${prefix}/`);
  } else if (obj(match, "safe_regex")) pathOk = safeRegex(str(obj(match, "safe_regex"), "regex"), path);
  else pathOk = true;
  if (!pathOk) return false;
  return arr(match, "headers").every((matcher) => headerMatches(matcher, headers, request));
}

export function subsetFromClusterName(name: string): { subset: string; fqdn: string; port: number } | undefined {
  const key = parseSubsetKey(name);
  return key && key.subset ? { subset: key.subset, fqdn: key.fqdn, port: key.port } : undefined;
}

/** Guesses the pod labels a subset name stands for, from the labels of the Service's pods (`version-v1` -> `version: v1`). */
export function subsetLabels(subset: string, fqdn: string, context: TraceContext): Record<string, string> {
  const [serviceName, namespace] = fqdn.split(".");
  const service = context.services?.find((candidate) => candidate.metadata.name === serviceName && appliedNamespace(candidate.metadata.namespace) === namespace);
  const selector = (service?.spec?.selector as Record<string, string> | undefined) ?? {};
  const pods = (context.pods ?? []).filter((pod) => appliedNamespace(pod.metadata.namespace) === namespace && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => pod.metadata.labels?.[key] === value));
  for (const pod of pods) {
    for (const [key, value] of Object.entries(pod.metadata.labels ?? {})) {
      if (key in selector) continue;
      if (subset === value || subset === `${key}-${value}` || subset.endsWith(`-${value}`)) return { [key]: value };
    }
  }
  const dash = subset.lastIndexOf("-");
  if (dash > 0) return { [subset.slice(0, dash)]: subset.slice(dash + 1) };
  return { version: subset };
}

/** The DestinationRule that defines the subsets a route needs. */
export function destinationRuleYaml(fqdn: string, subsets: string[], context: TraceContext, existing?: KubeObject): string {
  const [serviceName, namespace] = fqdn.split(".");
  const lines = [
    "apiVersion: networking.istio.io/v1",
    "kind: DestinationRule",
    "metadata:",
    `  name: ${existing?.metadata.name ?? serviceName}`,
    `  namespace: ${existing?.metadata.namespace ?? namespace}`,
    "spec:",
    `  host: ${existing?.spec?.host ?? fqdn}`,
    "  subsets:",
  ];
  const existingSubsets = (existing?.spec?.subsets as Array<{ name: string; labels?: Record<string, string> }> | undefined) ?? [];
  for (const subset of existingSubsets) {
    lines.push(`  - name: ${subset.name}`, "    labels:", ...Object.entries(subset.labels ?? {}).map(([key, value]) => `      ${key}: ${value}`));
  }
  for (const subset of subsets) {
    if (existingSubsets.some((candidate) => candidate.name === subset)) continue;
    lines.push(`  - name: ${subset}`, "    labels:", ...Object.entries(subsetLabels(subset, fqdn, context)).map(([key, value]) => `      ${key}: ${value}`));
  }
  return lines.join("\n") + "\n";
}

export function destinationRuleFor(fqdn: string, context: TraceContext): KubeObject | undefined {
  const [serviceName, namespace] = fqdn.split(".");
  return context.destinationRules?.find((rule) => {
    const host = String(rule.spec?.host ?? "");
    const ruleNamespace = appliedNamespace(rule.metadata.namespace);
    return host === fqdn || (host === serviceName && ruleNamespace === namespace) || host === `${serviceName}.${namespace}`;
  });
}

export function endpointsFor(dump: ConfigDump, cluster: JsonObject, name: string): { found: boolean; lbEndpoints: unknown[] } {
  const inline = obj(cluster, "load_assignment");
  if (inline) return { found: true, lbEndpoints: arr(inline, "endpoints").flatMap((group) => arr(group, "lb_endpoints")) };
  const serviceName = str(obj(cluster, "eds_cluster_config"), "service_name") || name;
  const cla = dump.endpointsOf(serviceName);
  if (!cla) return { found: false, lbEndpoints: [] };
  return { found: true, lbEndpoints: arr(cla.raw, "endpoints").flatMap((group) => arr(group, "lb_endpoints")) };
}
