import { CORE_SCHEMA, load } from "js-yaml";
import { yamlPackage } from "../util/yaml-package.js";
import type { Category } from "../model/categories.js";
import type { Finding } from "../model/finding.js";
import { writtenValueOf } from "../util/yaml-text.js";

/** Each cause category in a few words, for the one-line triage summary. */
const CAUSE_WORDS: Record<Category, string> = {
  "app-runtime-error": "app crashes",
  "bad-command": "command not found",
  "exec-format-error": "binary for another CPU",
  "image-build-error": "image broken as built",
  "missing-config-reference": "missing Secret/ConfigMap key",
  "config-file-missing": "config file not found",
  "file-permission-denied": "permission denied on a file",
  "read-only-filesystem": "read-only filesystem",
  "insufficient-privileges": "operation not permitted",
  "port-in-use": "port already in use",
  "dependency-unavailable": "dependency unreachable",
  "liveness-probe-failure": "liveness kills slow start",
  "readiness-probe-failure": "never becomes Ready",
  "bad-probe-config": "probe checks wrong path/port",
  "oom-killed": "OOMKilled",
  "cpu-throttling": "CPU limit too low",
  "init-container-failure": "init container fails",
  "sidecar-dependency": "app starts before sidecar",
  "disk-full": "disk full",
  "container-runtime-error": "container runtime error",
  "tls-or-clock-error": "TLS or clock error",
  "lock-contention": "lock held elsewhere",
  "image-pull-failure": "image cannot be pulled",
  "exits-zero-under-always": "exits 0 under Always",
  "job-backoff-limit": "Job failed (backoffLimit)",
  "rollout-stalled": "rollout stalled",
  unschedulable: "Pending: no node fits",
  evicted: "evicted",
  "quota-exceeded": "quota rejects pods",
  "storage-unavailable": "volume unavailable",
  "api-permission-denied": "RBAC denies API calls",
  "service-without-endpoints": "Service selects no pod",
  "ingress-misconfigured": "Ingress misconfigured",
  "unknown-crash": "crashes, cause unknown",
  "sidecar-port-conflict": "port reserved by sidecar",
  "sidecar-oom-killed": "istio-proxy OOMKilled",
  "sidecar-istiod-unreachable": "proxy cannot reach istiod",
  "sidecar-config-error": "bad sidecar config",
  "sidecar-not-injected": "no sidecar injected",
  "sidecar-not-ready": "istio-proxy not ready",
  "istio-init-failure": "traffic capture fails",
  "mtls-mode-conflict": "mTLS mode conflict",
  "outbound-traffic-blocked": "outbound call blocked",
  "network-policy-conflict": "NetworkPolicy blocks mesh",
  "node-port-not-exposed": "NodePort not on localhost",
  "routing-reference-not-found": "route target missing",
  "routing-conflict": "routing conflict",
  "config-schema-error": "invalid Istio config",
  "istio-config-other": "Istio config issue",
  "proxy-config-stale": "proxy config stale",
  "upstream-timeout": "upstream timeout (UT)",
  "no-healthy-upstream": "no healthy upstream (UH)",
  "no-route": "no route (NR)",
  "upstream-connection-failure": "upstream connect fails",
  "downstream-disconnect": "client disconnects (DC)",
  "missing-cluster": "route to missing cluster",
  "slow-upstream-host": "slow upstream host",
  "rbac-or-authn-denied": "access denied (RBAC/JWT)",
};

const PROPER_NAMES: Record<string, string> = {
  virtualservice: "VirtualService",
  destinationrule: "DestinationRule",
  serviceentry: "ServiceEntry",
  envoyfilter: "EnvoyFilter",
  gateway: "Gateway",
  sidecar: "Sidecar",
  telemetry: "Telemetry",
  statefulset: "StatefulSet",
  jwt: "JWT",
  jwks: "JWKS",
  mtls: "mTLS",
  rbac: "RBAC",
  pvc: "PVC",
  dns: "DNS",
  jvm: "JVM",
  cpu: "CPU",
  uid: "UID",
  api: "API",
  crd: "CRD",
  env: "env",
};

/** Rule ids of configuration layers say their cause better than the category they file under. */
const CONFIGURATION_LAYERS = new Set(["manifest", "istio"]);

export function layerOf(rule: string): string {
  return rule.split("/", 1)[0]!;
}

export function causeWords(finding: Finding): string {
  if (finding.category === "dependency-unavailable" && /DNS resolution of \S+ fails/.test(finding.summary)) return "name does not resolve";
  if (!CONFIGURATION_LAYERS.has(layerOf(finding.rule))) return CAUSE_WORDS[finding.category] ?? finding.category;
  const words = finding.rule.slice(finding.rule.indexOf("/") + 1).split("-");
  return words.map((word) => PROPER_NAMES[word] ?? word).join(" ");
}

