import type { EventRecord } from "../../model/inputs.js";
import type { KubeObject, Origin } from "../../model/kube.js";
import { UNNAMED_POD } from "../../model/unnamed.js";

/** Stands for a container block whose `name:` line the paste cut off. */
export const UNNAMED_CONTAINER_HEADER = "<container>";

export interface ParsedDescribe {
  pod: KubeObject;
  events: EventRecord[];
  problems: { origin: Origin; message: string }[];
}

type Json = Record<string, unknown>;

/** Whether text looks like `kubectl describe pod` output. */
export function looksLikeDescribePod(text: string): boolean {
  const head = text.slice(0, 4000);
  return /^Name:\s+\S+/m.test(head) && /^Namespace:\s+\S+/m.test(head) && (/^(Containers|Status|Node):/m.test(head) || isDescribeJob(head));
}

/** `kubectl describe job` shares the layout; it is read into a Job object and its events. */
function isDescribeJob(text: string): boolean {
  return /^Pods Statuses:/m.test(text) || (/^Completions:/m.test(text) && /^Parallelism:/m.test(text));
}

function parseDescribeJob(text: string, origin: Origin): ParsedDescribe {
  const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, "m").exec(text)?.[1]?.trim();
  const name = field("Name") ?? UNNAMED_POD;
  const namespace = field("Namespace");
  const metadata: Json = { name, ...(namespace ? { namespace } : {}) };
  const controlledBy = /^(\w+)\/(\S+)$/.exec(field("Controlled By") ?? "");
  if (controlledBy) metadata.ownerReferences = [{ apiVersion: "batch/v1", kind: controlledBy[1], name: controlledBy[2], controller: true }];
  const spec: Json = {};
  const parallelism = Number(field("Parallelism"));
  const completions = Number(field("Completions"));
  const backoffLimit = Number(field("Backoff Limit"));
  if (Number.isFinite(parallelism) && field("Parallelism")) spec.parallelism = parallelism;
  if (Number.isFinite(completions) && field("Completions")) spec.completions = completions;
  if (Number.isFinite(backoffLimit) && field("Backoff Limit")) spec.backoffLimit = backoffLimit;
  const status: Json = {};
  const counts = /(\d+) Active(?: \(\d+ Ready\))? \/ (\d+) Succeeded \/ (\d+) Failed/.exec(field("Pods Statuses") ?? "");
  if (counts) Object.assign(status, { active: Number(counts[1]), succeeded: Number(counts[2]), failed: Number(counts[3]) });
  const start = describeTime(field("Start Time"));
  if (start) status.startTime = start;
  const firstLine = origin.line ?? 1;
  const lines: Line[] = text.split(/\r?\n/).map((raw, index) => ({ number: firstLine + index, text: raw.replace(/\t/g, "    "), indent: raw.length - raw.trimStart().length }));
  const eventsAt = lines.findIndex((line) => /^Events:/.test(line.text));
  const involved = { kind: "Job", name, ...(namespace ? { namespace } : {}) };
  const events = eventsAt >= 0 ? parseDescribeEvents(lines.slice(eventsAt + 1), involved, origin.file) : [];
  const job: KubeObject = { apiVersion: "batch/v1", kind: "Job", metadata: metadata as KubeObject["metadata"], spec, status };
  return { pod: job, events, problems: [] };
}

/** `Mon, 15 Jan 2024 10:05:00 +0000` -> ISO 8601, as the API would give it. */
export function describeTime(value: string | undefined): string | undefined {
  if (!value || value === "<unset>" || value === "<invalid>") return undefined;
  const time = Date.parse(value.trim());
  if (!Number.isFinite(time)) return undefined;
  return new Date(time).toISOString().replace(".000Z", "Z");
}

function duration(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!match) return undefined;
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}

