import type { PastedLine } from "./wrappers.js";
import { eventFromMessage, isEventsHeader, parseEventRow, type EventRow } from "./event-rows.js";

/**
 * Splits pasted lines into runs of one kind, told by content alone: describe
 * text (whole or any part), event rows, `kubectl get pods` rows, YAML or JSON
 * fragments, and log lines (everything else).
 */
export type Segment =
  | { kind: "describe"; lines: PastedLine[] }
  | { kind: "event"; line: PastedLine; row: EventRow }
  | { kind: "pods-row"; line: PastedLine; row: PodsRow }
  | { kind: "top-row"; line: PastedLine; row: TopRow }
  | { kind: "data"; lines: PastedLine[] }
  | { kind: "log"; lines: PastedLine[] };

/** A row of `kubectl top pod --containers`: what metrics-server measures for one container. */
export interface TopRow {
  namespace?: string;
  pod: string;
  container: string;
  cpu: string;
  memory: string;
}

export interface PodsRow {
  namespace?: string;
  name: string;
  ready: number;
  total: number;
  status: string;
  restarts: number;
}

/** Keys `kubectl describe pod` prints, at any version (top level, per container, volumes, conditions). */
const DESCRIBE_KEYS = new Set([
  "Name", "Namespace", "Priority", "Priority Class Name", "Runtime Class Name", "Service Account", "Node", "Start Time", "Labels", "Annotations", "Status",
  "Reason", "Message", "IP", "IPs", "Controlled By", "Init Containers", "Containers", "Ephemeral Containers", "Conditions", "Readiness Gates", "Volumes",
  "QoS Class", "Node-Selectors", "Tolerations", "Events", "Image(s)", "Replication Controllers", "Nominated Node Name", "SeccompProfile",
  "Container ID", "Image", "Image ID", "Port", "Ports", "Host Port", "Host Ports", "Command", "Args", "State", "Last State", "Exit Code", "Signal",
  "Started", "Finished", "Ready", "Restart Count", "Limits", "Requests", "Liveness", "Readiness", "Startup", "Environment", "Environment Variables from",
  "Mounts", "Type", "ClaimName", "ReadOnly", "SecretName", "Optional", "ConfigMapName", "ConfigMapOptional", "TokenExpirationSeconds", "DownwardAPI",
  "Medium", "SizeLimit", "Path", "HostPathType", "Devices", "Restart Policy", "Completions", "Parallelism", "Pods Statuses", "Backoff Limit", "Selector",
  "Pod Template", "Completion Mode", "Suspend", "Start Time",
]);
/** Keys that only describe output has: one of them makes a run of describe keys describe text. */
const STRONG_KEYS = new Set([
  "Containers", "Init Containers", "State", "Last State", "Exit Code", "Restart Count", "Controlled By", "QoS Class", "Node-Selectors", "Tolerations",
  "Image ID", "Container ID", "Host Port", "Host Ports", "Mounts", "Environment Variables from", "Image(s)", "Pods Statuses", "Service Account", "Start Time",
]);

const KEY_LINE = /^(\s*)([A-Z][A-Za-z()-]*(?: [A-Za-z()-]+){0,4}):(?:\s|$)/;
const YAML_LINE = /^(\s*)(?:- )?(?:[a-z][A-Za-z0-9_]*|"[a-zA-Z]+")\s*:(?:\s|$)/;
const YAML_ITEM = /^\s*- \S/;
const PODS_HEADER = /^\s*(?:NAMESPACE\s+)?NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\b/;
const PODS_ROW = /^\s*(?:([a-z0-9][-a-z0-9]{0,62})\s+)?(?:pod\/)?([a-z0-9][-a-z0-9.]{0,252})\s+(\d+)\/(\d+)\s+([A-Za-z][\w:-]*)\s+(\d+)(?:\s\([^)]{1,20}\))?\s+\S+/;

/** `kubectl top pod --containers` (with `-A`, a NAMESPACE column first): its rows are read only under this header. */
const TOP_HEADER = /^\s*(NAMESPACE\s+)?POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/;
const TOP_ROW = /^\s*(?:([a-z0-9][-a-z0-9]{0,62})\s+)?([a-z0-9][-a-z0-9.]{0,252})\s+([a-z0-9][-a-z0-9]{0,62})\s+(\d+m?)\s+(\d+(?:Ki|Mi|Gi|Ti)?)\s*$/;

export function parseTopRow(line: string, namespaced: boolean): TopRow | undefined {
  const match = TOP_ROW.exec(line);
  if (!match || Boolean(match[1]) !== namespaced) return undefined;
  return { ...(match[1] ? { namespace: match[1] } : {}), pod: match[2]!, container: match[3]!, cpu: match[4]!, memory: match[5]! };
}

export function describeKey(line: string): { indent: number; key: string } | undefined {
  const match = KEY_LINE.exec(line);
  if (!match || !DESCRIBE_KEYS.has(match[2]!)) return undefined;
  return { indent: match[1]!.replace(/\t/g, "    ").length, key: match[2]! };
}

export function parsePodsRow(line: string): PodsRow | undefined {
  const match = PODS_ROW.exec(line);
  if (!match) return undefined;
  const row: PodsRow = { name: match[2]!, ready: Number(match[3]), total: Number(match[4]), status: match[5]!, restarts: Number(match[6]) };
  if (match[1]) row.namespace = match[1];
  return row;
}

function indentOf(text: string): number {
  return text.length - text.replace(/^[ \t]+/, "").length;
}