type Leaf = { path: string[]; value: string };

function leaves(node: unknown, path: string[], out: Leaf[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => {
      const name = item && typeof item === "object" && typeof (item as { name?: unknown }).name === "string" ? (item as { name: string }).name : String(index);
      leaves(item, [...path, `[${name}]`], out);
    });
  } else if (node && typeof node === "object") {
    const entries = Object.entries(node as Record<string, unknown>);
    if (entries.length === 0) out.push({ path, value: "{}" });
    for (const [key, value] of entries) leaves(value, [...path, key], out);
  } else if (node !== undefined && node !== null) {
    out.push({ path, value: String(node).replace(/\s+/g, " ").trim() });
  }
}

/**
 * A fix's YAML as data. The YAML ktriage writes is plain block YAML, which js-yaml reads about ten
 * times faster than the document model; aliases, merge keys and whatever js-yaml refuses go to the yaml package.
 */
function parseYaml(text: string): unknown {
  // Text ktriage wrote itself from a value reads back as that value: no second parse.
  const written = text.includes("<<") ? undefined : writtenValueOf(text);
  if (written !== undefined) return written;
  if (!text.includes("*") && !text.includes("<<")) {
    try {
      return load(text, { schema: CORE_SCHEMA });
    } catch {
      // Read below with the yaml package, which may accept it.
    }
  }
  try {
    return yamlPackage().parse(text, { maxAliasCount: 10 });
  } catch {
    return undefined;
  }
}

const FIELD_WORDS: ReadonlyArray<[RegExp, string]> = [
  [/resources\.limits\.memory$/, "memory limit"],
  [/resources\.requests\.memory$/, "memory request"],
  [/resources\.limits\.cpu$/, "CPU limit"],
  [/resources\.requests\.cpu$/, "CPU request"],
];

const STRUCTURAL = new Set(["spec", "template", "metadata", "jobTemplate"]);

function fieldWords(path: readonly string[]): string {
  const joined = path.join(".");
  for (const [pattern, words] of FIELD_WORDS) if (pattern.test(joined)) return words;
  const annotations = path.lastIndexOf("annotations");
  if (annotations >= 0 && annotations === path.length - 2) return path[path.length - 1]!;
  const parts = path.filter((part) => !STRUCTURAL.has(part));
  const tail = parts.slice(-2);
  if (tail.length === 2 && /^\[/.test(tail[0]!) && parts.length > 2) tail.unshift(parts[parts.length - 3]!);
  return tail.join(".").replace(/\.\[/g, "[").replace(/^containers\[[^\]]*\]\./, "");
}

const QUANTITY = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T|s|ms)?$/;
const SCALE: Record<string, number> = { "": 1, m: 0.001, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, s: 1, ms: 0.001 };

function magnitude(value: string): number | undefined {
  const match = QUANTITY.exec(value);
  return match ? Number(match[1]) * (SCALE[match[2] ?? ""] ?? 1) : undefined;
}

function changeWords(before: Leaf | undefined, after: Leaf | undefined): string {
  if (before && after) {
    const a = magnitude(before.value);
    const b = magnitude(after.value);
    const verb = a !== undefined && b !== undefined && a !== b ? (b > a ? "raise" : "lower") : "set";
    return `${verb} ${fieldWords(after.path)} ${before.value} -> ${after.value}`;
  }
  if (after) return `set ${fieldWords(after.path)} ${after.value}`;
  return `remove ${fieldWords(before!.path)}`;
}

/** A list of scalars (command, args) changes as one field: `set command sleep infinity`, `remove command`. */
function scalarLists(list: Leaf[]): Leaf[] {
  const out: Leaf[] = [];
  for (const leaf of list) {
    const last = leaf.path[leaf.path.length - 1]!;
    const previous = out[out.length - 1];
    if (/^\[\d+\]$/.test(last)) {
      const parent = leaf.path.slice(0, -1);
      if (previous && previous.path.join(".") === parent.join(".")) previous.value = `${previous.value} ${leaf.value}`;
      else out.push({ path: parent, value: leaf.value });
    } else {
      out.push(leaf);
    }
  }
  return out;
}