/** `http-get http://:8080/healthz delay=5s timeout=1s period=5s #success=1 #failure=3` -> a probe object. */
export function parseProbe(text: string): Json {
  const probe: Json = {};
  const http = /^http-get (https?):\/\/([^:/\s]*):([^/\s]+)(\S*)/.exec(text);
  const tcp = /^tcp-socket ([^:\s]*):(\S+)/.exec(text);
  const exec = /^exec \[(.*?)\] delay=/.exec(text);
  const grpc = /^grpc <pod>:(\d+)(?: (\S+))?/.exec(text);
  const port = (value: string) => (/^\d+$/.test(value) ? Number(value) : value);
  if (http) {
    const httpGet: Json = { path: http[4] || "/", port: port(http[3]!), scheme: http[1]!.toUpperCase() };
    if (http[2]) httpGet.host = http[2];
    probe.httpGet = httpGet;
  } else if (tcp) {
    probe.tcpSocket = { port: port(tcp[2]!), ...(tcp[1] ? { host: tcp[1] } : {}) };
  } else if (exec) {
    probe.exec = { command: exec[1]!.split(" ").filter(Boolean) };
  } else if (grpc) {
    probe.grpc = { port: Number(grpc[1]), ...(grpc[2] && grpc[2] !== "delay" && !grpc[2].includes("=") ? { service: grpc[2] } : {}) };
  }
  const field = (name: string) => new RegExp(`\\b${name}=(\\S+)`).exec(text)?.[1];
  const delay = duration(field("delay"));
  const timeout = duration(field("timeout"));
  const period = duration(field("period"));
  if (delay !== undefined) probe.initialDelaySeconds = delay;
  if (timeout !== undefined) probe.timeoutSeconds = timeout;
  if (period !== undefined) probe.periodSeconds = period;
  const success = /#success=(\d+)/.exec(text)?.[1];
  const failure = /#failure=(\d+)/.exec(text)?.[1];
  if (success) probe.successThreshold = Number(success);
  if (failure) probe.failureThreshold = Number(failure);
  return probe;
}

