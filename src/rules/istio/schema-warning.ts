import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { analyzeCommand, formatPath, reportIstio, kubectl } from "./finding.js";
import { arrayOf, namespaceOf, recordOf, refOf } from "../../k8s/objects.js";
import { ENVOY_FILTER_WARNING } from "../../istio/validation/envoy-filter.js";
import { istioValidationResult, VALIDATED_KINDS } from "../../istio/validation/index.js";

/** One thing Istio's validation accepts but warns about: where, what it says, what to do instead. */
interface SchemaWarning {
  path: Array<string | number>;
  message: string;
  fix: string;
}

type Spec = Record<string, unknown>;
type Check = (spec: Spec, object: KubeObject) => SchemaWarning[];

const SELECTOR_WITHOUT_LABELS = "workload selector specified without labels";

/** A `selector` (or `workloadSelector`) present with no labels selects every workload of the namespace. */
function emptySelector(field: "selector" | "workloadSelector", labelsKey: "matchLabels" | "labels", prefix = ""): Check {
  return (spec) => {
    const selector = recordOf(spec[field]);
    if (!selector || Object.keys(recordOf(selector[labelsKey]) ?? {}).length > 0) return [];
    return [
      {
        path: ["spec", field],
        message: prefix ? `${prefix}: ${SELECTOR_WITHOUT_LABELS}, will be applied to all services in namespace` : SELECTOR_WITHOUT_LABELS,
        fix: `Give ${field}.${labelsKey} the labels of the workloads it is meant for, or remove ${field} to apply it to the whole namespace on purpose.`,
      },
    ];
  };
}

/** Protocols Istio treats as HTTP (`protocol.IsHTTP`). */
const HTTP_PROTOCOLS = new Set(["HTTP", "HTTP2", "GRPC", "GRPC-WEB", "HTTP_PROXY"]);
const CERTIFICATE_FIELDS = ["caCrl", "serverCertificate", "privateKey", "caCertificates", "tlsCertificates", "credentialName", "credentialNames"];
/** The cipher suites Istio knows for a Gateway (security.ValidCipherSuites); an entry not starting with a letter or digit is an OpenSSL operator, not judged. */
const CIPHER_SUITES = new Set([
  "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA", "AES128-GCM-SHA256",
  "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA", "DES-CBC3-SHA",
]);
const isValidCipherSuite = (cipher: string): boolean => cipher === "" || cipher === "ALL" || !/^[\p{L}\p{N}]/u.test(cipher) || CIPHER_SUITES.has(cipher);

function serverTlsWarnings(tls: Spec | undefined, path: Array<string | number>): SchemaWarning[] {
  if (!tls) return [];
  const out: SchemaWarning[] = [];
  // An unset mode is the enum's first value.
  const mode = String(tls.mode ?? "PASSTHROUGH");
  const ciphers = arrayOf<unknown>(tls.cipherSuites);
  if ((tls.minProtocolVersion === "TLSV1_0" || tls.minProtocolVersion === "TLSV1_1") && ciphers.length === 0) {
    out.push({ path: [...path, "minProtocolVersion"], message: "TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.", fix: "Raise minProtocolVersion to TLSV1_2, or list cipherSuites that the old clients support." });
  }
  const invalid = ciphers.map(String).filter((cipher) => !isValidCipherSuite(cipher));
  if (invalid.length > 0) out.push({ path: [...path, "cipherSuites"], message: `ignoring invalid cipher suites: [${[...new Set(invalid)].sort().join(" ")}]`, fix: `Remove ${[...new Set(invalid)].join(", ")}: Envoy would reject them, so Istio leaves them out.` });
  const valid = ciphers.filter((cipher) => isValidCipherSuite(String(cipher)));
  const duplicates = valid.filter((cipher, index) => valid.indexOf(cipher) !== index);
  if (duplicates.length > 0) out.push({ path: [...path, "cipherSuites"], message: `ignoring duplicate cipher suites: [${[...new Set(duplicates.map(String))].sort().join(" ")}]`, fix: "List each cipher suite once." });
  if (mode === "PASSTHROUGH" || mode === "AUTO_PASSTHROUGH") {
    const set = CERTIFICATE_FIELDS.filter((field) => tls[field] !== undefined && tls[field] !== "" && !(Array.isArray(tls[field]) && (tls[field] as unknown[]).length === 0));
    if (set.length > 0) out.push({ path: [...path, set[0]!], message: `${mode} mode does not use certificates, they will be ignored`, fix: `Remove ${set.join(", ")}: with ${mode} the gateway forwards the TLS stream and the backend presents its own certificate.` });
  }
  const credentialNames = tls.credentialName !== undefined || arrayOf(tls.credentialNames).length > 0;
  if ((mode === "SIMPLE" || mode === "MUTUAL" || mode === "OPTIONAL_MUTUAL") && !credentialNames && arrayOf(tls.tlsCertificates).length > 2) {
    out.push({ path: [...path, "tlsCertificates"], message: `${mode === "SIMPLE" ? "SIMPLE TLS" : "MUTUAL TLS"} can support up to 2 server certificates`, fix: "Keep at most two certificates (one RSA and one ECDSA); serve other hosts from another server entry." });
  }
  return out;
}

