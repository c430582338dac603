import type { EventRecord, LogStream } from "../../model/inputs.js";
import type { FieldLocator, KubeObject, Origin } from "../../model/kube.js";
import { UNNAMED_POD } from "../../model/unnamed.js";
import { parseKubeDocuments } from "../kube-documents.js";
import { parseDescribePod, UNNAMED_CONTAINER_HEADER } from "./describe-pod.js";
import { namesInMessage, toEventRecord } from "./event-rows.js";
import { looksLikePodData, parseFragment, placeFragment, type PodParts } from "./fragments.js";
import { completeReason, isTerminatedReason, isWaitingReason } from "./reasons.js";
import { describeKey, segmentLines, type PodsRow, type TopRow } from "./segments.js";
import { unwrapLines, type KubectlCommand, type PastedLine } from "./wrappers.js";

/** What the caller says to expect first (`--logs`, `--events`); content decides in the end. */
export interface IntakeHint {
  expect?: "any" | "log" | "events";
  previous?: boolean;
  target?: { namespace?: string; pod?: string; container?: string };
}

export interface IntakeResult {
  /** The Pod the text describes, rebuilt from every part of it found; absent when the text holds none. */
  pod?: { object: KubeObject; origin: Origin };
  /** Whole objects with a kind found in the text (other than that Pod), and PodMetrics from `kubectl top pod --containers` rows. */
  objects: Array<{ object: KubeObject; origin: Origin; locate?: FieldLocator }>;
  events: EventRecord[];
  logs: LogStream[];
  problems: Array<{ origin: Origin; message: string }>;
}

type Json = Record<string, unknown>;

const STATE_FIELDS = new Set(["Reason", "Message", "Exit Code", "Signal", "Started", "Finished"]);

/** Describe text cut anywhere, made whole enough for the describe reader: a container block gets its `Containers:` line, bare fields a container around them. */
function describeText(lines: readonly PastedLine[]): string {
  const texts = lines.map((line) => line.text.replace(/\t/g, "    "));
  const first = texts.find((text) => text.trim() !== "") ?? "";
  const firstIndent = first.length - first.trimStart().length;
  const dedent = (text: string, by: number) => (text.slice(0, by).trim() === "" ? text.slice(by) : text.trimStart());
  const key = describeKey(first);
  const keyIndents = texts.map((text) => describeKey(text)?.indent).filter((indent): indent is number => indent !== undefined);
  const shallowest = Math.min(...keyIndents);
  // `Reason:` / `Exit Code:` deeper than the fields after them: a State block whose `State:` line was cut off.
  if (key && STATE_FIELDS.has(key.key) && key.indent > shallowest) {
    const block = texts.slice(0, texts.findIndex((text) => (describeKey(text)?.indent ?? Infinity) <= shallowest));
    const reason = completeReason(/^\s*Reason:\s*(\S+)/m.exec(block.join("\n"))?.[1]) ?? "";
    const ended = /^\s*(?:Exit Code|Finished|Signal):/m.test(block.join("\n")) || isTerminatedReason(reason);
    const header = `${" ".repeat(shallowest)}${isWaitingReason(reason) ? "State:  Waiting" : ended ? "Last State:  Terminated" : "State:  Running"}`;
    return describeText([{ number: 0, text: header }, ...lines]);
  }
  const topLevel = key && key.indent === shallowest && !["State", "Last State", "Image", "Image ID", "Container ID", "Port", "Ports", "Host Port", "Host Ports", "Restart Count", "Ready", "Limits", "Requests", "Liveness", "Readiness", "Startup", "Mounts", "Environment", "Command", "Args", "Exit Code", "Started", "Finished"].includes(key.key);
  if (topLevel) return texts.map((text) => dedent(text, firstIndent)).join("\n");
  if (!key) {
    // `  kafka:` with its fields below: one container of the Containers section.
    return ["Containers:", ...texts.map((text) => `  ${dedent(text, firstIndent)}`)].join("\n");
  }
  return ["Containers:", `  ${UNNAMED_CONTAINER_HEADER}:`, ...texts.map((text) => `    ${dedent(text, firstIndent)}`)].join("\n");
}

function mergeInto(target: Json, source: Json): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (Array.isArray(value) && Array.isArray(existing) && (key.endsWith("Statuses") || key === "containers" || key === "initContainers")) {
      for (const item of value as Json[]) {
        const same = (existing as Json[]).find((e) => e.name === item.name || e.name === "" || item.name === "");
        if (same) {
          const name = same.name || item.name;
          mergeInto(same, item);
          same.name = name;
        } else existing.push(item);
      }
    } else if (value && typeof value === "object" && !Array.isArray(value) && existing && typeof existing === "object" && !Array.isArray(existing)) {
      mergeInto(existing as Json, value as Json);
    } else if (value !== undefined && value !== "") {
      target[key] = value;
    }
  }
}