/** A lower-case `name:` line with nothing after it, followed by describe fields: a container block's header. */
function isContainerHeader(lines: readonly PastedLine[], index: number): boolean {
  if (!/^\s*[a-z0-9][-a-z0-9.]*:\s*$/.test(lines[index]!.text)) return false;
  const next = lines[index + 1];
  const key = next ? describeKey(next.text) : undefined;
  return !!key && key.indent > indentOf(lines[index]!.text);
}

function jsonEnd(lines: readonly PastedLine[], start: number): number | undefined {
  let depth = 0;
  let inString = false;
  let escaped = false;
  const last = Math.min(lines.length, start + 20000);
  for (let index = start; index < last; index++) {
    for (const char of lines[index]!.text) {
      if (inString) {
        if (escaped) escaped = false;
        else if (char === "\\") escaped = true;
        else if (char === '"') inString = false;
        continue;
      }
      if (char === '"') inString = true;
      else if (char === "{" || char === "[") depth++;
      else if (char === "}" || char === "]") {
        depth--;
        if (depth === 0) return index;
      }
    }
  }
  return undefined;
}

export function segmentLines(lines: readonly PastedLine[], hint: "log" | "events" | "any" = "any"): Segment[] {
  const segments: Segment[] = [];
  let log: PastedLine[] | undefined;
  const pushLog = (line: PastedLine) => {
    if (!log) segments.push({ kind: "log", lines: (log = []) });
    log.push(line);
  };
  let index = 0;
  let top: { namespaced: boolean } | undefined;
  while (index < lines.length) {
    const line = lines[index]!;
    const text = line.text;
    if (text.trim() === "") {
      if (log) log.push(line);
      index++;
      continue;
    }
    const topHeader = TOP_HEADER.exec(text);
    if (topHeader) {
      top = { namespaced: Boolean(topHeader[1]) };
      index++;
      continue;
    }
    const topRow = top ? parseTopRow(text, top.namespaced) : undefined;
    if (topRow) {
      log = undefined;
      segments.push({ kind: "top-row", line, row: topRow });
      index++;
      continue;
    }
    top = undefined;
    if (isEventsHeader(text) || PODS_HEADER.test(text)) {
      index++;
      continue;
    }
    const row = parseEventRow(text);
    if (row) {
      log = undefined;
      segments.push({ kind: "event", line, row });
      index++;
      continue;
    }
    const pods = hint === "log" ? undefined : parsePodsRow(text);
    if (pods) {
      log = undefined;
      segments.push({ kind: "pods-row", line, row: pods });
      index++;
      continue;
    }
    const key = describeKey(text);
    if (key || isContainerHeader(lines, index)) {
      const run = describeRun(lines, index);
      const strong = run.some((l) => STRONG_KEYS.has(describeKey(l.text)?.key ?? ""));
      const keys = run.filter((l) => describeKey(l.text)).length;
      if (strong && keys >= (hint === "log" ? 3 : 2)) {
        log = undefined;
        segments.push({ kind: "describe", lines: run });
        index += run.length;
        continue;
      }
    }
    if (/^\s*[[{]/.test(text)) {
      const end = jsonEnd(lines, index);
      if (end !== undefined && end > index) {
        log = undefined;
        segments.push({ kind: "data", lines: lines.slice(index, end + 1) });
        index = end + 1;
        continue;
      }
      if (end === index && /"(?:apiVersion|kind|metadata|status|spec|containerStatuses|lastState|state|restartCount)"\s*:/.test(text.slice(0, 200)) && !/"(?:msg|message|level|ts|time)"\s*:/.test(text.slice(0, 200))) {
        log = undefined;
        segments.push({ kind: "data", lines: [line] });
        index++;
        continue;
      }
    }
    if (hint !== "log" || /^(?:status|spec|metadata|lastState|state|containerStatuses|apiVersion|kind):/.test(text.trim())) {
      if (YAML_LINE.test(text) && !describeKey(text)) {
        const run = yamlRun(lines, index);
        if (run.length >= 2) {
          log = undefined;
          segments.push({ kind: "data", lines: run });
          index += run.length;
          continue;
        }
      }
    }
    const bare = eventFromMessage(text);
    if (bare) {
      log = undefined;
      segments.push({ kind: "event", line, row: bare });
      index++;
      continue;
    }
    pushLog(line);
    index++;
  }
  return segments;
}

/** Describe lines run until a blank line, an event row, or a line at the left margin that is no describe key (wrapped messages stay in). */
function describeRun(lines: readonly PastedLine[], start: number): PastedLine[] {
  const run: PastedLine[] = [];
  let inMessage = false;
  for (let index = start; index < lines.length; index++) {
    const line = lines[index]!;
    const text = line.text;
    if (text.trim() === "") {
      // describe prints no blank line inside a pod; one before `Events:` is kept.
      const next = lines[index + 1];
      if (next && describeKey(next.text)) {
        run.push(line);
        continue;
      }
      break;
    }
    if (index > start && (isEventsHeader(text) || parseEventRow(text))) break;
    const key = describeKey(text);
    if (key) {
      inMessage = key.key === "Message";
      run.push(line);
      continue;
    }
    if (indentOf(text) > 0 || inMessage) {
      run.push(line);
      continue;
    }
    break;
  }
  return run;
}

/** YAML lines run while they are keys, list items, or deeper than the first line (continued scalars). */
function yamlRun(lines: readonly PastedLine[], start: number): PastedLine[] {
  const base = indentOf(lines[start]!.text);
  const run: PastedLine[] = [];
  for (let index = start; index < lines.length; index++) {
    const text = lines[index]!.text;
    if (text.trim() === "") break;
    if (index > start && parseEventRow(text)) break;
    if (YAML_LINE.test(text) || YAML_ITEM.test(text) || indentOf(text) > base) {
      if (indentOf(text) < base) break;
      run.push(lines[index]!);
      continue;
    }
    break;
  }
  return run;
}
