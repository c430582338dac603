/**
 * Follows one request through a proxy's config dump the way an operator does by
 * hand with istioctl proxy-config: listener, filter chain, route config, virtual host, route, weighted
 * clusters, cluster, endpoints and their health, and the pod behind each
 * endpoint. Stops at the first broken link and says why.
 */
import type { Category } from "../model/categories.js";
import { labelMapMatches } from "../k8s/selectors.js";
import type { KubeObject } from "../model/kube.js";
import { arr, durationMs, field, isObject, obj, parseSubsetKey, str, wrapped, type ConfigDump, type JsonObject } from "./config-dump.js";
import { describeRouteMatch, endpointAddresses, endpointHealth, HTTP_CONNECTION_MANAGER, listenerAddress, listenerPort, TCP_PROXY } from "./proxy-config-tables.js";
import { appliedNamespace } from "../model/namespace.js";

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

export interface TraceStep {
  stage: "service" | "listener" | "filter-chain" | "route-config" | "virtual-host" | "route" | "cluster" | "endpoints";
  ok: boolean;
  summary: string;
  /** Where in the dump this came from. */
  path?: string;
  details?: string[];
}

export interface TraceBreak {
  stage: TraceStep["stage"];
  category: Category;
  reason: string;
  fix?: { description: string; yaml?: string; target?: string; commands: string[] };
  verify: string[];
}

export interface TracedCluster {
  name: string;
  weight?: number;
  exists: boolean;
  type?: string;
  endpoints: Array<{ address: string; health: string; pod?: string }>;
}

export interface TraceResult {
  request: { method: string; authority: string; host: string; path: string; port: number };
  steps: TraceStep[];
  clusters: TracedCluster[];
  timeoutMs?: number;
  broken?: TraceBreak;
}