function fixStatuses(status: Json): void {
  for (const key of ["containerStatuses", "initContainerStatuses"]) {
    for (const entry of (status[key] as Json[] | undefined) ?? []) {
      for (const stateKey of ["state", "lastState"]) {
        const state = entry[stateKey] as Json | undefined;
        for (const inner of Object.values(state ?? {})) {
          if (inner && typeof inner === "object" && typeof (inner as Json).reason === "string") (inner as Json).reason = completeReason((inner as Json).reason as string);
        }
      }
      const last = entry.lastState as Json | undefined;
      if (last?.terminated && (entry.restartCount === undefined || entry.restartCount === null)) entry.restartCount = 1;
    }
  }
  if (typeof status.reason === "string") status.reason = completeReason(status.reason);
}

function podsRowStatus(row: PodsRow): Json {
  const status: Json = {};
  const reason = row.status.replace(/^Init:/, "");
  const init = row.status.startsWith("Init:") && !/^\d+\/\d+$/.test(reason);
  if (["Running", "Pending", "Failed", "Succeeded", "Unknown"].includes(row.status)) status.phase = row.status;
  else if (row.status === "Completed") status.phase = "Succeeded";
  else if (row.status === "Evicted") Object.assign(status, { phase: "Failed", reason: "Evicted" });
  else if (init || row.status === "ContainerCreating" || row.status === "PodInitializing") status.phase = "Pending";
  else status.phase = "Running";
  const container: Json = { name: "", ready: row.ready === row.total && row.total > 0, restartCount: row.restarts };
  if (isWaitingReason(reason)) container.state = { waiting: { reason } };
  else if (isTerminatedReason(reason)) {
    container.state = { waiting: { reason: "CrashLoopBackOff" } };
    container.lastState = { terminated: { reason } };
  } else if (row.status === "Running") container.state = { running: {} };
  if (container.state || row.restarts > 0) status[init ? "initContainerStatuses" : "containerStatuses"] = [container];
  return status;
}

const CONTAINER_IN_MESSAGE = [
  /restarting failed container[= ]"?([\w.-]+)/i,
  /^Container "?([\w.-]+)"? failed (?:liveness|startup|readiness) probe/i,
  /^(?:Created|Started|Stopping|Killing) container "?([\w.-]+)/i,
  /failed to (?:start|create) container "([\w.-]+)"/,
];

function containerNamed(event: EventRecord): string | undefined {
  const field = /\{([^}]+)\}/.exec(event.involved.fieldPath ?? "");
  if (field) return field[1];
  for (const pattern of CONTAINER_IN_MESSAGE) {
    const match = pattern.exec(event.message);
    if (match) return match[1];
  }
  return undefined;
}

function commandBefore(commands: readonly KubectlCommand[], line: number): KubectlCommand | undefined {
  let found: KubectlCommand | undefined;
  for (const command of commands) if (command.line < line) found = command;
  return found;
}

function runsOf(lines: readonly PastedLine[]): PastedLine[][] {
  const runs: PastedLine[][] = [];
  for (const line of lines) {
    const run = runs[runs.length - 1];
    if (run && run[run.length - 1]!.number + 1 === line.number) run.push(line);
    else runs.push([line]);
  }
  return runs;
}

/**
 * Reads any pasted text: describe output whole or cut, event rows of every
 * layout, `kubectl get pods` rows, Pod YAML/JSON with or without `kind`,
 * logs, and the prompts, comments, quotes and fences around them.
 */