/** The first thing to do, in a few words: the fix's YAML change when it is small, else its first clause. */
export function actionWords(finding: Finding): string {
  const fix = finding.fix;
  if (!fix) return finding.verify[0] ? `check: ${finding.verify[0]}` : "see details";
  if (fix.yaml) {
    if (fix.yaml.before.trim() === "" && fix.yaml.after.trim() !== "") {
      const created = parseYaml(fix.yaml.after) as { kind?: unknown; metadata?: { name?: unknown } } | undefined;
      if (created && typeof created.kind === "string") return `create ${created.kind} ${typeof created.metadata?.name === "string" ? created.metadata.name : ""}`.trim();
    }
    const beforeLeaves: Leaf[] = [];
    const afterLeaves: Leaf[] = [];
    leaves(parseYaml(fix.yaml.before), [], beforeLeaves);
    leaves(parseYaml(fix.yaml.after), [], afterLeaves);
    const before = scalarLists(beforeLeaves);
    const after = scalarLists(afterLeaves);
    const beforeByPath = new Map(before.map((leaf) => [leaf.path.join("\u0000"), leaf]));
    const afterByPath = new Map(after.map((leaf) => [leaf.path.join("\u0000"), leaf]));
    const changes: string[] = [];
    for (const leaf of after) {
      const old = beforeByPath.get(leaf.path.join("\u0000"));
      if (!old || old.value !== leaf.value) changes.push(changeWords(old && old.value !== "{}" ? old : undefined, leaf));
    }
    for (const leaf of before) if (!afterByPath.has(leaf.path.join("\u0000")) && leaf.value !== "{}") changes.push(changeWords(leaf, undefined));
    // The first change, or the first two when they stay short (a memory limit and its request).
    if (changes.length > 0 && changes.length <= 2) return changes.join(", ").length <= 48 ? changes.join(", ") : changes[0]!;
  }
  return firstClause(fix.description);
}

function firstClause(text: string): string {
  // A condition is not an action on its own: keep the sentence it belongs to.
  const pattern = /^(If|When|Unless) /.test(text) ? /(\. |; )/ : /(; |\. |: | \(|, then )/;
  const cut = text.search(pattern);
  return (cut > 0 ? text.slice(0, cut) : text).replace(/ \([^)]*\)/g, "").replace(/\s+/g, " ").trim();
}

/** First clauses that say what to find out rather than what to change. */
const WEAK_ACTION = /^(Fix why|The application's own code fails|Fix the code|See details|No node has enough|Find the configuration|(Init )?container [\w.-]+$)/i;
/** The scheduler's count of nodes short of one resource: `2 Insufficient memory`. */
const INSUFFICIENT = /\b(\d+) Insufficient ([\w./-]+)/;
/** Envoy's NACK in a proxy log: `... rejected: Error adding/updating listener(s) virtualInbound: ...`. */
const ENVOY_REJECTED = /\brejected: (.+)$/;
/** An evidence line that quotes the failure: a log line (`log line 13: ...`) or a termination message. */
const QUOTED_FAILURE = /^(?:previous[- ])?log line (\d+): (.+)$/;

/**
 * The first action of an incident, concrete from its evidence where the primary finding's own is
 * only "find out why": a crashing app names the failure its log shows; a failed Job takes the
 * action of its pods' cause, then says to re-create the Job (its pod template is immutable).
 */
export function incidentAction(primary: Finding, members: readonly Finding[]): string {
  const own = actionWords(primary);
  if (primary.rule === "pod/job-backoff-limit") {
    const podCause = members.find((finding) => finding !== primary && finding.resource.kind === "Pod" && finding.severity === "error");
    if (podCause) return `${lowerFirst(concrete(podCause))}, then re-create Job ${primary.resource.name}`;
  }
  return WEAK_ACTION.test(own) ? concrete(primary) : own;
}

function concrete(finding: Finding): string {
  const own = actionWords(finding);
  // An application error's fix YAML is a side measure (keep the log in the status): the log line is the thing to fix.
  if (!WEAK_ACTION.test(own) && finding.category !== "app-runtime-error") return own;
  for (const item of finding.evidence) {
    const quoted = QUOTED_FAILURE.exec(item.text);
    if (quoted) return `fix "${clip(quoted[2]!.trim().replace(/^(?:[A-Za-z_][\w]*\.)+(?=[A-Z]\w*(?:Error|Exception)\b)/, ""), 64)}" (log line ${quoted[1]})`;
    const short = finding.category === "unschedulable" ? INSUFFICIENT.exec(item.text) : null;
    if (short) {
      const resource = short[2]!.replace(/[.,;:]+$/, "");
      return `lower the ${resource} requests or add nodes (${short[1]} node${short[1] === "1" ? "" : "s"}: Insufficient ${resource})`;
    }
    const rejected = ENVOY_REJECTED.exec(item.text);
    if (rejected) return `fix or remove what Envoy rejects: ${clip(rejected[1]!.trim(), 64)}`;
  }
  return own;
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