const gateway: Check = (spec) =>
  arrayOf<Spec>(spec.servers).flatMap((server, index) => {
    const out: SchemaWarning[] = [];
    const path: Array<string | number> = ["spec", "servers", index];
    const protocol = String(recordOf(server?.port)?.protocol ?? "").toUpperCase();
    const tls = recordOf(server?.tls);
    if (tls?.httpsRedirect === true && protocol !== "" && !HTTP_PROTOCOLS.has(protocol)) {
      out.push({ path: [...path, "tls", "httpsRedirect"], message: "tls.httpsRedirect should only be used with http servers", fix: "Set httpsRedirect on the HTTP (port 80) server that should redirect to HTTPS, not on this one." });
    }
    return [...out, ...serverTlsWarnings(tls, [...path, "tls"])];
  });

const sidecar: Check = (spec, object) => {
  const out = emptySelector("workloadSelector", "labels", "sidecar")(spec, object);
  const own = namespaceOf(object);
  arrayOf<Spec>(spec.egress).forEach((listener, index) => {
    const hosts = arrayOf<unknown>(listener?.hosts).filter((host): host is string => typeof host === "string");
    const seen = new Set<string>();
    const wildcardNamespaces = new Set<string>();
    hosts.forEach((host) => {
      const [namespace, name] = host.includes("/") ? [host.slice(0, host.indexOf("/")), host.slice(host.indexOf("/") + 1)] : ["*", host];
      const ns = namespace === "." ? own : namespace;
      if (ns === "~") return;
      const key = `${ns}/${name}`;
      if (seen.has(key) || (name !== "*" && wildcardNamespaces.has(ns))) out.push({ path: ["spec", "egress", index, "hosts"], message: `duplicated egress host: ${host}`, fix: `Remove ${host}: the listener already selects it.` });
      seen.add(key);
      if (name === "*") wildcardNamespaces.add(ns);
    });
    if (seen.has("*/*") && [...seen].some((key) => !key.startsWith("*/"))) {
      out.push({ path: ["spec", "egress", index, "hosts"], message: "`*/*` host select all resources, no other hosts can be added", fix: "Keep `*/*` alone, or list only the hosts the workloads need." });
    }
  });
  arrayOf<Spec>(spec.ingress).forEach((listener, index) => {
    const protocol = String(recordOf(listener?.port)?.protocol ?? "").toUpperCase();
    if (recordOf(recordOf(listener?.connectionPool)?.http) && protocol !== "" && !HTTP_PROTOCOLS.has(protocol)) {
      out.push({ path: ["spec", "ingress", index, "connectionPool", "http"], message: `sidecar: HTTP connection pool settings are configured for port ${String(recordOf(listener?.port)?.number ?? "")} (${JSON.stringify(String(recordOf(listener?.port)?.name ?? ""))}) but its protocol is not HTTP (${protocol}); only TCP settings will apply`, fix: "Remove connectionPool.http, or give the port an HTTP protocol." });
    }
    out.push(...serverTlsWarnings(recordOf(listener?.tls), ["spec", "ingress", index, "tls"]));
  });
  return out;
};