function parseEnvValue(name: string, value: string): Json {
  const secret = /^<set to the key '([^']+)' in secret '([^']+)'>(?:\s+Optional: (true|false))?/.exec(value);
  if (secret) return { name, valueFrom: { secretKeyRef: { name: secret[2], key: secret[1], ...(secret[3] === "true" ? { optional: true } : {}) } } };
  const configMap = /^<set to the key '([^']+)' of config map '([^']+)'>(?:\s+Optional: (true|false))?/.exec(value);
  if (configMap) return { name, valueFrom: { configMapKeyRef: { name: configMap[2], key: configMap[1], ...(configMap[3] === "true" ? { optional: true } : {}) } } };
  const field = /^\s*\((v\d+):([\w.[\]'/-]+)\)$/.exec(value) ?? /^(?:\S+\s+)?\((v\d+):([\w.[\]'/-]+)\)$/.exec(value);
  if (field) return { name, valueFrom: { fieldRef: { apiVersion: field[1], fieldPath: field[2] } } };
  const resource = /^(?:node allocatable\s+)?\((limits|requests)\.([\w-]+)\)$/.exec(value) ?? /^[\w.]+ \((limits|requests)\.([\w-]+)\)$/.exec(value);
  if (resource) return { name, valueFrom: { resourceFieldRef: { resource: `${resource[1]}.${resource[2]}` } } };
  return { name, value };
}

interface Line {
  number: number;
  text: string;
  indent: number;
}

const STATE_KEYS: Record<string, string> = { Reason: "reason", Message: "message", "Exit Code": "exitCode", Signal: "signal", Started: "startedAt", Finished: "finishedAt" };

function parseState(head: string, sub: Line[]): Json | undefined {
  const kind = head.trim().split(/\s+/)[0];
  const fields: Json = {};
  let lastKey: string | undefined;
  for (const line of sub) {
    const match = /^\s*(Reason|Message|Exit Code|Signal|Started|Finished):\s*(.*)$/.exec(line.text);
    if (match) {
      lastKey = STATE_KEYS[match[1]!];
      fields[lastKey!] = match[2]!.trim();
    } else if (lastKey === "message") {
      fields.message = `${fields.message as string}\n${line.text.trim()}`;
    }
  }
  if (fields.exitCode !== undefined) fields.exitCode = Number(fields.exitCode);
  if (fields.signal !== undefined) fields.signal = Number(fields.signal);
  for (const key of ["startedAt", "finishedAt"]) {
    if (fields[key] !== undefined) {
      const iso = describeTime(String(fields[key]));
      if (iso) fields[key] = iso;
      else delete fields[key];
    }
  }
  switch (kind) {
    case "Running":
      return { running: fields.startedAt ? { startedAt: fields.startedAt } : {} };
    case "Waiting":
      return { waiting: { ...(fields.reason ? { reason: fields.reason } : {}), ...(fields.message ? { message: fields.message } : {}) } };
    case "Terminated":
      return { terminated: fields };
    default:
      return undefined;
  }
}

function parseContainer(name: string, fields: Array<{ key: string; value: string; sub: Line[] }>): { spec: Json; status: Json } {
  const spec: Json = { name };
  const status: Json = { name };
  for (const { key, value, sub } of fields) {
    const items = sub.map((line) => line.text.trim()).filter(Boolean);
    switch (key) {
      case "Image":
        spec.image = value;
        status.image = value;
        break;
      case "Image ID":
        if (value) status.imageID = value;
        break;
      case "Container ID":
        if (value) status.containerID = value;
        break;
      case "Port":
      case "Ports": {
        const ports = value
          .split(",")
          .map((part) => /(\d+)\/(\w+)(?:\s*\(([\w-]+)\))?/.exec(part.trim()))
          .filter((m): m is RegExpExecArray => !!m && m[1] !== "0")
          .map((m) => ({ containerPort: Number(m[1]), protocol: m[2], ...(m[3] ? { name: m[3] } : {}) }));
        if (ports.length) spec.ports = ports;
        break;
      }
      case "Command":
        spec.command = value ? [value, ...items] : items;
        break;
      case "Args":
        spec.args = value ? [value, ...items] : items;
        break;
      case "State":
      case "Last State": {
        const state = parseState(value, sub);
        if (state) status[key === "State" ? "state" : "lastState"] = state;
        break;
      }
      case "Ready":
        status.ready = value === "True";
        break;
      case "Restart Policy":
        if (value) spec.restartPolicy = value;
        break;
      case "Started":
        status.started = value === "True";
        break;
      case "Restart Count":
        status.restartCount = Number(value) || 0;
        break;
      case "Limits":
      case "Requests": {
        const list: Json = {};
        for (const item of items) {
          const match = /^([\w./-]+):\s*(\S+)/.exec(item);
          if (match) list[match[1]!] = match[2];
        }
        spec.resources = { ...((spec.resources as Json) ?? {}), [key.toLowerCase()]: list };
        break;
      }
      case "Liveness":
      case "Readiness":
      case "Startup":
        spec[`${key.toLowerCase()}Probe`] = parseProbe(value);
        break;
      case "Environment": {
        const env: Json[] = [];
        for (const item of items) {
          const match = /^([^:\s]+):\s*(.*)$/.exec(item);
          if (match) env.push(parseEnvValue(match[1]!, match[2]!.trim()));
        }
        if (env.length) spec.env = env;
        break;
      }
      case "Environment Variables from": {
        const envFrom: Json[] = [];
        for (const item of items) {
          const match = /^(\S+)\s+(ConfigMap|Secret)(?:\s+with prefix '([^']*)')?\s+Optional:\s*(true|false)/.exec(item);
          if (!match) continue;
          const ref = { name: match[1], ...(match[4] === "true" ? { optional: true } : {}) };
          envFrom.push({ ...(match[2] === "Secret" ? { secretRef: ref } : { configMapRef: ref }), ...(match[3] ? { prefix: match[3] } : {}) });
        }
        if (envFrom.length) spec.envFrom = envFrom;
        break;
      }
      case "Mounts": {
        const mounts: Json[] = [];
        for (const item of items) {
          const match = /^(\S+) from (\S+) \((r[ow])(?:,path="([^"]*)")?\)/.exec(item);
          if (match) mounts.push({ name: match[2], mountPath: match[1], ...(match[3] === "ro" ? { readOnly: true } : {}), ...(match[4] ? { subPath: match[4] } : {}) });
        }
        if (mounts.length) spec.volumeMounts = mounts;
        break;
      }
      default:
        break;
    }
  }
  return { spec, status };
}