export function readPastedText(text: string, file: string, hint: IntakeHint = {}): IntakeResult {
  const result: IntakeResult = { objects: [], events: [], logs: [], problems: [] };
  const { lines, notes, commands } = unwrapLines(text);
  const segments = segmentLines(lines, hint.expect ?? "any");
  const parts: PodParts = { metadata: {}, spec: {}, status: {} };
  const weak: Json[] = [];
  let podFound = false;
  let podLine: number | undefined;
  const logSegments: PastedLine[][] = [];
  const describedNames: string[] = [];
  const rows: PodsRow[] = [];
  const topRows: Array<{ row: TopRow; line: number }> = [];
  let describedOther: EventRecord["involved"] | undefined;

  for (const segment of segments) {
    if (segment.kind === "describe") {
      const origin = { file, line: segment.lines[0]!.number };
      const parsed = parseDescribePod(describeText(segment.lines), origin);
      if (parsed.pod.kind !== "Pod") {
        result.objects.push({ object: parsed.pod, origin });
        result.events.push(...parsed.events);
        describedOther ??= { kind: parsed.pod.kind, name: parsed.pod.metadata.name ?? UNNAMED_POD, ...(parsed.pod.metadata.namespace ? { namespace: parsed.pod.metadata.namespace } : {}) };
        continue;
      }
      podFound = true;
      podLine ??= origin.line;
      const name = parsed.pod.metadata.name;
      if (name && name !== UNNAMED_POD) describedNames.push(name);
      const { name: _ignored, ...metadata } = parsed.pod.metadata as Json;
      mergeInto(parts.metadata, metadata);
      mergeInto(parts.spec, (parsed.pod.spec ?? {}) as Json);
      mergeInto(parts.status, (parsed.pod.status ?? {}) as Json);
      for (const problem of parsed.problems) if (!/without a Name: line|no Containers: section/.test(problem.message)) result.problems.push(problem);
    } else if (segment.kind === "data") {
      const body = segment.lines.map((l) => l.text).join("\n");
      const origin = { file, line: segment.lines[0]!.number };
      const value = parseFragment(dedentBlock(body));
      if (value && typeof value === "object" && !Array.isArray(value) && typeof (value as Json).kind === "string" && (value as Json).kind !== "Pod") {
        const parsed = parseKubeDocuments(dedentBlock(body), file);
        for (const object of parsed.objects) result.objects.push({ object: object.object, origin: { file, line: (object.origin.line ?? 1) + segment.lines[0]!.number - 1 } });
        continue;
      }
      if (looksLikePodData(value) && placeFragment(value, parts)) {
        podFound = true;
        podLine ??= origin.line;
      } else logSegments.push(segment.lines);
    } else if (segment.kind === "pods-row") {
      rows.push(segment.row);
    } else if (segment.kind === "top-row") {
      topRows.push({ row: segment.row, line: segment.line.number });
    } else if (segment.kind === "log") {
      logSegments.push(segment.lines);
    }
  }

  const metadataName = typeof parts.metadata.name === "string" ? parts.metadata.name : undefined;
  const commandPod = commands.find((command) => command.pod && command.verb !== "logs")?.pod ?? commands.find((command) => command.pod)?.pod;
  const commandNamespace = commands.find((command) => command.namespace)?.namespace;
  const messageNames = segments.flatMap((segment) => (segment.kind === "event" ? [namesInMessage(segment.row.message)] : [])).find((names) => names.pod);
  const distinctRows = [...new Set(rows.map((row) => row.name))];
  let podName = describedNames[0] ?? metadataName ?? hint.target?.pod ?? commandPod ?? messageNames?.pod;
  if (!podName && distinctRows.length === 1) podName = distinctRows[0];
  const row = rows.find((r) => r.name === podName) ?? (rows.length === 1 ? rows[0] : undefined);
  if (row) {
    const status = podsRowStatus(row);
    const hasStatus = Array.isArray(parts.status.containerStatuses) || Array.isArray(parts.status.initContainerStatuses);
    if (!hasStatus) weak.push(status);
    else if (!parts.status.phase && status.phase) parts.status.phase = status.phase;
    podFound = true;
    podLine ??= 1;
  }
  const namespace = (typeof parts.metadata.namespace === "string" ? parts.metadata.namespace : undefined) ?? hint.target?.namespace ?? commandNamespace ?? row?.namespace ?? messageNames?.namespace;

  for (const segment of segments) {
    if (segment.kind !== "event") continue;
    const r = segment.row;
    const fromMessage = namesInMessage(r.message);
    const involved: EventRecord["involved"] = !r.object && describedOther && !podFound
      ? { ...describedOther }
      : r.object
      ? { kind: r.object.kind, name: r.object.name, ...(r.namespace ? { namespace: r.namespace } : namespace && r.object.kind === "Pod" ? { namespace } : {}) }
      : { kind: "Pod", name: podName ?? fromMessage.pod ?? UNNAMED_POD, ...((namespace ?? fromMessage.namespace) ? { namespace: namespace ?? fromMessage.namespace } : {}) };
    if (r.fieldPath) involved.fieldPath = r.fieldPath;
    result.events.push(toEventRecord(r, involved, { file, line: segment.line.number }));
  }

  if (podFound) {
    for (const status of weak) mergeInto(parts.status, status);
    fixStatuses(parts.status);
    nameLoneContainer(parts, result.events, commands, hint);
    const metadata: Json = { ...parts.metadata, name: podName ?? UNNAMED_POD };
    if (namespace) metadata.namespace = namespace;
    const spec: Json = { containers: [], ...parts.spec };
    result.pod = { object: { apiVersion: "v1", kind: "Pod", metadata: metadata as KubeObject["metadata"], spec, status: parts.status }, origin: { file, line: podLine ?? 1 } };
  }

  // metrics-server's working set per container, as the PodMetrics object `kubectl top` reads.
  const metrics = new Map<string, { object: KubeObject; origin: Origin }>();
  for (const { row, line } of topRows) {
    const ns = row.namespace ?? namespace;
    const key = `${ns ?? ""}/${row.pod}`;
    let entry = metrics.get(key);
    if (!entry) {
      entry = { object: { apiVersion: "metrics.k8s.io/v1beta1", kind: "PodMetrics", metadata: { name: row.pod, ...(ns ? { namespace: ns } : {}) }, containers: [] } as unknown as KubeObject, origin: { file, line } };
      metrics.set(key, entry);
      result.objects.push(entry);
    }
    (entry.object as unknown as { containers: Json[] }).containers.push({ name: row.container, usage: { cpu: row.cpu, memory: row.memory } });
  }

  for (const segmentLines of logSegments) {
    const trimmed = trimBlank(segmentLines);
    if (trimmed.length === 0) continue;
    const command = commandBefore(commands, trimmed[0]!.number);
    const fromCommand = command?.verb === "logs" ? command : undefined;
    const stream: LogStream = {
      previous: fromCommand ? fromCommand.previous : hint.previous ?? false,
      origin: { file, line: trimmed[0]!.number },
      firstLine: trimmed[0]!.number,
      lines: contiguous(trimmed),
    };
    const pod = fromCommand?.pod ?? hint.target?.pod ?? podName;
    const container = fromCommand?.container ?? hint.target?.container;
    if (pod) stream.pod = pod;
    if (namespace ?? fromCommand?.namespace) stream.namespace = fromCommand?.namespace ?? namespace;
    if (container) stream.container = container;
    result.logs.push(stream);
  }
  // Comment lines around an excerpt say what the reporter saw (often the full message the excerpt cuts): read as log text.
  for (const run of runsOf(notes)) {
    const stream: LogStream = { previous: false, origin: { file, line: run[0]!.number }, firstLine: run[0]!.number, lines: run.map((line) => line.text) };
    if (podName) stream.pod = podName;
    if (namespace) stream.namespace = namespace;
    if (hint.target?.container) stream.container = hint.target.container;
    result.logs.push(stream);
  }
  return result;
}