const destinationRule: Check = (spec, object) => {
  const out = emptySelector("workloadSelector", "matchLabels")(spec, object);
  // Istio keeps the warnings of the top-level trafficPolicy only (subset and port-level ones are dropped).
  const policy = recordOf(spec.trafficPolicy);
  if (!policy) return out;
  const outlier = recordOf(policy.outlierDetection);
  if (outlier?.consecutiveErrors !== undefined && outlier.consecutiveErrors !== 0) {
    out.push({ path: ["spec", "trafficPolicy", "outlierDetection", "consecutiveErrors"], message: "outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead", fix: "Use consecutive5xxErrors (or consecutiveGatewayErrors for 502/503/504 only)." });
  }
  const loadBalancer = recordOf(policy.loadBalancer);
  const ringSize = recordOf(loadBalancer?.consistentHash)?.minimumRingSize;
  if (ringSize !== undefined && ringSize !== 0) {
    out.push({ path: ["spec", "trafficPolicy", "loadBalancer", "consistentHash", "minimumRingSize"], message: "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead", fix: "Use consistentHash.ringHash.minimumRingSize." });
  }
  for (const field of ["localityLbSetting", "zoneAwareLbSetting"]) {
    const locality = recordOf(loadBalancer?.[field]);
    if (locality && (arrayOf(locality.failover).length > 0 || arrayOf(locality.failoverPriority).length > 0) && !outlier) {
      out.push({ path: ["spec", "trafficPolicy", "loadBalancer", field], message: "outlier detection policy must be provided for failover", fix: "Add trafficPolicy.outlierDetection: failover only happens when Envoy ejects unhealthy endpoints, which outlier detection decides." });
    }
  }
  return out;
};

const TCP_SOURCE_FIELDS = ["principals", "notPrincipals", "namespaces", "notNamespaces", "ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks", "serviceAccounts", "notServiceAccounts"];

const authorizationPolicy: Check = (spec, object) => {
  const out = emptySelector("selector", "matchLabels")(spec, object);
  if (spec.action !== "DENY") return out;
  arrayOf<Spec>(spec.rules).forEach((rule, index) => {
    const sources = arrayOf<Spec>(rule?.from).map((from) => recordOf(from?.source) ?? {});
    const operations = arrayOf<Spec>(rule?.to).map((to) => recordOf(to?.operation) ?? {});
    const httpOnlySource = sources.length > 0 && sources.every((source) => !TCP_SOURCE_FIELDS.some((field) => arrayOf(source[field]).length > 0)) && operations.length === 0;
    const operationWithoutPort = operations.some((operation) => arrayOf(operation.ports).length === 0 && arrayOf(operation.notPorts).length === 0);
    if (httpOnlySource || operationWithoutPort) {
      out.push({
        path: ["spec", "rules", index],
        message: "configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the use of only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port",
        fix: "Add to.operation.ports with the HTTP ports the rule is meant for, so TCP ports of the same workloads are not denied.",
      });
    }
  });
  return out;
};

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

