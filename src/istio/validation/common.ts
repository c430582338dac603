/**
 * Field checks shared by the Istio kinds, with the limits Istio's own validation applies
 * (https://istio.io/latest/docs/reference/config/networking/): DNS-1123 host names with a
 * wildcard only in the first label, ports 1..65535, durations of at least 1ms at millisecond
 * precision, percentages in [0.0001, 100], exportTo values.
 */
import { arrayOf, recordOf } from "../../k8s/objects.js";

export type Level = "error" | "warning";
export type FieldPath = Array<string | number>;

/** One thing Istio's validation rejects (error) or accepts with a warning, at a field. */
export interface ValidationMessage {
  path: FieldPath;
  message: string;
  level: Level;
}

export type Spec = Record<string, unknown>;

export class Messages {
  readonly list: ValidationMessage[] = [];
  /** Istio's validation returned an error alone (no warnings): what it would have warned about is not reported. */
  warningsDropped = false;
  error(path: FieldPath, message: string): void {
    this.list.push({ path, message, level: "error" });
  }
  warning(path: FieldPath, message: string): void {
    this.list.push({ path, message, level: "warning" });
  }
}

const DNS_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value);
}

function isWildcardLabel(value: string): boolean {
  return value.length <= 63 && WILDCARD_LABEL.test(value);
}

function preconditions(name: string): string | undefined {
  if (name.length > 255) return `domain name "${name}" too long (max 255)`;
  if (name.length === 0) return "empty domain name not allowed";
  return undefined;
}

