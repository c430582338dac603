/**
 * What Istio's validation rejects in a DestinationRule
 * (https://istio.io/latest/docs/reference/config/networking/destination-rule/).
 */
import { arrayOf, recordOf } from "../../k8s/objects.js";
import { checkExportTo, durationProblem, type FieldPath, fqdnProblem, isIpAddress, labelsProblems, Messages, percentProblem, portProblem, type Spec, subsetNameProblem, wildcardDomainProblem } from "./common.js";
import { localityLbSetting, zoneAwareLbSetting } from "./locality.js";

const str = (value: unknown): string => (typeof value === "string" ? value : "");
const num = (value: unknown): number => (typeof value === "number" ? value : 0);
const present = (value: unknown): boolean => value !== undefined && value !== null;

export function validateDestinationRule(spec: Spec, namespace: string): Messages {
  const out = new Messages();
  const host = wildcardDomainProblem(str(spec.host));
  if (host) out.error(["spec", "host"], host);
  trafficPolicy(out, recordOf(spec.trafficPolicy), ["spec", "trafficPolicy"], namespace);
  const names = new Set<string>();
  arrayOf<unknown>(spec.subsets).forEach((entry, index) => {
    const path = ["spec", "subsets", index];
    const subset = recordOf(entry);
    if (!subset) return out.error(path, "subset may not be null");
    const name = str(subset.name);
    if (names.has(name)) out.error([...path, "name"], `duplicate subset names: ${name}`);
    names.add(name);
    const nameProblem = subsetNameProblem(name);
    if (nameProblem) out.error([...path, "name"], nameProblem);
    for (const problem of labelsProblems(subset.labels)) out.error([...path, "labels"], problem);
    trafficPolicy(out, recordOf(subset.trafficPolicy), [...path, "trafficPolicy"], namespace);
  });
  const selector = recordOf(spec.workloadSelector);
  checkExportTo(out, spec, namespace, { selectorDestinationRule: selector !== undefined });
  if (selector) {
    for (const [key, value] of Object.entries(recordOf(selector.matchLabels) ?? {})) {
      if (key === "") out.error(["spec", "workloadSelector"], `empty key is not supported in selector: "=${String(value)}"`);
      if (key.includes("*") || String(value).includes("*")) out.error(["spec", "workloadSelector"], `wildcard is not supported in selector: "${key}=${String(value)}"`);
    }
  }
  return out;
}

function duration(out: Messages, value: unknown, path: FieldPath): void {
  const problem = durationProblem(value);
  if (problem) out.error(path, problem);
}

function trafficPolicy(out: Messages, policy: Spec | undefined, path: FieldPath, namespace: string): void {
  if (!policy) return;
  const fields = ["outlierDetection", "connectionPool", "loadBalancer", "tls", "portLevelSettings", "tunnel", "proxyProtocol", "retryBudget"];
  if (!fields.some((field) => present(policy[field]))) return out.error(path, "traffic policy must have at least one field");
  if (present(policy.tunnel) && present(policy.proxyProtocol)) return out.error(path, "tunnel and proxyProtocol must not be set together");
  settings(out, policy, path, namespace);
  arrayOf<unknown>(policy.portLevelSettings).forEach((entry, index) => {
    const at = [...path, "portLevelSettings", index];
    const port = recordOf(entry);
    if (!port) return out.error(at, "traffic policy may not be null");
    if (!recordOf(port.port)) out.error(at, "portTrafficPolicy must have valid port");
    if (!["outlierDetection", "connectionPool", "loadBalancer", "tls"].some((field) => present(port[field]))) out.error(at, "port traffic policy must have at least one field");
    else settings(out, port, at, namespace);
  });
  tunnel(out, recordOf(policy.tunnel), [...path, "tunnel"]);
  const version = recordOf(policy.proxyProtocol)?.version;
  if (version !== undefined && version !== "V1" && version !== "V2" && version !== 0 && version !== 1) out.error([...path, "proxyProtocol", "version"], `proxy protocol version is invalid: ${String(version)}`);
}

function tunnel(out: Messages, settings: Spec | undefined, path: FieldPath): void {
  if (!settings) return;
  const protocol = str(settings.protocol);
  if (protocol !== "" && protocol !== "CONNECT" && protocol !== "POST") out.error([...path, "protocol"], 'tunnel protocol must be "CONNECT" or "POST"');
  const host = str(settings.targetHost);
  const fqdn = fqdnProblem(host);
  if (fqdn && !isIpAddress(host)) out.error([...path, "targetHost"], `tunnel target host must be valid FQDN or IP address: ${fqdn}; ${host} is not a valid IP`);
  const port = portProblem(typeof settings.targetPort === "number" ? settings.targetPort : 0);
  if (port) out.error([...path, "targetPort"], `tunnel target port is invalid: ${port}`);
}