const virtualService: Check = (spec) => {
  const out: SchemaWarning[] = [];
  arrayOf<Spec>(spec.http).forEach((route, index) => {
    if (route?.mirrorPercent !== undefined) out.push({ path: ["spec", "http", index, "mirrorPercent"], message: 'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead', fix: "Use mirrorPercentage: { value: <percent> }." });
    const body = recordOf(recordOf(route?.directResponse)?.body);
    const size = typeof body?.string === "string" ? Buffer.byteLength(body.string) : typeof body?.bytes === "string" ? Math.floor((body.bytes.length * 3) / 4) : 0;
    if (size > 100 * 1024 && size <= 1024 * 1024) out.push({ path: ["spec", "http", index, "directResponse", "body"], message: "large direct_responses may impact control plane performance", fix: "Serve large bodies from a workload; keep direct responses small." });
  });
  arrayOf<Spec>(spec.tls).forEach((route, index) => {
    arrayOf<Spec>(route?.match).forEach((match, matchIndex) => {
      arrayOf<unknown>(match?.sniHosts).forEach((host, hostIndex) => {
        if (typeof host === "string" && (IPV4.test(host) || IPV6.test(host))) out.push({ path: ["spec", "tls", index, "match", matchIndex, "sniHosts", hostIndex], message: `using an IP address (${JSON.stringify(host)}) goes against SNI spec and most clients do not support this`, fix: "Match on a host name; clients send no SNI for IP addresses." });
      });
      out.push(...legacyGateways(match?.gateways, ["spec", "tls", index, "match", matchIndex, "gateways"]));
    });
  });
  out.push(...legacyGateways(spec.gateways, ["spec", "gateways"]));
  return out;
};

/** Istio looks at gateway names up to the first one without a `/` (`mesh` included), and warns when that one is `name.namespace...`. */
function legacyGateways(value: unknown, path: Array<string | number>): SchemaWarning[] {
  const names = arrayOf<unknown>(value).map((name) => (typeof name === "string" ? name : ""));
  const index = names.findIndex((name) => !name.includes("/"));
  const name = names[index];
  if (name === undefined || !name.includes(".")) return [];
  const [gatewayName, namespace] = name.split(".") as [string, string];
  const preferred = `${namespace}/${gatewayName}`;
  return [{ path: [...path, index], message: `using legacy gatewayName format ${JSON.stringify(name)}; prefer the <namespace>/<name> format: ${JSON.stringify(preferred)}`, fix: `Write ${preferred}.` }];
}

const TCP_PROTOCOLS = new Set(["", "TCP", "TLS", "HTTPS", "MONGO", "MYSQL", "REDIS"]);

const serviceEntry: Check = (spec, object) => {
  const out = emptySelector("workloadSelector", "labels", "service entry")(spec, object);
  const resolution = String(spec.resolution ?? "NONE");
  arrayOf<unknown>(spec.hosts).forEach((host, index) => {
    if (resolution !== "DYNAMIC_DNS" && typeof host === "string" && host.includes("*") && host !== "*" && !host.startsWith("*.")) out.push({ path: ["spec", "hosts", index], message: `partial wildcard ${JSON.stringify(host)} not allowed`, fix: "Use a full label wildcard (*.example.com) or an exact host." });
  });
  if (resolution === "NONE" && spec.workloadSelector !== undefined) out.push({ path: ["spec", "workloadSelector"], message: "workloadSelector should not be set when resolution mode is NONE", fix: "Use resolution: STATIC with the workloadSelector, or drop the selector." });
  const tcpPort = arrayOf<Spec>(spec.ports).some((port) => TCP_PROTOCOLS.has(String(port?.protocol ?? "").toUpperCase()));
  if ((resolution === "DNS" || resolution === "DNS_ROUND_ROBIN") && arrayOf(spec.addresses).length > 0 && tcpPort && arrayOf(spec.hosts).length > 1) {
    out.push({ path: ["spec", "hosts"], message: "service entry can not have more than one host specified simultaneously with address and tcp port", fix: "Split the ServiceEntry: one host per entry when it has addresses and TCP ports." });
  }
  arrayOf<Spec>(spec.endpoints).forEach((endpoint, index) => out.push(...workloadAddress(endpoint, ["spec", "endpoints", index])));
  return out;
};