/** Log lines keep their numbers: a gap (a blank or a removed prompt) is filled with empty lines. */
function contiguous(lines: readonly PastedLine[]): string[] {
  const out: string[] = [];
  const first = lines[0]!.number;
  for (const line of lines) {
    while (first + out.length < line.number) out.push("");
    out.push(line.text);
  }
  return out;
}

function trimBlank(lines: readonly PastedLine[]): PastedLine[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.text.trim() === "") start++;
  while (end > start && lines[end - 1]!.text.trim() === "") end--;
  return lines.slice(start, end);
}

function dedentBlock(text: string): string {
  const lines = text.split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return indent > 0 && Number.isFinite(indent) ? lines.map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join("\n") : text;
}

/** A container the text never names (a bare `State:` block, a status fragment) takes the one name the events, logs or commands give. */
function nameLoneContainer(parts: PodParts, events: readonly EventRecord[], commands: readonly KubectlCommand[], hint: IntakeHint): void {
  const statuses = (parts.status.containerStatuses as Json[] | undefined) ?? [];
  const specs = (parts.spec.containers as Json[] | undefined) ?? [];
  const unnamed = [...statuses, ...specs].filter((entry) => entry.name === "");
  if (unnamed.length === 0) return;
  const named = new Set<string>();
  for (const event of events) {
    const name = containerNamed(event);
    if (name) named.add(name);
  }
  for (const command of commands) if (command.container) named.add(command.container);
  if (hint.target?.container) named.add(hint.target.container);
  for (const entry of [...statuses, ...specs]) if (typeof entry.name === "string" && entry.name) named.delete(entry.name);
  if (named.size !== 1) return;
  const name = [...named][0]!;
  for (const entry of unnamed) entry.name = name;
}
