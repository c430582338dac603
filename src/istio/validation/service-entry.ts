/**
 * What Istio's validation rejects or warns about in a ServiceEntry
 * (https://istio.io/latest/docs/reference/config/networking/service-entry/), and in a
 * WorkloadEntry or WorkloadGroup (https://istio.io/latest/docs/reference/config/networking/workload-entry/).
 */
import { arrayOf, recordOf } from "../../k8s/objects.js";
import {
  checkExportTo,
  type FieldPath,
  fqdnProblem,
  ipSubnetProblem,
  isHttpProtocol,
  isIpAddress,
  isTcpProtocol,
  isTlsProtocol,
  labelsProblems,
  Messages,
  partialWildcardProblem,
  portNameProblem,
  portProblem,
  protocolOf,
  protocolProblem,
  type Spec,
  unixAddressProblem,
  wildcardDomainProblem,
} from "./common.js";

const UNIX = "unix://";
const str = (value: unknown): string => (typeof value === "string" ? value : "");
const num = (value: unknown): number => (typeof value === "number" ? value : 0);
const present = (value: unknown): boolean => value !== undefined && value !== null;

export function validateServiceEntry(spec: Spec, namespace: string, labels: Record<string, unknown>): Messages {
  const out = new Messages();
  const selector = recordOf(spec.workloadSelector);
  for (const [key, value] of Object.entries(recordOf(selector?.labels) ?? {})) {
    if (key === "") out.error(["spec", "workloadSelector"], `empty key is not supported in selector: "=${String(value)}"`);
    if (key.includes("*") || String(value).includes("*")) out.error(["spec", "workloadSelector"], `wildcard is not supported in selector: "${key}=${String(value)}"`);
  }
  if (out.list.length > 0) {
    out.warningsDropped = true;
    return out;
  }
  if (selector && Object.keys(recordOf(selector.labels) ?? {}).length === 0) out.warning(["spec", "workloadSelector"], "service entry: workload selector specified without labels, will be applied to all services in namespace");
  const endpoints = arrayOf<unknown>(spec.endpoints);
  if (selector && endpoints.length > 0) out.error(["spec"], "only one of WorkloadSelector or Endpoints is allowed in Service Entry");
  const resolution = str(spec.resolution) || "NONE";
  const hosts = arrayOf<unknown>(spec.hosts).map(str);
  if (hosts.length === 0) out.error(["spec", "hosts"], "service entry must have at least one host");
  hosts.forEach((host, index) => {
    const path = ["spec", "hosts", index];
    if (host === "*") return out.error(path, `invalid host ${host}`);
    const domain = wildcardDomainProblem(host);
    if (domain) out.error(path, domain);
    const partial = partialWildcardProblem(host);
    if (partial && resolution !== "DYNAMIC_DNS") out.warning(path, partial);
  });
  const addresses = arrayOf<unknown>(spec.addresses).map(str);
  addresses.forEach((address, index) => {
    const problem = ipSubnetProblem(address);
    if (problem) out.error(["spec", "addresses", index], problem);
  });
  if (addresses.some((address) => address.includes("/")) && resolution !== "NONE" && resolution !== "STATIC") out.error(["spec", "addresses"], "CIDR addresses are allowed only for NONE/STATIC resolution types");
  // With IP auto-allocation (on by default) only NONE resolution, or an explicit opt-out label, leaves TCP ports without an address.
  const autoAllocation = resolution !== "NONE" && String(labels["networking.istio.io/enable-autoallocate-ip"] ?? "").toLowerCase() !== "false";
  const ports = arrayOf<unknown>(spec.ports).map((entry) => recordOf(entry));
  const portNames = new Set<string>();
  const portNumbers = new Set<number>();
  ports.forEach((port, index) => {
    const path = ["spec", "ports", index];
    if (!port) return out.error(path, "service entry port may not be null");
    const name = str(port.name);
    if (portNames.has(name)) out.error([...path, "name"], `service entry port name "${name}" already defined`);
    portNames.add(name);
    if (portNumbers.has(num(port.number))) out.error([...path, "number"], `service entry port ${num(port.number)} already defined`);
    portNumbers.add(num(port.number));
    if (num(port.targetPort) !== 0) {
      const target = portProblem(port.targetPort);
      if (target) out.error([...path, "targetPort"], target);
    }
    if (addresses.length === 0 && !autoAllocation && (str(port.protocol) === "" || port.protocol === "TCP")) {
      out.warning([...path, "protocol"], "addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled");
    }
    for (const problem of [portNameProblem(name), protocolProblem(port.protocol ?? ""), portProblem(port.number ?? 0)]) if (problem) out.error(path, problem);
  });
  const protocols = ports.filter((port): port is Spec => port !== undefined).map((port) => protocolOf(port.protocol));
  switch (resolution) {
    case "NONE":
      if (endpoints.length > 0) out.error(["spec", "endpoints"], "no endpoints should be provided for resolution type none");
      if (selector) out.warning(["spec", "workloadSelector"], "workloadSelector should not be set when resolution mode is NONE");
      break;
    case "STATIC":
      endpoints.forEach((endpoint, index) => {
        const record = recordOf(endpoint);
        if (!record) return out.error(["spec", "endpoints", index], "endpoint cannot be nil");
        workloadEntry(out, record, ["spec", "endpoints", index], portNames, false);
      });
      break;
    case "DNS":
    case "DNS_ROUND_ROBIN": {
      if (endpoints.length === 0) {
        const problem = hosts.map(fqdnProblem).find((entry) => entry !== undefined);
        if (problem) out.error(["spec", "hosts"], `hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode ${resolution}, ${problem}`);
      }
      if (resolution === "DNS_ROUND_ROBIN" && endpoints.length > 1) out.error(["spec", "endpoints"], `there must only be 0 or 1 endpoint for resolution mode ${resolution}`);
      endpoints.forEach((endpoint, index) => {
        const path = ["spec", "endpoints", index];
        const record = recordOf(endpoint);
        if (!record) return out.error(path, "endpoint cannot be nil");
        const address = str(record.address);
        if (!isIpAddress(address) && fqdnProblem(address)) out.error([...path, "address"], `endpoint address "${address}" is not a valid FQDN or an IP address`);
        for (const problem of labelsProblems(record.labels)) out.error([...path, "labels"], problem);
        endpointPorts(out, record, path, portNames);
      });
      if (addresses.length > 0 && hosts.length > 1 && protocols.some(isTcpProtocol)) out.warning(["spec", "hosts"], "service entry can not have more than one host specified simultaneously with address and tcp port");
      break;
    }
    case "DYNAMIC_DNS":
      if (hosts.length === 0) out.error(["spec", "hosts"], `at least one wildcard host must be provided for resolution type ${resolution}`);
      for (const host of hosts) if (!host.startsWith("*")) out.error(["spec", "hosts"], `host must be wildcarded for resolution mode ${resolution}`);
      if (addresses.length > 0) out.error(["spec", "addresses"], `addresses cannot be set for resolution type ${resolution}. HTTP route domains will only be generatedfrom the hosts field values`);
      if (endpoints.length > 0) out.error(["spec", "endpoints"], `endpoints cannot be set for resolution type ${resolution}. Destination IP address determined from hostsfield values`);
      for (const protocol of protocols) if (!["http", "tls", "grpc", "http2"].includes(protocol ?? "")) out.error(["spec", "ports"], `only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type ${resolution}`);
      if (spec.location === "MESH_INTERNAL" && !["", "none"].includes(String(labels["istio.io/use-waypoint"] ?? "").toLowerCase())) {
        out.error(["spec", "location"], `location MESH_INTERNAL with resolution type ${resolution} is not supported when using waypoints`);
      }
      break;
    default:
      out.error(["spec", "resolution"], `unsupported resolution type ${resolution}`);
  }
  if (resolution !== "NONE" && hosts.length > 1 && protocols.some((protocol) => !isHttpProtocol(protocol) && !isTlsProtocol(protocol))) out.error(["spec", "ports"], "multiple hosts provided with non-HTTP, non-TLS ports");
  checkExportTo(out, spec, namespace, { serviceEntry: true });
  return out;
}