function settings(out: Messages, policy: Spec, path: FieldPath, namespace: string): void {
  const outlier = recordOf(policy.outlierDetection);
  if (outlier) {
    const at = [...path, "outlierDetection"];
    duration(out, outlier.baseEjectionTime, [...at, "baseEjectionTime"]);
    duration(out, outlier.interval, [...at, "interval"]);
    const local = recordOf(outlier.consecutiveLocalOriginFailures)?.value ?? outlier.consecutiveLocalOriginFailures;
    if (outlier.splitExternalLocalOriginErrors !== true && num(local) > 0) out.error(at, "outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false");
    for (const field of ["maxEjectionPercent", "minHealthPercent"]) {
      const problem = percentProblem(outlier[field]);
      if (problem) out.error([...at, field], problem);
    }
  }
  const pool = recordOf(policy.connectionPool);
  if (pool) connectionPool(out, pool, [...path, "connectionPool"]);
  const balancer = recordOf(policy.loadBalancer);
  if (balancer) loadBalancer(out, balancer, [...path, "loadBalancer"]);
  const tls = recordOf(policy.tls);
  if (tls) clientTls(out, tls, [...path, "tls"], namespace);
}

export function connectionPool(out: Messages, pool: Spec, path: FieldPath): void {
  const http = recordOf(pool.http);
  const tcp = recordOf(pool.tcp);
  if (!http && !tcp) return out.error(path, "connection pool must have at least one field");
  if (http) {
    const at = [...path, "http"];
    for (const [field, message] of [["http1MaxPendingRequests", "http1 max pending requests"], ["http2MaxRequests", "http2 max requests"], ["maxRequestsPerConnection", "max requests per connection"], ["maxRetries", "max retries"], ["maxConcurrentStreams", "max concurrent streams"]] as const) {
      if (num(http[field]) < 0) out.error([...at, field], `${message} must be non-negative`);
    }
    duration(out, http.idleTimeout, [...at, "idleTimeout"]);
    const keepalive = recordOf(http.http2KeepAlive);
    if (keepalive) {
      for (const field of ["interval", "timeout"]) {
        if (!present(keepalive[field])) out.error([...at, "http2KeepAlive"], `http2 keepalive ${field} is required`);
        else duration(out, keepalive[field], [...at, "http2KeepAlive", field]);
      }
    }
    if (http.h2UpgradePolicy === "UPGRADE" && http.useClientProtocol === true) out.error([...at, "useClientProtocol"], "use client protocol must not be true when H2UpgradePolicy is UPGRADE");
  }
  if (tcp) {
    const at = [...path, "tcp"];
    if (num(tcp.maxConnections) < 0) out.error([...at, "maxConnections"], "max connections must be non-negative");
    duration(out, tcp.connectTimeout, [...at, "connectTimeout"]);
    duration(out, tcp.maxConnectionDuration, [...at, "maxConnectionDuration"]);
    // A timeout under 1ms is 0ms, which turns the timeout off.
    if (!wholeMillisecondsZero(tcp.idleTimeout)) duration(out, tcp.idleTimeout, [...at, "idleTimeout"]);
    const keepalive = recordOf(tcp.tcpKeepalive);
    if (keepalive) {
      duration(out, keepalive.time, [...at, "tcpKeepalive", "time"]);
      duration(out, keepalive.interval, [...at, "tcpKeepalive", "interval"]);
    }
  }
}

function wholeMillisecondsZero(value: unknown): boolean {
  const match = typeof value === "string" ? /^(-?\d+(?:\.\d+)?)s$/.exec(value) : null;
  return match !== null && Math.trunc(Number(match[1]) * 1000) === 0;
}

/** Envoy's isPrime, which Istio copies: 1, 2 and 3 are prime, 0 is not. */
function isPrime(value: number): boolean {
  if (value !== 0 && value < 4) return true;
  if (value % 2 === 0) return false;
  for (let factor = 3; factor <= Math.floor(Math.sqrt(value)); factor += 2) if (value % factor === 0) return false;
  return true;
}

