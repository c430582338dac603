/**
 * What Istio's validation rejects in a Sidecar
 * (https://istio.io/latest/docs/reference/config/networking/sidecar/). Its warnings (selector
 * without labels, duplicated egress hosts, HTTP pool settings on a TCP port) are
 * istio/schema-warning's.
 */
import { arrayOf, recordOf } from "../../k8s/objects.js";
import { connectionPool } from "./destination-rule.js";
import { tlsOptions } from "./gateway.js";
import { fqdnProblem, type FieldPath, isDnsLabel, isIpAddress, isTlsProtocol, Messages, partialWildcardProblem, portNameProblem, portProblem, protocolOf, protocolProblem, type Spec, unixAddressProblem, wildcardDomainProblem } from "./common.js";
import { destination } from "./virtual-service.js";

const UNIX = "unix://";
const str = (value: unknown): string => (typeof value === "string" ? value : "");
const num = (value: unknown): number => (typeof value === "number" ? value : 0);
const present = (value: unknown): boolean => value !== undefined && value !== null;

export function validateSidecar(spec: Spec): Messages {
  const out = new Messages();
  const selector = recordOf(spec.workloadSelector);
  for (const [key, value] of Object.entries(recordOf(selector?.labels) ?? {})) {
    if (key === "") out.error(["spec", "workloadSelector"], `empty key is not supported in selector: "=${String(value)}"`);
    if (key.includes("*") || String(value).includes("*")) out.error(["spec", "workloadSelector"], `wildcard is not supported in selector: "${key}=${String(value)}"`);
  }
  if (out.list.length > 0 || !["egress", "ingress"].some((field) => arrayOf(spec[field]).length > 0) && !present(spec.outboundTrafficPolicy) && !present(spec.inboundConnectionPool)) {
    if (out.list.length === 0) out.error(["spec"], "sidecar: empty configuration provided");
    out.warningsDropped = true;
    return out;
  }
  const ingressPorts = new Set<number>();
  arrayOf<unknown>(spec.ingress).forEach((entry, index) => ingressListener(out, recordOf(entry), ["spec", "ingress", index], ingressPorts));
  const inbound = recordOf(spec.inboundConnectionPool);
  if (inbound) connectionPool(out, inbound, ["spec", "inboundConnectionPool"]);
  const egressPorts = new Set<number>();
  const sockets = new Set<string>();
  const egress = arrayOf<unknown>(spec.egress);
  let catchAll = false;
  egress.forEach((entry, index) => {
    const path = ["spec", "egress", index];
    const listener = recordOf(entry);
    if (!listener) return out.error(path, "egress listener may not be null");
    const port = recordOf(listener.port);
    if (!port) {
      if (catchAll) return out.error(path, "sidecar: egress can have only one listener with empty port");
      if (index === egress.length - 1) catchAll = true;
      else out.error(path, "sidecar: the egress listener with empty port should be the last listener in the list");
    } else {
      if (num(port.targetPort) > 0) out.error([...path, "port", "targetPort"], "targetPort has no impact on Sidecars");
      const bind = str(listener.bind);
      egressPortAndBind(out, port, bind, str(listener.captureMode), path);
      if (num(port.number) === 0) {
        if (sockets.has(bind)) out.error([...path, "bind"], "sidecar: unix domain socket values for listeners must be unique");
        sockets.add(bind);
      } else {
        if (egressPorts.has(num(port.number))) out.error([...path, "port", "number"], "sidecar: ports on IP bound listeners must be unique");
        egressPorts.add(num(port.number));
      }
    }
    const hosts = arrayOf<unknown>(listener.hosts).map(str);
    if (hosts.length === 0) out.error([...path, "hosts"], "sidecar: egress listener must contain at least one host");
    hosts.forEach((host, hostIndex) => {
      for (const problem of egressHostProblems(host)) out.error([...path, "hosts", hostIndex], problem);
    });
  });
  outboundTrafficPolicy(out, recordOf(spec.outboundTrafficPolicy), ["spec", "outboundTrafficPolicy"]);
  return out;
}

function ingressListener(out: Messages, listener: Spec | undefined, path: FieldPath, ports: Set<number>): void {
  if (!listener) return out.error(path, "sidecar: ingress may not be null");
  const port = recordOf(listener.port);
  if (!port) return out.error(path, "sidecar: port is required for ingress listeners");
  if (num(port.targetPort) > 0) out.error([...path, "port", "targetPort"], "targetPort has no impact on Sidecars");
  portNameProtocolNumber(out, port, [...path, "port"]);
  const bind = str(listener.bind);
  if (bind !== "" && !isIpAddress(bind)) out.error([...path, "bind"], `${bind} is not a valid IP`);
  if (ports.has(num(port.number))) out.error([...path, "port", "number"], "sidecar: ports on IP bound listeners must be unique");
  ports.add(num(port.number));
  const endpoint = str(listener.defaultEndpoint);
  if (endpoint !== "") {
    for (const problem of defaultEndpointProblems(endpoint)) out.error([...path, "defaultEndpoint"], problem);
  }
  const tls = recordOf(listener.tls);
  if (tls) {
    const at = [...path, "tls"];
    if (arrayOf(tls.subjectAltNames).length > 0) out.error([...at, "subjectAltNames"], "sidecar: subjectAltNames is not supported in ingress tls");
    if (tls.httpsRedirect === true) out.error([...at, "httpsRedirect"], "sidecar: httpsRedirect is not supported");
    if (str(tls.credentialName) !== "") out.error([...at, "credentialName"], "sidecar: credentialName is not currently supported");
    if (arrayOf(tls.credentialNames).length > 0) out.error([...at, "credentialNames"], "sidecar: credentialNames is not currently supported");
    if (arrayOf(tls.tlsCertificates).length > 0) out.error([...at, "tlsCertificates"], "sidecar: tls_certificates is not currently supported");
    if (tls.mode === "ISTIO_MUTUAL" || tls.mode === "AUTO_PASSTHROUGH") out.error([...at, "mode"], `configuration is invalid: cannot set mode to ${String(tls.mode)} in sidecar ingress tls`);
    if (!isTlsProtocol(protocolOf(port.protocol))) out.error(at, "server cannot have TLS settings for non HTTPS/TLS ports");
    tlsOptions(out, tls, at);
  }
  const pool = recordOf(listener.connectionPool);
  if (pool) connectionPool(out, pool, [...path, "connectionPool"]);
}