function endpointPorts(out: Messages, endpoint: Spec, path: FieldPath, servicePorts: Set<string> | undefined): void {
  for (const [name, port] of Object.entries(recordOf(endpoint.ports) ?? {})) {
    if (servicePorts && !servicePorts.has(name)) out.error([...path, "ports", name], `endpoint port ${String(port)} is not defined by the service entry`);
    for (const problem of [portNameProblem(name), portProblem(port)]) if (problem) out.error([...path, "ports", name], problem);
  }
}

/** A WorkloadEntry, alone or as a STATIC ServiceEntry's endpoint (then its address must be an IP and its ports the entry's). */
function workloadEntry(out: Messages, entry: Spec, path: FieldPath, servicePorts: Set<string> | undefined, allowFqdn: boolean): void {
  const address = str(entry.address);
  if (address === "") {
    if (str(entry.network) === "") return out.error([...path, "address"], "address is required");
    out.warning([...path, "address"], `address is unset with network "${str(entry.network)}"`);
  }
  const unix = address.startsWith(UNIX);
  if (unix) {
    const problem = unixAddressProblem(address.slice(UNIX.length));
    if (problem) out.error([...path, "address"], problem);
    if (Object.keys(recordOf(entry.ports) ?? {}).length > 0) out.error([...path, "ports"], `unix endpoint ${address} must not include ports`);
  } else if (address !== "" && !isIpAddress(address)) {
    if (!allowFqdn) out.error([...path, "address"], `endpoint address "${address}" is not a valid IP address`);
    else if (fqdnProblem(address)) out.error([...path, "address"], `endpoint address "${address}" is not a valid FQDN or an IP address`);
  }
  endpointPorts(out, entry, path, servicePorts);
  for (const problem of labelsProblems(entry.labels)) out.error([...path, "labels"], problem);
  if (unix && servicePorts && servicePorts.size !== 1) out.error(path, "exactly 1 service port required for unix endpoints");
}