function parseVolumes(lines: Line[]): Json[] {
  const volumes: Json[] = [];
  let current: Json | undefined;
  let type = "";
  for (const line of lines) {
    const header = /^ {2}([\w.-]+):\s*$/.exec(line.text);
    if (header) {
      current = { name: header[1] };
      type = "";
      volumes.push(current);
      continue;
    }
    const field = /^ {4}(\w+):\s*(.*)$/.exec(line.text);
    if (!current || !field) continue;
    const [, key, value] = field;
    if (key === "Type") {
      type = value!.split(" ")[0] ?? "";
      if (type === "EmptyDir") current.emptyDir = {};
      if (type === "ConfigMap") current.configMap = {};
      if (type === "Secret") current.secret = {};
      if (type === "PersistentVolumeClaim") current.persistentVolumeClaim = {};
      if (type === "HostPath") current.hostPath = {};
      if (type === "Projected") current.projected = {};
      continue;
    }
    if (type === "ConfigMap" && key === "Name") (current.configMap as Json).name = value;
    if (type === "Secret" && key === "SecretName") (current.secret as Json).secretName = value;
    if (type === "PersistentVolumeClaim" && key === "ClaimName") (current.persistentVolumeClaim as Json).claimName = value;
    if (type === "HostPath" && key === "Path") (current.hostPath as Json).path = value;
    if (type === "EmptyDir" && key === "SizeLimit" && value && value !== "<unset>") (current.emptyDir as Json).sizeLimit = value;
  }
  return volumes;
}