function loadBalancer(out: Messages, balancer: Spec, path: FieldPath): void {
  const hash = recordOf(balancer.consistentHash);
  if (hash) {
    const at = [...path, "consistentHash"];
    const cookie = recordOf(hash.httpCookie);
    if (cookie && str(cookie.name) === "") out.error([...at, "httpCookie"], "name required for HttpCookie");
    const attributeNames = new Set<string>();
    arrayOf<unknown>(cookie?.attributes).forEach((attribute, index) => {
      const name = str(recordOf(attribute)?.name);
      if (name === "") out.error([...at, "httpCookie", "attributes", index], "cookie attribute name cannot be empty");
      else if (attributeNames.has(name)) out.error([...at, "httpCookie", "attributes", index], `duplicate cookie attribute name: ${name}`);
      attributeNames.add(name);
    });
    if (num(hash.minimumRingSize) !== 0 && (present(hash.maglev) || present(hash.ringHash))) out.error(at, "only one of MinimumRingSize or Maglev/Ringhash can be specified");
    const maglev = recordOf(hash.maglev);
    if (maglev) {
      const size = num(maglev.tableSize);
      if (size === 0) out.error([...at, "maglev", "tableSize"], "tableSize must be set for maglev");
      if (size >= 5000011) out.error([...at, "maglev", "tableSize"], "tableSize must be less than 5000011 for maglev");
      if (!isPrime(size)) out.error([...at, "maglev", "tableSize"], "tableSize must be a prime number for maglev");
    }
  }
  if (present(balancer.localityLbSetting) && present(balancer.zoneAwareLbSetting)) out.error(path, "only one of localityLbSetting and zoneAwareLbSetting can be set");
  const locality = recordOf(balancer.localityLbSetting);
  if (locality) localityLbSetting(out, locality, [...path, "localityLbSetting"]);
  const zoneAware = recordOf(balancer.zoneAwareLbSetting);
  if (zoneAware) zoneAwareLbSetting(out, zoneAware, [...path, "zoneAwareLbSetting"]);
  const warmup = recordOf(balancer.warmup);
  if (warmup) {
    if (!present(warmup.duration)) out.error([...path, "warmup"], "duration is required");
    else duration(out, warmup.duration, [...path, "warmup", "duration"]);
    if (num(recordOf(warmup.minimumPercent)?.value ?? warmup.minimumPercent) > 100) out.error([...path, "warmup", "minimumPercent"], "minimumPercent value should be less than or equal to 100");
    const aggression = recordOf(warmup.aggression)?.value ?? warmup.aggression;
    if (present(aggression) && num(aggression) <= 0) out.error([...path, "warmup", "aggression"], "aggression should be greater than 0");
  }
}

/** ClientTLSSettings, as a DestinationRule (or a ServiceEntry's sidecar) originates TLS. */
export function clientTls(out: Messages, tls: Spec, path: FieldPath, namespace: string): void {
  const mode = str(tls.mode);
  const set = (field: string) => str(tls[field]) !== "";
  const credential = str(tls.credentialName);
  if (credential.startsWith("configmap://")) {
    const problem = configMapCredentialProblem(credential, namespace);
    if (problem) out.error([...path, "credentialName"], `invalid configmap:// credentialName: ${problem}`);
  }
  const skipVerify = tls.insecureSkipVerify === true || recordOf(tls.insecureSkipVerify)?.value === true;
  if (skipVerify) {
    if (mode === "SIMPLE" && (set("caCertificates") || set("credentialName") || present(tls.subjectAltNames))) out.error(path, "cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true");
    if (mode === "MUTUAL" && (set("caCertificates") || present(tls.subjectAltNames))) out.error(path, "cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true");
  }
  if ((mode === "SIMPLE" || mode === "MUTUAL") && set("credentialName")) {
    if (set("clientCertificate") || set("caCertificates") || set("privateKey") || set("caCrl")) out.error(path, "cannot specify client certificates or CA certificate or CA CRL If credentialName is set");
    return;
  }
  if (mode === "MUTUAL") {
    if (!set("clientCertificate")) out.error([...path, "clientCertificate"], "client certificate required for mutual tls");
    if (!set("privateKey")) out.error([...path, "privateKey"], "private key required for mutual tls");
  }
}

/** A `configmap://<namespace>/<name>` CA bundle, which must be in the DestinationRule's own namespace. */
function configMapCredentialProblem(credential: string, namespace: string): string | undefined {
  const parts = credential.slice("configmap://".length).split("/");
  if (parts.length <= 1) return `invalid resource name ${JSON.stringify(credential)}. Expected namespace and name`;
  if (parts[0] === "") return `invalid resource name ${JSON.stringify(credential)}. Expected namespace`;
  if (parts[1] === "") return `invalid resource name ${JSON.stringify(credential)}. Expected name`;
  return parts[0] !== namespace || namespace === "" ? `namespace must match the configuration namespace ${JSON.stringify(namespace)}` : undefined;
}