function workloadAddress(entry: Spec | undefined, path: Array<string | number>): SchemaWarning[] {
  if (!entry || (entry.address !== undefined && entry.address !== "") || typeof entry.network !== "string" || entry.network === "") return [];
  return [{ path: [...path, "address"], message: `address is unset with network ${JSON.stringify(entry.network)}`, fix: "Set the endpoint's address (reachable through the network's gateway)." }];
}

const telemetry: Check = (spec, object) => {
  const out = emptySelector("selector", "matchLabels")(spec, object);
  const tracing = arrayOf<Spec>(spec.tracing);
  if (tracing.length > 1) out.push({ path: ["spec", "tracing"], message: "multiple tracing is not currently supported", fix: "Keep one tracing entry." });
  tracing.forEach((entry, index) => {
    if (arrayOf(entry?.providers).length > 1) out.push({ path: ["spec", "tracing", index, "providers"], message: "multiple providers is not currently supported", fix: "Keep one tracing provider." });
  });
  arrayOf<Spec>(spec.metrics).forEach((metrics, index) =>
    arrayOf<Spec>(metrics?.overrides).forEach((override, overrideIndex) => {
      if (Object.keys(recordOf(override?.tagOverrides) ?? {}).includes("")) out.push({ path: ["spec", "metrics", index, "overrides", overrideIndex, "tagOverrides"], message: "tagOverrides.name may not be empty", fix: "Name each tag override." });
    }),
  );
  return out;
};

const envoyFilter: Check = (spec, object) => {
  const out = emptySelector("workloadSelector", "labels", "Envoy filter")(spec, object);
  arrayOf<Spec>(spec.configPatches).forEach((patch, index) => {
    const applyTo = String(patch?.applyTo ?? "");
    const filter = recordOf(recordOf(recordOf(recordOf(patch?.match)?.listener)?.filterChain)?.filter);
    if ((applyTo === "LISTENER" || applyTo === "FILTER_CHAIN") && filter) out.push({ path: ["spec", "configPatches", index, "match", "listener", "filterChain", "filter"], message: `Envoy filter: filter match has no effect when used with ${applyTo}`, fix: "Remove match.listener.filterChain.filter, or apply the patch to NETWORK_FILTER/HTTP_FILTER." });
    const proxyVersion = recordOf(recordOf(patch?.match)?.proxy)?.proxyVersion;
    if (typeof proxyVersion === "string" && proxyVersion.length > 1024) out.push({ path: ["spec", "configPatches", index, "match", "proxy", "proxyVersion"], message: "Envoy filter: proxyVersion match exceeds 1024 characters and will be ignored", fix: "Shorten the proxyVersion regular expression." });
  });
  return out;
};

const CHECKS: Record<string, Check> = {
  Gateway: gateway,
  Sidecar: sidecar,
  DestinationRule: destinationRule,
  AuthorizationPolicy: authorizationPolicy,
  RequestAuthentication: emptySelector("selector", "matchLabels"),
  PeerAuthentication: emptySelector("selector", "matchLabels"),
  ProxyConfig: emptySelector("selector", "matchLabels"),
  WasmPlugin: emptySelector("selector", "matchLabels"),
  Telemetry: telemetry,
  VirtualService: virtualService,
  ServiceEntry: serviceEntry,
  WorkloadEntry: (spec) => workloadAddress(spec, ["spec"]),
  EnvoyFilter: envoyFilter,
};

const WARNING_FIXES: Record<string, string> = {
  [ENVOY_FILTER_WARNING]: "Prefer a first-class API (Telemetry, WasmPlugin, DestinationRule, Sidecar, ProxyConfig) where one covers the need; otherwise re-check this EnvoyFilter against every Istio upgrade (https://istio.io/latest/docs/reference/config/networking/envoy-filter/).",
  "abort configured, but error type not set": "Set fault.abort.httpStatus (or grpcStatus) to the error to inject.",
};

