/**
 * What Istio's validation rejects or warns about in an EnvoyFilter
 * (https://istio.io/latest/docs/reference/config/networking/envoy-filter/). Every EnvoyFilter
 * is accepted with a warning: it patches Envoy's internal configuration, which changes between
 * releases.
 */
import { arrayOf, recordOf } from "../../k8s/objects.js";
import { Messages, type Spec } from "./common.js";
import { re2SyntaxError } from "./regexp.js";
import { patchValueVerdict } from "./envoy-patch-value.js";

const LISTENER_CLASS = new Set(["LISTENER", "FILTER_CHAIN", "NETWORK_FILTER", "HTTP_FILTER"]);
const ROUTE_CLASS = new Set(["ROUTE_CONFIGURATION", "VIRTUAL_HOST", "HTTP_ROUTE"]);
const HCM = new Set(["envoy.filters.network.http_connection_manager", "envoy.http_connection_manager"]);
const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** Istio's xds.DeprecatedFilterNames, old name to canonical (envoy.ext_authz names two filters and is left out). */
const DEPRECATED_FILTER_NAMES: Record<string, string> = {
  "envoy.buffer": "envoy.filters.http.buffer", "envoy.cors": "envoy.filters.http.cors", "envoy.csrf": "envoy.filters.http.csrf", "envoy.http_dynamo_filter": "envoy.filters.http.dynamo",
  "envoy.fault": "envoy.filters.http.fault", "envoy.grpc_http1_bridge": "envoy.filters.http.grpc_http1_bridge", "envoy.grpc_json_transcoder": "envoy.filters.http.grpc_json_transcoder",
  "envoy.grpc_web": "envoy.filters.http.grpc_web", "envoy.gzip": "envoy.filters.http.gzip", "envoy.health_check": "envoy.filters.http.health_check", "envoy.ip_tagging": "envoy.filters.http.ip_tagging",
  "envoy.lua": "envoy.filters.http.lua", "envoy.rate_limit": "envoy.filters.http.ratelimit", "envoy.router": "envoy.filters.http.router", "envoy.squash": "envoy.filters.http.squash",
  "envoy.listener.http_inspector": "envoy.filters.listener.http_inspector", "envoy.listener.original_dst": "envoy.filters.listener.original_dst", "envoy.listener.original_src": "envoy.filters.listener.original_src",
  "envoy.listener.proxy_protocol": "envoy.filters.listener.proxy_protocol", "envoy.listener.tls_inspector": "envoy.filters.listener.tls_inspector", "envoy.client_ssl_auth": "envoy.filters.network.client_ssl_auth",
  "envoy.http_connection_manager": "envoy.filters.network.http_connection_manager", "envoy.mongo_proxy": "envoy.filters.network.mongo_proxy", "envoy.ratelimit": "envoy.filters.network.ratelimit",
  "envoy.redis_proxy": "envoy.filters.network.redis_proxy", "envoy.tcp_proxy": "envoy.filters.network.tcp_proxy",
};

function deprecatedFilterName(out: Messages, name: string, path: Array<string | number>): void {
  const canonical = DEPRECATED_FILTER_NAMES[name];
  if (canonical) out.warning(path, `using deprecated filter name ${JSON.stringify(name)}; use ${JSON.stringify(canonical)} instead`);
}

export const ENVOY_FILTER_WARNING = "EnvoyFilter exposes internal implementation details that may change at any time. Prefer other APIs if possible, and exercise extreme caution, especially around upgrades.";

export function validateEnvoyFilter(spec: Spec): Messages {
  const out = new Messages();
  out.warning(["kind"], ENVOY_FILTER_WARNING);
  const selector = recordOf(spec.workloadSelector);
  for (const [key, value] of Object.entries(recordOf(selector?.labels) ?? {})) {
    if (key === "") out.error(["spec", "workloadSelector", "labels"], `empty key is not supported in selector: "=${String(value)}"`);
    if (key.includes("*") || String(value).includes("*")) out.error(["spec", "workloadSelector", "labels"], `wildcard is not supported in selector: "${key}=${String(value)}"`);
  }
  arrayOf<unknown>(spec.configPatches).forEach((entry, index) => {
    const path = ["spec", "configPatches", index];
    const patch = recordOf(entry);
    if (!patch) return out.error(path, "Envoy filter: null config patch");
    const match = recordOf(patch.match);
    if (match?.context === "WAYPOINT") return;
    const applyTo = str(patch.applyTo);
    if (applyTo === "" || applyTo === "INVALID") return out.error([...path, "applyTo"], "Envoy filter: missing applyTo");
    const body = recordOf(patch.patch);
    if (!body) return out.error([...path, "patch"], "Envoy filter: missing patch");
    const operation = str(body.operation);
    if (operation === "" || operation === "INVALID") return out.error([...path, "patch", "operation"], "Envoy filter: missing patch operation");
    if (operation !== "REMOVE" && (body.value === undefined || body.value === null)) return out.error([...path, "patch", "value"], "Envoy filter: missing patch value for non-remove operation");
    const proxyVersion = recordOf(match?.proxy)?.proxyVersion;
    const versionError = typeof proxyVersion === "string" && proxyVersion.length <= 1024 ? re2SyntaxError(proxyVersion) : undefined;
    if (versionError) return out.error([...path, "match", "proxy", "proxyVersion"], `Envoy filter: invalid regex for proxy version, [error parsing regexp: ${versionError}]`);
    const listener = recordOf(match?.listener);
    const hasObjectMatch = match !== undefined && ["listener", "routeConfiguration", "cluster"].some((field) => match[field] !== undefined);
    if (LISTENER_CLASS.has(applyTo) && hasObjectMatch) {
      if (!listener) return out.error([...path, "match"], "Envoy filter: applyTo for listener class objects cannot have non listener match");
      const filter = recordOf(recordOf(listener.filterChain)?.filter);
      if (filter) {
        const at = [...path, "match", "listener", "filterChain", "filter"];
        const name = str(filter.name);
        const sub = recordOf(filter.subFilter);
        if (name === "") return out.error(at, "Envoy filter: filter match has no name to match on");
        if (sub) {
          if (applyTo !== "HTTP_FILTER") return out.error(at, "Envoy filter: subfilter match can be used with applyTo HTTP_FILTER only");
          if (!HCM.has(name)) return out.error(at, "Envoy filter: subfilter match requires filter match with envoy.filters.network.http_connection_manager");
          if (str(sub.name) === "") return out.error(at, "Envoy filter: subfilter match has no name to match on");
        }
        deprecatedFilterName(out, name, [...at, "name"]);
        deprecatedFilterName(out, str(sub?.name), [...at, "subFilter", "name"]);
      }
    } else if (ROUTE_CLASS.has(applyTo) && hasObjectMatch && !recordOf(match?.routeConfiguration)) {
      out.error([...path, "match"], "Envoy filter: applyTo for http route class objects cannot have non route configuration match");
    } else if (applyTo === "CLUSTER" && hasObjectMatch && !recordOf(match?.cluster)) {
      out.error([...path, "match"], "Envoy filter: applyTo for cluster class objects cannot have non cluster match");
    }
    const verdict = patchValueVerdict(applyTo, body.value);
    const at = [...path, "patch", "value"];
    if (verdict?.error) out.error(at, verdict.error);
    if (verdict?.warning) out.warning(at, verdict.warning);
    if (verdict?.withoutTypedConfig) out.warning(at, `using deprecated types by name without typed_config; ${verdict.withoutTypedConfig.join(", ")}`);
  });
  return out;
}