export function validateWorkloadEntry(spec: Spec): Messages {
  const out = new Messages();
  workloadEntry(out, spec, ["spec"], undefined, true);
  return out;
}

export function validateWorkloadGroup(spec: Spec): Messages {
  const out = new Messages();
  out.warningsDropped = true;
  if (!present(spec.template)) {
    out.error(["spec", "template"], "template is required");
    return out;
  }
  const labels = labelsProblems(recordOf(spec.metadata)?.labels);
  if (labels.length > 0) {
    out.error(["spec", "metadata", "labels"], `invalid labels: ${labels.join("; ")}`);
    return out;
  }
  const probe = recordOf(spec.probe);
  if (probe) readinessProbe(out, probe, ["spec", "probe"]);
  return out;
}

function readinessProbe(out: Messages, probe: Spec, path: FieldPath): void {
  for (const field of ["periodSeconds", "initialDelaySeconds", "timeoutSeconds", "successThreshold", "failureThreshold"]) {
    if (num(probe[field]) < 0) out.error([...path, field], `${field} must be non-negative`);
  }
  const http = recordOf(probe.httpGet);
  const tcp = recordOf(probe.tcpSocket);
  const exec = recordOf(probe.exec);
  if (http) {
    const port = portProblem(http.port ?? 0);
    if (port) out.error([...path, "httpGet", "port"], port);
    const scheme = str(http.scheme);
    if (scheme !== "" && scheme !== "HTTPS" && scheme !== "HTTP") out.error([...path, "httpGet", "scheme"], 'httpGet.scheme must be one of "HTTPS", "HTTP"');
    arrayOf<unknown>(http.httpHeaders).forEach((header, index) => {
      const name = str(recordOf(header)?.name);
      if (name === "") out.error([...path, "httpGet", "httpHeaders", index, "name"], "header name cannot be empty");
      else if (!/^[-A-Za-z0-9]+$/.test(name)) out.error([...path, "httpGet", "httpHeaders", index, "name"], `header name ${name} is not a valid header name`);
    });
  } else if (tcp) {
    const port = portProblem(tcp.port ?? 0);
    if (port) out.error([...path, "tcpSocket", "port"], port);
  } else if (exec) {
    if (arrayOf(exec.command).length === 0) out.error([...path, "exec", "command"], "exec.command is required");
  } else {
    // Istio names the Go type of the probe it has no check for (a gRPC probe), <nil> for none.
    out.error(path, `unknown health check method ${recordOf(probe.grpc) ? "*v1alpha3.ReadinessProbe_Grpc" : "<nil>"}`);
  }
}