/**
 * What Istio's validation accepts with a warning (istioctl analyze: IST0133): settings that do
 * something other than what they seem to, or are deprecated.
 *
 * | case | finding |
 * |---|---|
 * | AuthorizationPolicy with `selector: {}` | applies to every workload of the namespace |
 * | DENY rule on `to.operation.paths` without ports | also denies every TCP port of the workloads |
 * | DestinationRule locality `failover` without `outlierDetection` | failover never happens |
 * | Gateway `httpsRedirect` on an HTTPS server; PASSTHROUGH with a credentialName | ignored settings |
 * | Sidecar egress `./*` and `./reviews` | duplicated host |
 * | VirtualService `gateways: [bookinfo-gateway.istio-system]`, `mirrorPercent` | legacy and deprecated forms |
 * | ServiceEntry `*foo.com`, NONE resolution with a workloadSelector | partial wildcard, ignored selector |
 * | Telemetry with two tracing providers | only one is used |
 * | any EnvoyFilter | it patches Envoy internals that change between releases |
 * | anything without those | none |
 */
export const schemaWarning = defineRule({
  id: "istio/schema-warning",
  category: "config-schema-error",
  severity: "warning",
  title: "Istio accepts the resource with a validation warning",
  docs: {
    cause:
      "The resource is valid, but Istio's validation warns that part of it does not do what it seems to: a selector without labels applies to the whole namespace, a DENY rule with only HTTP attributes also denies TCP ports, locality failover without outlier detection never fails over, some settings are ignored or deprecated.",
    fix: "Change the field as the message says; each finding names the field and the setting to use instead.",
    verify: ["istioctl analyze -n <namespace>   # no IST0133", "kubectl apply --dry-run=server -f <file>   # the API server prints the same warnings"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0133/"],
  },
  // KIA1108 (Kiali: preferred nomenclature <namespace>/<name>) goes with the legacy gateway-name warning only.
  equivalents: ["IST0133", "KIA1108"],
  inputs: ["istio"],
  reads: ["AuthorizationPolicy", "DestinationRule", "EndpointSlice", "Endpoints", "EnvoyFilter", "Gateway", "PeerAuthentication", "ProxyConfig", "RequestAuthentication", "Service", "ServiceEntry", "Sidecar", "Telemetry", "VirtualService", "WasmPlugin", "WorkloadEntry", "WorkloadGroup"],
  scopes: ["lint", "diagnose"],
  messages: {
    "validation-warning": "{resource} {field}: {warning}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const kind of new Set([...Object.keys(CHECKS), ...VALIDATED_KINDS])) {
      const check = CHECKS[kind];
      for (const object of view.kind(kind)) {
        if (!(object.apiVersion ?? "").includes("istio.io/")) continue;
        const spec = recordOf(object.spec);
        if (!spec) continue;
        const validation = istioValidationResult(object);
        if (validation.warningsDropped) continue;
        const warnings = check ? check(spec, object) : [];
        for (const message of validation.list) {
          if (message.level !== "warning" || warnings.some((warning) => warning.message === message.message)) continue;
          warnings.push({ path: message.path, message: message.message, fix: WARNING_FIXES[message.message] ?? "Change the field as the message says." });
        }
        for (const warning of warnings) {
          reportIstio(this, ctx, {
            object,
            code: "IST0133",
            equivalents: warning.message.startsWith("using legacy gatewayName format") ? ["KIA1108"] : [],
            args: [warning.message],
            path: warning.path,
            message: "validation-warning",
            data: { resource: refOf(object), field: formatPath(warning.path), warning: warning.message },
            cause: `Istio accepts ${refOf(object)} but warns: ${warning.message}.`,
            fix: { description: warning.fix, commands: [kubectl("edit", object)] },
            verify: [analyzeCommand(object)],
          });
        }
      }
    }
  },
});