function dnsLabels(domain: string): string | undefined {
  const parts = domain.split(".");
  const top = parts[parts.length - 1]!;
  if (/^[+-]?\d+$/.test(top)) return `domain name "${domain}" invalid (top level domain "${top}" cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    if (i === parts.length - 1 && parts[i] === "") return undefined;
    if (!isDnsLabel(parts[i]!)) return `domain name "${domain}" invalid (label "${parts[i]}" invalid)`;
  }
  return undefined;
}

/** A fully qualified name without wildcards. */
export function fqdnProblem(name: string): string | undefined {
  return preconditions(name) ?? dnsLabels(name);
}

/** A host name whose first label may be `*`, `*foo` or `*-foo`. */
export function wildcardDomainProblem(domain: string): string | undefined {
  const pre = preconditions(domain);
  if (pre) return pre;
  const dot = domain.indexOf(".");
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!isWildcardLabel(first)) return `domain name "${domain}" invalid (label "${first}" invalid)`;
  return dot < 0 ? undefined : dnsLabels(domain.slice(dot + 1));
}

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpAddress(value: string): boolean {
  if (IPV4.test(value)) return true;
  // IPv6: hex groups and colons, at most one "::", an optional trailing IPv4.
  if (!value.includes(":") || value.length > 45 || !/^[0-9a-fA-F:.]+$/.test(value)) return false;
  return value.split("::").length <= 2;
}

export function isCidr(value: string): boolean {
  const slash = value.indexOf("/");
  if (slash < 0) return false;
  const address = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  return isIpAddress(address) && Number(bits) <= (address.includes(":") ? 128 : 32);
}

export function portProblem(port: unknown): string | undefined {
  const number = typeof port === "number" ? port : Number.NaN;
  return Number.isInteger(number) && number >= 1 && number <= 65535 ? undefined : `port number ${String(port)} must be in the range 1..65535`;
}

const DURATION = /^(-?\d+(?:\.\d+)?)s$/;

/**
 * Istio reads durations in the protobuf JSON form (`1.5s`): at least 1ms, whole milliseconds.
 * Other forms are left to the structural schema.
 */
export function durationProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const match = DURATION.exec(value);
  if (!match) return undefined;
  const seconds = Number(match[1]);
  if (seconds < 0.001) return "duration must be greater than 1ms";
  if (Math.abs(seconds * 1000 - Math.round(seconds * 1000)) > 1e-6) return "only durations to ms precision are supported";
  return undefined;
}

export function percentageProblem(percentage: unknown): string | undefined {
  const value = recordOf(percentage)?.value;
  if (typeof value !== "number") return undefined;
  if (value < 0 || value > 100 || (value > 0 && value < 0.0001)) return `percentage ${value} is neither 0.0, nor in range [0.0001, 100.0]`;
  return undefined;
}

export function percentProblem(value: unknown): string | undefined {
  if (typeof value !== "number") return undefined;
  return value < 0 || value > 100 ? `percentage ${value} is not in range 0..100` : undefined;
}

export function subsetNameProblem(name: string): string | undefined {
  if (name.length === 0) return "subset name cannot be empty";
  return isDnsLabel(name) ? undefined : `subset name is invalid: ${name}`;
}

/** `exportTo`: `.`, `*`, `~` (ServiceEntry) or a namespace name, without duplicates or mixes. */
export function checkExportTo(out: Messages, spec: Spec, namespace: string, options: { serviceEntry?: boolean; selectorDestinationRule?: boolean } = {}): void {
  const values = arrayOf<unknown>(spec.exportTo).filter((value): value is string => typeof value === "string");
  if (values.length === 0) return;
  const path = ["spec", "exportTo"];
  const seen = new Set<string>();
  for (const value of values) {
    const key = value === "." ? namespace : value;
    if (seen.has(key)) {
      out.error(path, key !== value ? `duplicate entries in exportTo: . and current namespace ${namespace}` : `duplicate entries in exportTo for entry ${value}`);
      continue;
    }
    if (value === "~" && options.serviceEntry) {
      seen.add(key);
    } else if (key === "~") {
      out.error(path, "exportTo ~ (none) is not allowed for Istio configuration objects");
    } else if (key !== "*" && !isDnsLabel(key)) {
      out.error(path, `only .,*, or a valid DNS 1123 label is allowed as exportTo entry`);
    } else {
      seen.add(key);
    }
  }
  if (options.selectorDestinationRule && seen.size > 0) {
    if (!seen.has(namespace)) out.error(path, "destination rule with workload selector cannot have exportTo beyond current namespace");
    else if (seen.size > 1) out.error(path, "destination rule with workload selector cannot have multiple entries in exportTo");
  }
  if (seen.has("*") && values.length > 1) out.error(path, "cannot have both public (*) and non-public exportTo values for a resource");
  if (seen.has("~") && values.length > 1) out.error(path, "cannot export service entry to no one (~) and someone");
}

const TAG_KEY = /^((?:[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*)\/)?((?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;
const TAG_VALUE = /^(?:(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Istio's labels.Instance.Validate for one label: its key (DNS prefix up to 253, name up to 63) and its value (no length limit). */
function labelEntryProblems(key: string, value: unknown): string[] {
  const out: string[] = [];
  const match = TAG_KEY.exec(key);
  if (!match) out.push(`invalid tag key: ${JSON.stringify(key)}`);
  else if ((match[1]?.length ?? 0) > 253) out.push(`invalid tag key: ${JSON.stringify(key)} (DNS prefix is too long)`);
  else if (match[2]!.length > 63) out.push(`invalid tag key: ${JSON.stringify(key)} (name is too long)`);
  if (typeof value === "string" && !TAG_VALUE.test(value)) out.push(`invalid tag value: ${JSON.stringify(value)}`);
  return out;
}

/** `selector.matchLabels` / `workloadSelector.labels`: the first key or value that is not a Kubernetes label. */
export function labelProblem(labels: unknown): string | undefined {
  return labelsProblems(labels)[0];
}

/** Istio's `ValidatePortName`: a port name is a DNS-1123 label. */
export function portNameProblem(name: string): string | undefined {
  return isDnsLabel(name) ? undefined : `invalid port name: ${name}`;
}

const PROTOCOLS = new Set(["tcp", "udp", "grpc", "grpc-web", "http", "http_proxy", "http2", "https", "tls", "mongo", "redis", "mysql"]);

/** Istio's `protocol.Parse`, lower-cased; "" for an unset protocol, undefined for one Istio does not know. */
export function protocolOf(value: unknown): string | undefined {
  const name = typeof value === "string" ? value.toLowerCase() : "";
  return name === "" ? "" : PROTOCOLS.has(name) ? name : undefined;
}

export const isHttpProtocol = (protocol: string | undefined): boolean => protocol !== undefined && ["http", "http2", "http_proxy", "grpc", "grpc-web"].includes(protocol);
export const isTlsProtocol = (protocol: string | undefined): boolean => protocol === "https" || protocol === "tls";
export const isTcpProtocol = (protocol: string | undefined): boolean => protocol !== undefined && ["tcp", "https", "tls", "mongo", "redis", "mysql"].includes(protocol);

export function protocolProblem(value: unknown): string | undefined {
  return protocolOf(value) === undefined ? `unsupported protocol: ${String(value)}` : undefined;
}

/** A `unix://` path: absolute and not a directory, or an abstract socket (`@name`). */
export function unixAddressProblem(address: string): string | undefined {
  if (address.length === 0) return "unix address must not be empty";
  if (address.startsWith("@")) return undefined;
  return address.startsWith("/") && !address.endsWith("/") ? undefined : `${address} is not an absolute path to a file`;
}

/** `a.b.c.d`, `a.b.c.d/nn` or the IPv6 forms. */
export function ipSubnetProblem(subnet: string): string | undefined {
  if (subnet.split("/").length === 2) return isCidr(subnet) ? undefined : `${subnet} is not a valid CIDR block`;
  return isIpAddress(subnet) ? undefined : `${subnet} is not a valid IP`;
}

export function partialWildcardProblem(host: string): string | undefined {
  return host.includes("*") && host.length !== 1 && !host.startsWith("*.") ? `partial wildcard "${host}" not allowed` : undefined;
}

/** Every label key and value of a map, as Kubernetes labels (Istio's `labels.Instance.Validate`). */
export function labelsProblems(labels: unknown): string[] {
  const record = recordOf(labels);
  if (!record) return [];
  return Object.entries(record).flatMap(([key, value]) => labelEntryProblems(key, value));
}

/**
 * A `selector.matchLabels` (security, telemetry, extension kinds): an empty key or a `*` is an
 * error; a selector with no labels a warning (it applies to the whole namespace).
 */
export function workloadSelector(out: Messages, selector: unknown, path: FieldPath, labelsKey = "matchLabels"): void {
  const record = recordOf(selector);
  if (!record) return;
  const labels = recordOf(record[labelsKey]) ?? {};
  for (const [key, value] of Object.entries(labels)) {
    if (key === "") out.error(path, `empty key is not supported in selector: "=${String(value)}"`);
    if (key.includes("*") || String(value).includes("*")) out.error(path, `wildcard is not supported in selector: "${key}=${String(value)}"`);
  }
  if (Object.keys(labels).length === 0) out.warning(path, "workload selector specified without labels");
}

const TARGET_KINDS = [
  { group: "core", kind: "Service" },
  { group: "networking.istio.io", kind: "ServiceEntry" },
  { group: "gateway.networking.k8s.io", kind: "Gateway" },
  { group: "gateway.networking.k8s.io", kind: "GatewayClass" },
];

/** `selector`, `targetRef` and `targetRefs` of a policy: only one of them, each reference to a Service, ServiceEntry, Gateway or GatewayClass of the same namespace. */
export function policyTargets(out: Messages, spec: Spec): void {
  const refs = [spec.targetRef, ...arrayOf<unknown>(spec.targetRefs)];
  const set = [spec.selector !== undefined && spec.selector !== null, spec.targetRef !== undefined && spec.targetRef !== null, arrayOf(spec.targetRefs).length > 0].filter(Boolean).length;
  if (set > 1) out.error(["spec"], "only one of targetRefs or workloadSelector can be set");
  refs.forEach((value, index) => {
    const ref = recordOf(value);
    if (!ref) return;
    const path = index === 0 ? ["spec", "targetRef"] : ["spec", "targetRefs", index - 1];
    if (typeof ref.name !== "string" || ref.name === "") out.error(path, "targetRef name must be set");
    if (typeof ref.namespace === "string" && ref.namespace !== "") out.error([...path, "namespace"], "targetRef namespace must not be set; cross namespace referencing is not supported");
    const group = typeof ref.group === "string" && ref.group !== "" ? ref.group : "core";
    if (!TARGET_KINDS.some((allowed) => allowed.group === group && allowed.kind === ref.kind)) out.error(path, `targetRef must be to one of Service, ServiceEntry, Gateway, GatewayClass but was ${String(ref.group ?? "")}/${String(ref.kind ?? "")}`);
  });
}
