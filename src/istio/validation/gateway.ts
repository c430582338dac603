/**
 * What Istio's validation rejects in an Istio Gateway
 * (https://istio.io/latest/docs/reference/config/networking/gateway/). Its warnings (httpsRedirect
 * on a non-HTTP server, ignored certificates, old TLS versions) are istio/schema-warning's.
 */
import { arrayOf, recordOf } from "../../k8s/objects.js";
import { isDnsLabel, isIpAddress, Messages, portProblem, type Spec, wildcardDomainProblem } from "./common.js";

const PROTOCOLS = new Set(["tcp", "udp", "grpc", "grpc-web", "http", "http_proxy", "http2", "https", "tls", "mongo", "redis", "mysql"]);
const HTTP = new Set(["http", "http2", "http_proxy", "grpc", "grpc-web"]);
const TLS = new Set(["https", "tls"]);
const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** A server host: `host`, `ns/host`, `./host` or `*\/host`, where host is a FQDN, `*`, `*.suffix` or an IP. */
export function gatewayHostProblems(entry: string): string[] {
  const slash = entry.indexOf("/");
  const out: string[] = [];
  let host = entry;
  if (slash >= 0) {
    const namespace = entry.slice(0, slash);
    host = entry.slice(slash + 1);
    if (namespace === "" || host === "") out.push("config namespace and dnsName in host entry cannot be empty");
    if (namespace !== "*" && namespace !== "." && !isDnsLabel(namespace)) out.push(`invalid namespace value "${namespace}" in gateway`);
  }
  if (host !== "*" && !host.includes(".")) out.push("short names (non FQDN) are not allowed");
  const domain = wildcardDomainProblem(host);
  if (domain && !isIpAddress(host)) out.push(domain);
  if (host.includes("*") && host.length !== 1 && !host.startsWith("*.")) out.push(`partial wildcard "${host}" not allowed`);
  return out;
}

export function validateGateway(spec: Spec, name: string): Messages {
  const out = new Messages();
  if (!isDnsLabel(name)) out.error(["metadata", "name"], `invalid gateway name: "${name}"`);
  const servers = arrayOf<unknown>(spec.servers);
  if (servers.length === 0) out.error(["spec", "servers"], "gateway must have at least one server");
  const portNames = new Set<string>();
  servers.forEach((entry, index) => {
    const path = ["spec", "servers", index];
    const server = recordOf(entry);
    if (!server) return out.error(path, "server may not be nil");
    const hosts = arrayOf<unknown>(server.hosts).filter((host): host is string => typeof host === "string");
    if (hosts.length === 0) out.error([...path, "hosts"], "server config must contain at least one host");
    hosts.forEach((host, hostIndex) => {
      for (const problem of gatewayHostProblems(host)) out.error([...path, "hosts", hostIndex], problem);
    });
    const port = recordOf(server.port);
    const bind = str(server.bind);
    let portValid = false;
    if (!port) {
      out.error([...path, "port"], "port is required");
    } else {
      const before = out.list.length;
      const protocol = str(port.protocol).toLowerCase();
      if (!PROTOCOLS.has(protocol)) out.error([...path, "port", "protocol"], `invalid protocol "${str(port.protocol)}", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`);
      const number = typeof port.number === "number" ? port.number : 0;
      if (number > 0 || !bind.startsWith("unix://")) {
        const problem = portProblem(number);
        if (problem) out.error([...path, "port", "number"], problem);
      }
      if (typeof port.targetPort === "number" && port.targetPort > 0) out.error([...path, "port", "targetPort"], "targetPort has no impact on Gateways");
      if (str(port.name) === "") out.error([...path, "port"], "port name must be set");
      portValid = out.list.length === before;
      const portName = str(port.name);
      if (portNames.has(portName)) out.error([...path, "port", "name"], `port names in servers must be unique: duplicate name ${portName}`);
      portNames.add(portName);
    }
    if (bind.startsWith("unix://")) {
      if (bind.length === "unix://".length) out.error([...path, "bind"], "unix address must not be empty");
      if (port && typeof port.number === "number" && port.number !== 0) out.error([...path, "bind"], "port number must be 0 for unix domain socket");
    } else if (bind !== "" && !isIpAddress(bind)) {
      out.error([...path, "bind"], `${bind} is not a valid IP`);
    }
    const tls = recordOf(server.tls);
    if (tls) tlsOptions(out, tls, [...path, "tls"]);
    if (portValid && port) {
      const protocol = str(port.protocol).toLowerCase();
      const passthrough = tls !== undefined && ["PASSTHROUGH", "AUTO_PASSTHROUGH", ""].includes(str(tls.mode));
      if (TLS.has(protocol) && !tls) out.error([...path, "tls"], "server must have TLS settings for HTTPS/TLS protocols");
      else if (!TLS.has(protocol) && tls) {
        if (HTTP.has(protocol)) {
          if (!passthrough || str(tls.caCertificates) !== "" || str(tls.privateKey) !== "" || str(tls.serverCertificate) !== "") out.error([...path, "tls"], "server cannot have TLS settings for plain text HTTP ports");
        } else {
          out.error([...path, "tls"], "server cannot have TLS settings for non HTTPS/TLS ports");
        }
      }
    }
  });
  return out;
}