function parseUrl(request: TraceRequest): TraceResult["request"] {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(request.url) ? request.url : `http://${request.url}`);
  } catch {
    throw new Error(`--url "${request.url}" is not a URL (expected e.g. http://catalog.istioinaction.io/items)`);
  }
  const defaultPort = url.protocol === "https:" ? 443 : 80;
  const urlPort = url.port ? Number(url.port) : defaultPort;
  const hostHeader = Object.entries(request.headers ?? {}).find(([key]) => key.toLowerCase() === "host" || key.toLowerCase() === ":authority")?.[1];
  const authority = hostHeader ?? (url.port ? `${url.hostname}:${url.port}` : url.hostname);
  return { method: request.method ?? "GET", authority, host: authority.replace(/:\d+$/, ""), path: `${url.pathname}${url.search}`, port: request.port ?? urlPort };
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
function selectFilterChain(listener: JsonObject, request: TraceResult["request"], tls: boolean): { chain: JsonObject; index: number | "default" } | undefined {
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

function selectVirtualHost(config: JsonObject, request: TraceResult["request"]): { host: JsonObject; index: number } | undefined {
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

function headerMatches(matcher: unknown, headers: Record<string, string>, request: TraceResult["request"]): boolean {
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

function routeMatches(route: unknown, request: TraceResult["request"], headers: Record<string, string>): boolean {
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

function endpointsFor(dump: ConfigDump, cluster: JsonObject, name: string): { found: boolean; lbEndpoints: unknown[] } {
  const inline = obj(cluster, "load_assignment");
  if (inline) return { found: true, lbEndpoints: arr(inline, "endpoints").flatMap((group) => arr(group, "lb_endpoints")) };
  const serviceName = str(obj(cluster, "eds_cluster_config"), "service_name") || name;
  const cla = dump.endpointsOf(serviceName);
  if (!cla) return { found: false, lbEndpoints: [] };
  return { found: true, lbEndpoints: arr(cla.raw, "endpoints").flatMap((group) => arr(group, "lb_endpoints")) };
}

const HEALTHY = new Set(["HEALTHY", "UNKNOWN", "DEGRADED"]);

export function traceRequest(dump: ConfigDump, traceRequestInput: TraceRequest, context: TraceContext = {}, proxyLabel = "the proxy"): TraceResult {
  const request = parseUrl(traceRequestInput);
  const tls = /^https:/i.test(traceRequestInput.url);
  const headers = Object.fromEntries(Object.entries(traceRequestInput.headers ?? {}).map(([key, value]) => [key.toLowerCase(), value]));
  const result: TraceResult = { request, steps: [], clusters: [] };
  const stop = (step: TraceStep, broken: TraceBreak): TraceResult => {
    result.steps.push(step);
    result.broken = broken;
    return result;
  };
  const pc = (what: string) => `istioctl proxy-config ${what} ${proxyLabel === "the proxy" ? "<pod>.<namespace>" : proxyLabel}`;

  // 0. A Service port (the URL's) reaches the proxy on the Service's targetPort.
  if (traceRequestInput.port === undefined && context.proxyPod && context.services) {
    const mapping = servicePortToTarget(context.proxyPod, context.services, request.port);
    if (mapping && mapping.targetPort !== request.port) {
      result.steps.push({
        stage: "service",
        ok: true,
        summary: `Service ${mapping.service.metadata.namespace}/${mapping.service.metadata.name} port ${mapping.servicePort}${mapping.portName ? ` (${mapping.portName})` : ""} -> targetPort ${mapping.targetPort} on ${context.proxyPod.metadata.name}`,
      });
      request.port = mapping.targetPort;
    }
  }

  // 1. Listener on the port.
  const onPort = dump.listeners().filter((listener) => listenerPort(listener.raw) === request.port);
  const listener = onPort.find((candidate) => listenerAddress(candidate.raw) === request.host) ?? onPort.find((candidate) => ["0.0.0.0", "::"].includes(listenerAddress(candidate.raw))) ?? onPort[0];
  if (!listener) {
    const ports = [...new Set(dump.listeners().map((candidate) => listenerPort(candidate.raw)))].filter((port) => port > 0).sort((a, b) => a - b);
    return stop(
      { stage: "listener", ok: false, summary: `no listener on port ${request.port} (listeners on ${ports.join(", ") || "no port"})` },
      {
        stage: "listener",
        category: "no-route",
        reason: `${proxyLabel} has no listener on port ${request.port}, so the connection is refused or falls to the passthrough/blackhole chain. On a gateway, the Gateway resource must open this port (the Service's targetPort, e.g. 8080 for port 80).`,
        fix: { description: "Open the port in the Gateway's servers (or trace with --port set to the listener port the Service targets).", commands: [pc("listeners") + ` --port ${request.port}`] },
        verify: [pc("listeners")],
      },
    );
  }
  result.steps.push({ stage: "listener", ok: true, summary: `${listener.name} (${listenerAddress(listener.raw)}:${request.port})`, path: listener.path });

  // 2. Filter chain.
  const selected = selectFilterChain(listener.raw, request, tls);
  if (!selected) {
    return stop(
      { stage: "filter-chain", ok: false, summary: `no filter chain of ${listener.name} matches ${tls ? `TLS with SNI ${request.host}` : "plaintext HTTP"}` },
      {
        stage: "filter-chain",
        category: "no-route",
        reason: `No filter chain of listener ${listener.name} matches the connection (${tls ? `TLS, SNI ${request.host}` : "plaintext"}), so Envoy closes it (response flag NR).`,
        fix: { description: "Make the Gateway server (or Sidecar/ServiceEntry) for this port accept this host and protocol.", commands: [pc("listeners") + ` --port ${request.port} -o json`] },
        verify: [pc("listeners") + ` --port ${request.port}`],
      },
    );
  }
  const chainPath = `${listener.path}.${selected.index === "default" ? "default_filter_chain" : `filter_chains[${selected.index}]`}`;
  const filters = arr(selected.chain, "filters");
  const hcm = filters.find((filter) => str(filter, "name") === HTTP_CONNECTION_MANAGER);
  if (!hcm) {
    const tcp = filters.find((filter) => str(filter, "name") === TCP_PROXY);
    const cluster = str(obj(tcp, "typed_config"), "cluster");
    result.steps.push({ stage: "filter-chain", ok: true, summary: `${str(selected.chain, "name") || selected.index}: TCP proxy to ${cluster || "(weighted clusters)"}`, path: chainPath });
    if (cluster) return traceClusters(dump, result, [{ name: cluster }], context, proxyLabel);
    return result;
  }
  result.steps.push({ stage: "filter-chain", ok: true, summary: `${str(selected.chain, "name") || `chain ${selected.index}`}: HTTP connection manager`, path: chainPath });

  // 3. Route configuration.
  const hcmConfig = obj(hcm, "typed_config");
  const rdsName = str(obj(hcmConfig, "rds"), "route_config_name");
  const inline = obj(hcmConfig, "route_config");
  const routeConfig = inline ? { name: str(inline, "name") || "(inline)", raw: inline, path: `${chainPath}.route_config` } : dump.routeConfig(rdsName);
  if (!routeConfig) {
    return stop(
      { stage: "route-config", ok: false, summary: `route config ${rdsName} is not in the dump` },
      {
        stage: "route-config",
        category: "proxy-config-stale",
        reason: `Listener ${listener.name} takes its routes from RDS "${rdsName}" but the proxy has no such route configuration: istiod has not sent it (RDS NOT SENT or STALE) or the dump was taken without it.`,
        fix: { description: "Check that the proxy is in sync with istiod, then that a Gateway/VirtualService produces this route.", commands: ["istioctl proxy-status", pc("routes") + ` --name ${rdsName}`] },
        verify: ["istioctl proxy-status", pc("routes") + ` --name ${rdsName}`],
      },
    );
  }
  result.steps.push({ stage: "route-config", ok: true, summary: `${rdsName ? `RDS ${routeConfig.name}` : `inline ${routeConfig.name}`}`, path: routeConfig.path });

  // 4. Virtual host.
  const virtualHost = selectVirtualHost(routeConfig.raw, request);
  if (!virtualHost) {
    const domains = arr(routeConfig.raw, "virtual_hosts").flatMap((host) => arr(host, "domains").map(String));
    return stop(
      { stage: "virtual-host", ok: false, summary: `no virtual host of ${routeConfig.name} has domain ${request.authority}`, details: [`domains: ${domains.slice(0, 12).join(", ")}${domains.length > 12 ? ` (+${domains.length - 12} more)` : ""}`] },
      {
        stage: "virtual-host",
        category: "no-route",
        reason: `Route config ${routeConfig.name} has no virtual host for "${request.authority}", so Envoy answers 404 with response flag NR: no Gateway/VirtualService binds this host on port ${request.port}.`,
        fix: { description: `Add "${request.host}" to the hosts of the Gateway server and of the VirtualService bound to it.`, commands: [pc("routes") + ` --name ${routeConfig.name}`] },
        verify: [pc("routes") + ` --name ${routeConfig.name}`, `curl -s -o /dev/null -w '%{http_code}' -H 'Host: ${request.host}' http://<gateway-address>${request.path}`],
      },
    );
  }
  const hostPath = `${routeConfig.path}.virtual_hosts[${virtualHost.index}]`;
  result.steps.push({ stage: "virtual-host", ok: true, summary: `${str(virtualHost.host, "name")} (domains ${arr(virtualHost.host, "domains").map(String).slice(0, 4).join(", ")})`, path: hostPath });

  // 5. Route.
  const routes = arr(virtualHost.host, "routes");
  const routeIndex = routes.findIndex((route) => routeMatches(route, request, headers));
  if (routeIndex < 0) {
    return stop(
      { stage: "route", ok: false, summary: `no route of ${str(virtualHost.host, "name")} matches ${request.method} ${request.path}`, details: routes.map((route) => describeRouteMatch(obj(route, "match")) || "(headers only)") },
      {
        stage: "route",
        category: "no-route",
        reason: `No route in virtual host ${str(virtualHost.host, "name")} matches ${request.path}${Object.keys(headers).length ? " with the given headers" : ""}: Envoy answers 404 with response flag NR.`,
        fix: { description: "Add an http match in the VirtualService for this path (or a catch-all route last).", commands: [pc("routes") + ` --name ${routeConfig.name} -o json`] },
        verify: [pc("routes") + ` --name ${routeConfig.name}`],
      },
    );
  }
  const route = routes[routeIndex]!;
  const routePath = `${hostPath}.routes[${routeIndex}]`;
  const action = obj(route, "route");
  const virtualService = str(obj(obj(obj(route, "metadata"), "filter_metadata"), "istio"), "config");
  const routeSummary = `${describeRouteMatch(obj(route, "match")) || "match"}${virtualService ? ` from ${virtualService.split("/").slice(-3).filter((_, i) => i !== 1).reverse().join(".")}` : ""}`;
  if (!action) {
    const direct = obj(route, "direct_response");
    const redirect = obj(route, "redirect");
    result.steps.push({ stage: "route", ok: true, summary: `${routeSummary}: ${direct ? `direct response ${num(direct, "status")}` : redirect ? "redirect" : "no route action"}`, path: routePath });
    return result;
  }
  const timeout = durationMs(field(action, "timeout"));
  result.timeoutMs = timeout === undefined ? 15000 : timeout;
  const targets: Array<{ name: string; weight?: number }> = [];
  const single = field(action, "cluster");
  if (typeof single === "string") targets.push({ name: single });
  const weighted = obj(action, "weighted_clusters");
  if (weighted) {
    const clusters = arr(weighted, "clusters");
    const total = clusters.reduce<number>((sum, cluster) => sum + (wrapped(cluster, "weight") ?? 0), 0) || 100;
    for (const cluster of clusters) targets.push({ name: str(cluster, "name"), weight: Math.round(((wrapped(cluster, "weight") ?? 0) * 100) / total) });
  }
  const headerCluster = str(action, "cluster_header");
  const timeoutText = timeout === undefined ? "timeout 15s (Envoy default)" : timeout === 0 ? "timeout disabled (0s)" : `timeout ${timeout / 1000}s`;
  result.steps.push({
    stage: "route",
    ok: true,
    summary: `${routeSummary} -> ${targets.map((target) => (target.weight !== undefined ? `${target.weight}% ${target.name}` : target.name)).join(", ") || (headerCluster ? `cluster from header ${headerCluster}` : "?")}; ${timeoutText}`,
    path: routePath,
  });
  return traceClusters(dump, result, targets, context, proxyLabel);
}

function num(object: unknown, name: string): number | undefined {
  const value = field(object, name);
  return typeof value === "number" ? value : undefined;
}

function traceClusters(dump: ConfigDump, result: TraceResult, targets: Array<{ name: string; weight?: number }>, context: TraceContext, proxyLabel: string): TraceResult {
  const proxyArg = proxyLabel === "the proxy" ? "<pod>.<namespace>" : proxyLabel;
  const missing: TracedCluster[] = [];
  for (const target of targets) {
    const cluster = dump.cluster(target.name);
    const traced: TracedCluster = { name: target.name, weight: target.weight, exists: Boolean(cluster), type: cluster?.type, endpoints: [] };
    result.clusters.push(traced);
    if (!cluster) {
      missing.push(traced);
      continue;
    }
    const endpoints = endpointsFor(dump, cluster.raw, cluster.name);
    traced.endpoints = endpoints.lbEndpoints.map((lbEndpoint) => {
      const address = endpointAddresses(lbEndpoint)[0] ?? "unknown";
      const ip = address.replace(/:\d+$/, "");
      const pod = context.podsByIp?.get(ip);
      return { address, health: endpointHealth(lbEndpoint), pod: pod ? `${appliedNamespace(pod.metadata.namespace)}/${pod.metadata.name}` : undefined };
    });
  }
  for (const traced of result.clusters.filter((candidate) => candidate.exists)) {
    const cluster = dump.cluster(traced.name)!;
    const share = traced.weight !== undefined ? `${traced.weight}% ` : "";
    result.steps.push({ stage: "cluster", ok: true, summary: `${share}${traced.name}: ${cluster.type}`, path: cluster.path });
  }
  if (missing.length > 0) {
    const first = missing[0]!;
    const subsetInfo = subsetFromClusterName(first.name);
    const share = missing.map((cluster) => (cluster.weight !== undefined ? `${cluster.weight}% to ${cluster.name}` : cluster.name)).join(", ");
    const step: TraceStep = { stage: "cluster", ok: false, summary: `cluster ${missing.map((cluster) => cluster.name).join(", ")} does not exist`, details: missing.map((cluster) => `${cluster.weight !== undefined ? `${cluster.weight}% ` : ""}${cluster.name}: not in the proxy's clusters`) };
    if (subsetInfo) {
      const subsets = missing.map((cluster) => subsetFromClusterName(cluster.name)?.subset).filter((subset): subset is string => Boolean(subset));
      const existing = destinationRuleFor(subsetInfo.fqdn, context);
      const yaml = destinationRuleYaml(subsetInfo.fqdn, subsets, context, existing);
      return stopWith(result, step, {
        stage: "cluster",
        category: "missing-cluster",
        reason: `The route sends ${share} and no such cluster exists because ${existing ? `DestinationRule ${existing.metadata.namespace}/${existing.metadata.name} does not define subset${subsets.length > 1 ? "s" : ""} ${subsets.join(", ")}` : `no DestinationRule defines subset${subsets.length > 1 ? "s" : ""} ${subsets.join(", ")} for ${subsetInfo.fqdn}`}. Envoy answers 503 (NC) for that share of requests.`,
        fix: {
          description: `${existing ? "Add the subsets to the DestinationRule" : "Create the DestinationRule that defines the subsets"} the VirtualService routes to.`,
          yaml,
          target: `DestinationRule ${existing?.metadata.namespace ?? subsetInfo.fqdn.split(".")[1]}/${existing?.metadata.name ?? subsetInfo.fqdn.split(".")[0]}`,
          commands: ["kubectl apply -f destinationrule.yaml", `istioctl analyze -n ${subsetInfo.fqdn.split(".")[1]}`],
        },
        verify: [`istioctl proxy-config clusters ${proxyArg} --fqdn ${subsetInfo.fqdn} --port ${subsetInfo.port}`, `istioctl analyze -n ${subsetInfo.fqdn.split(".")[1]}`],
      });
    }
    return stopWith(result, step, {
      stage: "cluster",
      category: "missing-cluster",
      reason: `The route sends ${share} and the proxy has no such cluster (NC): the destination host is not in the mesh registry visible to this proxy (missing Service/ServiceEntry, or a Sidecar resource hides it).`,
      fix: { description: "Create the Service or ServiceEntry for the destination host, or widen the Sidecar egress hosts.", commands: [`istioctl proxy-config clusters ${proxyArg} --fqdn ${first.name.split("|").pop()}`] },
      verify: [`istioctl proxy-config clusters ${proxyArg} --fqdn ${first.name.split("|").pop()}`],
    });
  }
  const noHealthy: TracedCluster[] = [];
  for (const traced of result.clusters) {
    const cluster = dump.cluster(traced.name)!;
    const hasEndpointData = Boolean(obj(cluster.raw, "load_assignment")) || dump.hasEndpoints();
    if (["ORIGINAL_DST", "LOGICAL_DNS", "STRICT_DNS"].includes(cluster.type) && traced.endpoints.length === 0) {
      result.steps.push({ stage: "endpoints", ok: true, summary: `${traced.name}: ${cluster.type} resolves its endpoints itself` });
      continue;
    }
    if (!hasEndpointData) {
      result.steps.push({ stage: "endpoints", ok: true, summary: `${traced.name}: the dump has no endpoints (take it with /config_dump?include_eds or istioctl proxy-config all -o json)` });
      continue;
    }
    const healthy = traced.endpoints.filter((endpoint) => HEALTHY.has(endpoint.health));
    result.steps.push({
      stage: "endpoints",
      ok: healthy.length > 0,
      summary: `${traced.name}: ${healthy.length}/${traced.endpoints.length} healthy`,
      details: traced.endpoints.map((endpoint) => `${endpoint.address} ${endpoint.health}${endpoint.pod ? ` (pod ${endpoint.pod})` : ""}`),
    });
    if (healthy.length === 0) noHealthy.push(traced);
  }
  if (noHealthy.length > 0) {
    const first = noHealthy[0]!;
    const key = parseSubsetKey(first.name);
    result.broken = {
      stage: "endpoints",
      category: "no-healthy-upstream",
      reason: `Cluster ${first.name} has ${first.endpoints.length === 0 ? "no endpoints" : `no healthy endpoint (${first.endpoints.map((endpoint) => `${endpoint.address} ${endpoint.health}`).join(", ")})`}, so Envoy answers 503 with response flag UH${key?.subset ? `: no ready pod carries the labels of subset ${key.subset}` : ": the Service selects no ready pod"}.`,
      fix: {
        description: key?.subset ? `Make the subset's labels match running, ready pods (or scale up the workload with those labels).` : "Make the Service selector match ready pods, and fix why the pods are not ready.",
        commands: key ? [`kubectl get endpoints ${key.fqdn.split(".")[0]} -n ${key.fqdn.split(".")[1]}`, `kubectl get pods -n ${key.fqdn.split(".")[1]} --show-labels`] : [],
      },
      verify: [`istioctl proxy-config endpoints ${proxyArg} --cluster "${first.name}"`],
    };
  }
  return result;
}

function stopWith(result: TraceResult, step: TraceStep, broken: TraceBreak): TraceResult {
  result.steps.push(step);
  result.broken = broken;
  return result;
}
