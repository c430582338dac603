/**
 * `envoy trace`: follows one request through a proxy's config dump the way an operator does by
 * hand with istioctl proxy-config: listener, filter chain, route config, virtual host, route, weighted
 * clusters, cluster, endpoints and their health, and the pod behind each
 * endpoint. Stops at the first broken link and says why.
 */
import type { Category } from "../model/categories.js";
import { appliedNamespace } from "../model/namespace.js";
import { arr, durationMs, field, obj, parseSubsetKey, str, wrapped, type ConfigDump } from "../envoy/config-dump.js";
import { describeRouteMatch, endpointAddresses, endpointHealth, HTTP_CONNECTION_MANAGER, listenerAddress, listenerPort, TCP_PROXY } from "../envoy/proxy-config.js";
import { destinationRuleFor, destinationRuleYaml, endpointsFor, routeMatches, selectFilterChain, selectVirtualHost, servicePortToTarget, subsetFromClusterName, type TraceContext, type TracedRequest, type TraceRequest } from "../envoy/trace.js";

export type { TraceContext, TraceRequest } from "../envoy/trace.js";

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
  request: TracedRequest;
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
