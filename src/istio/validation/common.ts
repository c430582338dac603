/**
 * Field checks shared by the Istio kinds, with the limits Istio's own validation applies
 * (https://istio.io/latest/docs/reference/config/networking/): DNS-1123 host names with a
 * wildcard only in the first label, ports 1..65535, durations of at least 1ms at millisecond
 * precision, percentages in [0.0001, 100], exportTo values.
 */
import { arrayOf, recordOf } from "../meta.js";

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
    } else if (key !== "*" && key !== "~" && !isDnsLabel(key)) {
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

/** `selector.matchLabels` / `workloadSelector.labels`: keys and values as Kubernetes labels. */
export function labelProblem(labels: unknown): string | undefined {
  const record = recordOf(labels);
  if (!record) return undefined;
  for (const [key, value] of Object.entries(record)) {
    if (key.length > 316 || !/^(?:[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*\/)?(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(key)) return `invalid tag key: ${key}`;
    if (typeof value === "string" && (value.length > 63 || !/^(?:(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value))) return `invalid tag value: ${value}`;
  }
  return undefined;
}