export function tlsOptions(out: Messages, tls: Spec, path: Array<string | number>): void {
  const mode = str(tls.mode) || "PASSTHROUGH";
  const set = (field: string) => str(tls[field]) !== "";
  const certificates = arrayOf<Spec>(tls.tlsCertificates);
  const credentialNames = arrayOf<unknown>(tls.credentialNames);
  if (mode === "ISTIO_MUTUAL") {
    if (set("serverCertificate")) out.error([...path, "serverCertificate"], "ISTIO_MUTUAL TLS cannot have associated server certificate");
    if (set("privateKey")) out.error([...path, "privateKey"], "ISTIO_MUTUAL TLS cannot have associated private key");
    if (set("caCertificates")) out.error([...path, "caCertificates"], "ISTIO_MUTUAL TLS cannot have associated CA bundle");
    if (certificates.length > 0) out.error([...path, "tlsCertificates"], "ISTIO_MUTUAL TLS cannot have associated tlsCertificates");
    if (set("credentialName")) out.error([...path, "credentialName"], "ISTIO_MUTUAL TLS cannot have associated credentialName");
    if (credentialNames.length > 0) out.error([...path, "credentialNames"], "ISTIO_MUTUAL TLS cannot have associated credentialNames");
    return;
  }
  const sources = [set("serverCertificate") && set("privateKey"), set("credentialName"), credentialNames.length > 0, certificates.length > 0].filter(Boolean).length;
  if (sources > 1) out.error(path, "only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified");
  const terminating = mode === "SIMPLE" || mode === "MUTUAL" || mode === "OPTIONAL_MUTUAL";
  if (terminating && (set("credentialName") || credentialNames.length > 0)) return;
  if (terminating) {
    const prefix = mode === "SIMPLE" ? "SIMPLE TLS" : "MUTUAL TLS";
    if (mode !== "SIMPLE" && !set("caCertificates")) out.error([...path, "caCertificates"], `${prefix} requires a client CA bundle`);
    const toVerify = certificates.length > 0 ? certificates : [tls];
    for (const certificate of toVerify) {
      if (str(recordOf(certificate)?.serverCertificate) === "") out.error([...path, "serverCertificate"], `${prefix} requires a server certificate`);
      if (str(recordOf(certificate)?.privateKey) === "") out.error([...path, "privateKey"], `${prefix} requires a private key`);
    }
  }
  if (set("caCrl")) {
    if (set("credentialName")) out.error([...path, "caCrl"], "CRL is not supported with credentialName. CRL has to be specified in the credential");
    if (mode === "SIMPLE") out.error([...path, "caCrl"], "CRL is not supported with SIMPLE TLS");
  }
}