function portNameProtocolNumber(out: Messages, port: Spec, path: FieldPath): void {
  const name = str(port.name);
  if (name !== "") {
    const problem = portNameProblem(name);
    if (problem) out.error([...path, "name"], problem);
  }
  const protocol = protocolProblem(port.protocol ?? "");
  if (protocol) out.error([...path, "protocol"], protocol);
  const number = portProblem(port.number ?? 0);
  if (number) out.error([...path, "number"], number);
}

function egressPortAndBind(out: Messages, port: Spec, bind: string, captureMode: string, path: FieldPath): void {
  if (num(port.number) !== 0) {
    portNameProtocolNumber(out, port, [...path, "port"]);
    if (bind !== "" && !isIpAddress(bind)) out.error([...path, "bind"], `${bind} is not a valid IP`);
    return;
  }
  const name = str(port.name);
  const nameProblem = name !== "" ? portNameProblem(name) : undefined;
  if (nameProblem) out.error([...path, "port", "name"], nameProblem);
  const protocol = protocolProblem(port.protocol ?? "");
  if (protocol) out.error([...path, "port", "protocol"], protocol);
  if (!bind.startsWith(UNIX)) out.error([...path, "bind"], "sidecar: ports with 0 value must have a unix domain socket bind address");
  else {
    const unix = unixAddressProblem(bind.slice(UNIX.length));
    if (unix) out.error([...path, "bind"], unix);
  }
  if (captureMode !== "" && captureMode !== "DEFAULT" && captureMode !== "NONE") out.error([...path, "captureMode"], "sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners");
}

const notANumber = (port: string): string => `sidecar: defaultEndpoint port (${port}) is not a number: strconv.Atoi: parsing ${JSON.stringify(port)}: invalid syntax`;

/** `127.0.0.1:port`, `0.0.0.0:port`, `[::1]:port`, `[::]:port`, `:port` or `unix:///path`. */
function defaultEndpointProblems(endpoint: string): string[] {
  if (endpoint.startsWith(UNIX)) return [unixAddressProblem(endpoint.slice(UNIX.length))].filter((problem): problem is string => problem !== undefined);
  const colon = endpoint.lastIndexOf(":");
  // Go's net.SplitHostPort leaves the host and port empty when it fails, and Istio then reads the empty port.
  if (colon < 0) return [`address ${endpoint}: missing port in address`, notANumber("")];
  let host = endpoint.slice(0, colon);
  const port = endpoint.slice(colon + 1);
  const out: string[] = [];
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  else if (host.includes(":")) return [`address ${endpoint}: too many colons in address`, notANumber("")];
  if (host !== "" && !["127.0.0.1", "0.0.0.0", "::1", "::"].includes(host)) out.push("sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset");
  if (!/^[+-]?\d+$/.test(port)) out.push(notANumber(port));
  else {
    const problem = portProblem(Number(port));
    if (problem) out.push(problem);
  }
  return out;
}

/** An egress host: `namespace/dnsName`, the namespace `*`, `.`, `~ns` or a DNS label, the name a FQDN or wildcard. */
export function egressHostProblems(entry: string): string[] {
  const slash = entry.indexOf("/");
  if (slash < 0) return ["host must be of form namespace/dnsName"];
  const namespace = entry.slice(0, slash);
  const host = entry.slice(slash + 1);
  const out: string[] = [];
  if (namespace === "" || host === "") out.push("config namespace and dnsName in host entry cannot be empty");
  const bare = namespace.startsWith("~") ? namespace.slice(1) : namespace;
  if (bare !== "" && bare !== "*" && bare !== "." && !isDnsLabel(bare)) out.push(`invalid namespace value "${namespace}" in sidecar`);
  if (host !== "*" && !host.includes(".")) out.push("short names (non FQDN) are not allowed");
  const domain = wildcardDomainProblem(host);
  if (domain) out.push(domain);
  const partial = partialWildcardProblem(host);
  if (partial) out.push(partial);
  return out;
}

function outboundTrafficPolicy(out: Messages, policy: Spec | undefined, path: FieldPath): void {
  if (!policy) return;
  const mode = str(policy.mode) || "REGISTRY_ONLY";
  if (mode === "ALLOW_ANY_DYNAMIC_DNS") return out.error([...path, "mode"], "sidecar: ALLOW_ANY_DYNAMIC_DNS mode is only supported in MeshConfig, not in Sidecar resource");
  const proxy = recordOf(policy.egressProxy);
  if (!proxy) return;
  if (mode !== "ALLOW_ANY") return out.error([...path, "egressProxy"], "sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode");
  const host = fqdnProblem(str(proxy.host));
  if (host) out.error([...path, "egressProxy", "host"], host);
  if (!recordOf(proxy.port)) return out.error([...path, "egressProxy", "port"], "sidecar: egress_proxy port must be non-nil");
  destination(out, proxy, [...path, "egressProxy"]);
}