/** `2m (x7 over 3m)` -> count 7. */
function eventCount(age: string): number {
  const match = /\(x(\d+) over/.exec(age);
  return match ? Number(match[1]) : 1;
}

/** The Events table at the end of describe output, by the header's column positions. */
export function parseDescribeEvents(lines: Line[], involved: EventRecord["involved"], file: string): EventRecord[] {
  const headerIndex = lines.findIndex((line) => /^\s*Type\s+Reason\s+Age\s+From\s+Message\s*$/.test(line.text));
  if (headerIndex < 0) return [];
  const header = lines[headerIndex]!.text;
  const columns = ["Type", "Reason", "Age", "From", "Message"].map((name) => header.indexOf(name));
  const events: EventRecord[] = [];
  for (const line of lines.slice(headerIndex + 1)) {
    const text = line.text;
    if (/^\s*-+\s+-+/.test(text)) continue;
    if (text.trim() === "") break;
    const type = text.slice(columns[0], columns[1]).trim();
    if (!/^(Normal|Warning)$/.test(type)) {
      // A message that spans lines continues indented; anything else ends the table.
      const last = events[events.length - 1];
      if (!last || !/^\s{2,}\S/.test(text)) break;
      last.message = `${last.message}\n${text.trim()}`;
      continue;
    }
    // Columns can shift when a value is wider than its header; fall back to splitting on runs of spaces.
    let reason = text.slice(columns[1], columns[2]).trim();
    let age = text.slice(columns[2], columns[3]).trim();
    let from = text.slice(columns[3], columns[4]).trim();
    let message = text.slice(columns[4]).trim();
    if (/\s/.test(reason) || !/^[A-Z]/.test(reason)) {
      const parts = text.trim().split(/\s{2,}/);
      [, reason = "", age = "", from = "", message = ""] = parts.length >= 5 ? [parts[0], parts[1], parts[2], parts[3], parts.slice(4).join("  ")] : parts;
    }
    events.push({ type, reason, message, count: eventCount(age), age, involved, source: from, origin: { file, line: line.number } });
  }
  return events;
}

/** Rebuilds the Pod object (spec and status) and its events from `kubectl describe pod` text. */
export function parseDescribePod(text: string, origin: Origin): ParsedDescribe {
  if (isDescribeJob(text.slice(0, 4000))) return parseDescribeJob(text, origin);
  const problems: ParsedDescribe["problems"] = [];
  const firstLine = origin.line ?? 1;
  const lines: Line[] = text.split(/\r?\n/).map((raw, index) => ({ number: firstLine + index, text: raw.replace(/\t/g, "    "), indent: raw.length - raw.trimStart().length }));
  const metadata: Json = {};
  const spec: Json = { containers: [] };
  const status: Json = {};
  const top: Record<string, { value: string; index: number }> = {};
  const sections: Record<string, Line[]> = {};
  let section: string | undefined;
  let lastTop: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.indent === 0 && line.text.trim() !== "") {
      const match = /^([A-Z][\w -]*?):\s*(.*)$/.exec(line.text);
      if (!match) {
        if (section) sections[section]!.push(line);
        continue;
      }
      const [, key, value] = match;
      lastTop = key;
      if (["Init Containers", "Containers", "Conditions", "Volumes", "Events", "IPs", "Ephemeral Containers", "Readiness Gates"].includes(key!)) {
        section = key;
        sections[key!] = [];
        top[key!] = { value: value!, index };
        continue;
      }
      section = undefined;
      top[key!] = { value: value!.trim(), index };
      continue;
    }
    if (section) {
      sections[section]!.push(line);
    } else if (lastTop && (lastTop === "Labels" || lastTop === "Annotations" || lastTop === "Tolerations" || lastTop === "Node-Selectors") && line.text.trim()) {
      top[lastTop]!.value += `\n${line.text.trim()}`;
    }
  }

  const name = top.Name?.value;
  if (!name) problems.push({ origin, message: "kubectl describe output without a Name: line; read as an unnamed pod" });
  // kubectl describe pod always ends with an Events: section (`Events: <none>` when there are none): without it the paste was cut off.
  const cutOff = () => {
    if (top.Events || (!name && !sections.Containers && !sections["Init Containers"])) return;
    const last = [...lines].reverse().find((line) => line.text.trim() !== "");
    const lastSection = Object.entries(top).sort((a, b) => b[1].index - a[1].index)[0]?.[0];
    problems.push({
      origin: { ...origin, line: last?.number ?? firstLine },
      message: `kubectl describe output looks cut off: it ends${lastSection ? ` in ${lastSection}` : ""} and has no Events: section (kubectl always prints one); the pod is diagnosed from what is there, and the events and anything after ${lastSection ?? "that"} are missing`,
    });
  };
  metadata.name = name ?? UNNAMED_POD;
  if (top.Namespace?.value) metadata.namespace = top.Namespace.value;
  const keyValues = (value: string | undefined, separator: string) => {
    const out: Record<string, string> = {};
    for (const part of (value ?? "").split("\n")) {
      const trimmed = part.trim();
      if (!trimmed || trimmed === "<none>") continue;
      const at = trimmed.indexOf(separator);
      if (at > 0) out[trimmed.slice(0, at)] = trimmed.slice(at + separator.length).trim();
    }
    return out;
  };
  const labels = keyValues(top.Labels?.value, "=");
  if (Object.keys(labels).length) metadata.labels = labels;
  const annotations = keyValues(top.Annotations?.value, ":");
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  const controlledBy = /^(\w+)\/(\S+)$/.exec(top["Controlled By"]?.value ?? "");
  if (controlledBy) metadata.ownerReferences = [{ apiVersion: controlledBy[1] === "Job" ? "batch/v1" : "apps/v1", kind: controlledBy[1], name: controlledBy[2], controller: true }];
  const start = describeTime(top["Start Time"]?.value);
  if (start) {
    metadata.creationTimestamp = start;
    status.startTime = start;
  }
  if (top["Service Account"]?.value) spec.serviceAccountName = top["Service Account"].value;
  const node = top.Node?.value;
  if (node && node !== "<none>") spec.nodeName = node.split("/")[0];
  if (top.Status?.value) status.phase = top.Status.value.split(/\s/)[0];
  if (top.Reason?.value) status.reason = top.Reason.value;
  if (top.Message?.value) status.message = top.Message.value;
  if (top.IP?.value) status.podIP = top.IP.value;
  const selectors = keyValues(top["Node-Selectors"]?.value, "=");
  if (Object.keys(selectors).length) spec.nodeSelector = selectors;

  for (const [sectionName, listKey, statusKey] of [
    ["Init Containers", "initContainers", "initContainerStatuses"],
    ["Containers", "containers", "containerStatuses"],
  ] as const) {
    const body = sections[sectionName];
    if (!body) continue;
    const specs: Json[] = [];
    const statuses: Json[] = [];
    let current: { name: string; fields: Array<{ key: string; value: string; sub: Line[] }> } | undefined;
    const flush = () => {
      if (!current) return;
      const parsed = parseContainer(current.name, current.fields);
      specs.push(parsed.spec);
      if (Object.keys(parsed.status).length > 1) statuses.push(parsed.status);
    };
    for (const line of body) {
      const header = /^ {2}(<container>|[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?):\s*$/.exec(line.text);
      if (header) {
        flush();
        current = { name: header[1] === UNNAMED_CONTAINER_HEADER ? "" : header[1]!, fields: [] };
        continue;
      }
      if (!current) continue;
      const field = /^ {4}([A-Z][\w ]*?):\s*(.*)$/.exec(line.text);
      if (field && line.indent === 4) {
        current.fields.push({ key: field[1]!, value: field[2]!.trim(), sub: [] });
        continue;
      }
      const last = current.fields[current.fields.length - 1];
      if (last) last.sub.push(line);
    }
    flush();
    if (specs.length) spec[listKey] = specs;
    if (statuses.length) status[statusKey] = statuses;
  }

  const conditions: Json[] = [];
  for (const line of sections.Conditions ?? []) {
    const match = /^\s+(\w+)\s+(True|False|Unknown)\s*$/.exec(line.text);
    if (match) conditions.push({ type: match[1], status: match[2] });
  }
  if (conditions.length) status.conditions = conditions;
  const volumes = parseVolumes(sections.Volumes ?? []);
  if (volumes.length) spec.volumes = volumes;

  const pod: KubeObject = { apiVersion: "v1", kind: "Pod", metadata: metadata as KubeObject["metadata"], spec, status };
  const involved = { kind: "Pod", name: String(metadata.name), ...(metadata.namespace ? { namespace: String(metadata.namespace) } : {}) };
  const events = parseDescribeEvents(sections.Events ?? [], involved, origin.file);
  if ((spec.containers as Json[]).length === 0 && !sections.Containers) {
    problems.push({ origin, message: "kubectl describe output has no Containers: section; only the pod's status and events were read" });
  }
  if (sections.Events && events.length === 0 && !/<none>/.test(top.Events?.value ?? "") && (sections.Events ?? []).some((l) => l.text.trim())) {
    const at = lines[top.Events!.index]!.number;
    problems.push({ origin: { file: origin.file, line: at }, message: "the Events table could not be read (expected columns Type, Reason, Age, From, Message)" });
  }
  cutOff();
  return { pod, events, problems };
}
