import { closeSync, lstatSync, openSync, readFileSync, readSync, readdirSync, realpathSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { AccessLogInput, ConfigDumpInput, ProxyStatusInput } from "../model/envoy-inputs.js";
import type { LogStream } from "../model/inputs.js";
import type { Origin } from "../model/kube.js";
import type { ViewBuilder } from "../view/builder.js";
import { classifyText, type ContentKind } from "./detect.js";
import { fileTypeOf } from "../util/file-types.js";
import { describeBytes, LimitError, PARSE_LIMITS } from "../util/limits.js";
import { findJsonSyntaxError } from "../util/json-syntax.js";
import { describeJsonError, parseDumpText } from "./envoy-load.js";
import { parseAccessLog, parseConfigDump, parseProxyStatusInput, summariseProxyLog } from "./envoy.js";
import { parseKubeDocuments } from "./kube-documents.js";
import { addMeshConfigFromObjects, meshTextLocator, parseMeshConfigText, setMeshConfig } from "./mesh-config.js";
import { envoyPathInfo, logPathInfo, SNAPSHOT_MANIFEST, type SnapshotManifest } from "./snapshot-layout.js";
import { parseEventsTable } from "./text/events-table.js";
import { readPastedText, type IntakeHint } from "./text/intake.js";

/** Files larger than this are not read whole; Envoy dumps and access logs above it are streamed by their own readers. */
const MAX_WHOLE_FILE_BYTES = PARSE_LIMITS.maxFileBytes;
/** Folders nested deeper than this (symlinked folders included) are not walked. */
const MAX_FOLDER_DEPTH = 40;
const SKIPPED_NAMES = new Set([".git", "node_modules", ".DS_Store"]);

export interface LoadOptions {
  /** How to treat files whose type cannot be told from content (e.g. `--logs FILE`). */
  forceKind?: ContentKind;
  /** Attach logs given without a path layout to this pod/container. */
  logTarget?: { namespace?: string; pod?: string; container?: string; previous?: boolean };
  /** Read from stdin when a path is `-`. */
  readStdin?: () => string;
  /** Inputs pasted by a person (`pod -f`, `--logs`, `--events`): YAML without `kind` is read as the part of a Pod it is. */
  pasted?: boolean;
  /** Told the total size of the files about to be read (stdin not counted), before any is read. */
  onListed?: (bytes: number) => void;
}

/** Loads files, folders (recursively), snapshots, cluster-info dumps and stdin into the builder. */
export function loadPaths(paths: readonly string[], builder: ViewBuilder, options: LoadOptions = {}): void {
  const plan = paths.map((path) => planPath(path, builder));
  options.onListed?.(plan.reduce((total, item) => total + (item.kind === "file" ? item.size : item.kind === "directory" ? item.files.reduce((sum, file) => sum + file.size, 0) : 0), 0));
  for (const item of plan) {
    if (item.kind === "stdin") {
      const text = options.readStdin ? options.readStdin() : readStdinBounded(builder);
      builder.addSource("stdin");
      loadText(text, "-", "-", builder, options);
    } else if (item.kind === "file") {
      builder.addSource(item.path);
      loadFile(item.path, item.path, item.size, builder, options);
    } else if (item.kind === "directory") {
      loadDirectory(item, builder, options);
    }
  }
}

interface ListedFile {
  path: string;
  /** Path inside the folder given, with `/` separators. */
  relative: string;
  size: number;
}

type PlannedPath = { kind: "stdin" } | { kind: "unreadable" } | { kind: "file"; path: string; size: number } | { kind: "directory"; root: string; files: ListedFile[] };

/**
 * What a path holds, listed before anything is read, so the total size is
 * known first. Only regular files are read: FIFOs, sockets and devices are
 * named and skipped (a FIFO or /dev/zero would be read forever). Symbolic
 * links to files and folders are followed, as `kubectl apply -f DIR` does;
 * a link back into a folder already walked is named and skipped, so no walk loops.
 */
function planPath(path: string, builder: ViewBuilder): PlannedPath {
  if (path === "-") return { kind: "stdin" };
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    builder.addProblem({ file: path }, `cannot read: ${errorCode(error)}`);
    return { kind: "unreadable" };
  }
  if (stats.isFile()) return { kind: "file", path, size: stats.size };
  if (!stats.isDirectory()) {
    builder.addProblem({ file: path }, `${fileTypeOf(stats)}, not a regular file: skipped (pipe it to -f - to read it from stdin)`);
    return { kind: "unreadable" };
  }
  const files: ListedFile[] = [];
  const seen = new Set<string>();
  for (const { file, real: known } of walk(path, builder, new Set(), 0)) {
    let size: number;
    try {
      const target = statSync(file);
      if (!target.isFile()) {
        builder.addProblem({ file }, `${fileTypeOf(target)}, not a regular file: skipped`);
        continue;
      }
      const real = known ?? realpathSync(file);
      if (seen.has(real)) {
        builder.addProblem({ file }, `the same file as another one in the folder (a symbolic link to ${real}): read once`);
        continue;
      }
      seen.add(real);
      size = target.size;
    } catch (error) {
      builder.addProblem({ file }, `cannot read: ${errorCode(error)}`);
      continue;
    }
    files.push({ path: file, relative: relative(path, file).split(sep).join("/"), size });
  }
  return { kind: "directory", root: path, files };
}

function loadDirectory(directory: { root: string; files: readonly ListedFile[] }, builder: ViewBuilder, options: LoadOptions): void {
  const root = directory.root;
  const manifest = readManifest(root, builder);
  builder.addSource(manifest ? `snapshot ${root}` : root);
  if (manifest?.capturedAt) {
    const captured = new Date(manifest.capturedAt);
    if (!Number.isNaN(captured.getTime())) builder.setCapturedAt(captured);
  }
  // Evidence the live run that wrote the snapshot could not read (forbidden calls) stays reported.
  if (Array.isArray(manifest?.missing)) for (const missing of manifest.missing) builder.addMissing(missing);
  const ignored = new Set(Array.isArray(manifest?.ignore) ? manifest.ignore : []);
  for (const file of directory.files) {
    if (file.relative === SNAPSHOT_MANIFEST || ignored.has(file.relative)) continue;
    loadFile(file.path, file.relative, file.size, builder, options);
  }
}

/** A file found in a walk; `real` is its real path when its folder's is known and it is no symbolic link. */
interface WalkedFile {
  file: string;
  real?: string;
}

function* walk(dir: string, builder: ViewBuilder, walked: Set<string>, depth: number): Generator<WalkedFile> {
  let real: string;
  let entries;
  try {
    real = realpathSync(dir);
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    builder.addProblem({ file: dir }, `cannot read the folder: ${errorCode(error)}`);
    return;
  }
  if (walked.has(real)) {
    builder.addProblem({ file: dir }, `a symbolic link to a folder already read (${real}): skipped, so the walk does not loop`);
    return;
  }
  if (depth > MAX_FOLDER_DEPTH) {
    builder.addProblem({ file: dir }, `folders nested deeper than ${MAX_FOLDER_DEPTH} levels: not read`);
    return;
  }
  walked.add(real);
  for (const entry of entries) {
    if (SKIPPED_NAMES.has(entry.name)) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full, builder, walked, depth + 1);
    else if (entry.isFile()) yield { file: full, real: join(real, entry.name) };
    else if (entry.isSymbolicLink()) {
      let target;
      try {
        target = statSync(full);
      } catch (error) {
        builder.addProblem({ file: full }, `a symbolic link that cannot be followed: ${errorCode(error)}`);
        continue;
      }
      if (target.isDirectory()) yield* walk(full, builder, walked, depth + 1);
      else yield { file: full };
    } else {
      let kind = "not a regular file";
      try {
        kind = fileTypeOf(lstatSync(full));
      } catch {
        // the entry vanished: named all the same
      }
      builder.addProblem({ file: full }, `${kind}, not a regular file: skipped`);
    }
  }
  walked.delete(real);
}

/** Stdin read up to the byte cap (a pipe from /dev/zero ends there, with a message). */
function readStdinBounded(builder: ViewBuilder): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.alloc(1 << 20);
  for (;;) {
    let read: number;
    try {
      read = readSync(0, chunk, 0, chunk.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EAGAIN") continue;
      if ((error as NodeJS.ErrnoException).code === "EOF") break;
      throw error;
    }
    if (read === 0) break;
    chunks.push(Buffer.from(chunk.subarray(0, read)));
    total += read;
    if (total > MAX_WHOLE_FILE_BYTES) {
      builder.addProblem({ file: "-" }, `stdin holds more than ${describeBytes(MAX_WHOLE_FILE_BYTES)}: read up to there`);
      break;
    }
  }
  return Buffer.concat(chunks).toString("utf8");
}

function readManifest(root: string, builder: ViewBuilder): SnapshotManifest | undefined {
  const path = join(root, SNAPSHOT_MANIFEST);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as SnapshotManifest;
  } catch {
    builder.addProblem({ file: path, line: 1 }, "snapshot manifest is not valid JSON; reading the folder without it");
    return undefined;
  }
}

function loadFile(file: string, relativePath: string, size: number, builder: ViewBuilder, options: LoadOptions): void {
  const envoyInfo = envoyPathInfo(relativePath);
  if (size > MAX_WHOLE_FILE_BYTES) {
    if (envoyInfo?.file.endsWith(".json")) {
      builder.envoy.configDumps.push({ proxy: `${envoyInfo.pod}.${envoyInfo.namespace}`, origin: { file }, dump: { streamFrom: file } });
    } else if (envoyInfo || /\.log$/.test(relativePath)) {
      builder.envoy.accessLogs.push({ proxy: envoyInfo ? `${envoyInfo.pod}.${envoyInfo.namespace}` : undefined, origin: { file }, path: file });
    } else {
      builder.addProblem({ file }, `${describeBytes(size)}, over the ${describeBytes(MAX_WHOLE_FILE_BYTES)} a file may have: not read (split it, or give Envoy access logs with a .log name to stream them)`);
    }
    return;
  }
  let buffer: Buffer;
  try {
    buffer = readRegularFile(file, size);
  } catch (error) {
    builder.addProblem({ file }, `cannot read: ${errorCode(error)}`);
    return;
  }
  if (buffer.length === 0) {
    builder.addProblem({ file }, "empty file: nothing to analyse");
    return;
  }
  if (isBinary(buffer)) {
    builder.addProblem({ file, line: 1 }, "binary data, not JSON, YAML or text: skipped");
    return;
  }
  const text = buffer.toString("utf8");

  const logInfo = logPathInfo(relativePath);
  if (logInfo) {
    if (envoyInfo) {
      addAccessLog({ proxy: `${envoyInfo.pod}.${envoyInfo.namespace}`, origin: { file }, lines: splitLines(text), firstLine: 1 }, builder);
      return;
    }
    if (relativePath.endsWith("logs.txt")) {
      for (const stream of splitClusterInfoDumpLogs(splitLines(text), file, logInfo.namespace, logInfo.pod)) builder.addLog(summariseProxyLog(stream, builder.trafficTimelines));
      return;
    }
    builder.addLog(summariseProxyLog({ namespace: logInfo.namespace, pod: logInfo.pod, container: logInfo.container, previous: logInfo.previous, origin: { file, line: 1 }, firstLine: 1, lines: splitLines(text) }, builder.trafficTimelines));
    return;
  }
  if (envoyInfo) {
    const proxy = `${envoyInfo.pod}.${envoyInfo.namespace}`;
    if (envoyInfo.file.endsWith(".json") && envoyInfo.file.includes("config_dump")) {
      addConfigDump(text, file, proxy, builder);
      return;
    }
    if (envoyInfo.file.endsWith(".log")) {
      addAccessLog({ proxy, origin: { file }, lines: splitLines(text), firstLine: 1 }, builder);
      return;
    }
  }
  if (/(^|\/)mesh\/meshconfig\.ya?ml$/.test(relativePath)) {
    const mesh = parseMeshConfigText(text, file, builder);
    if (mesh) setMeshConfig(mesh, builder, file, { locate: meshTextLocator(text), line: 1 });
    return;
  }
  if (/(^|\/)mesh\/meshnetworks\.ya?ml$/.test(relativePath)) {
    const networks = parseMeshConfigText(text, file, builder);
    if (networks) builder.setMeshNetworks(networks, { file, locate: meshTextLocator(text) });
    return;
  }
  loadText(text, file, relativePath, builder, options);
}

/** Loads one text input whose type is told from its content. */
export function loadText(text: string, file: string, relativePath: string, builder: ViewBuilder, options: LoadOptions = {}): void {
  if (text.trim() === "") {
    builder.addProblem({ file }, "empty input: nothing to analyse");
    return;
  }
  const kind = options.forceKind ?? classifyText(text, relativePath);
  const origin: Origin = { file, line: 1 };
  switch (kind) {
    case "kube": {
      const parsed = parseKubeDocuments(text, file);
      if (options.pasted && parsed.objects.length === 0) {
        addPasted(text, file, builder, { expect: "any" });
        return;
      }
      for (const problem of parsed.problems) builder.addProblem(problem.origin, problem.message);
      for (const { object, origin: objectOrigin, locate } of parsed.objects) builder.addObject(object, objectOrigin, locate);
      addMeshConfigFromObjects(parsed.objects.map((p) => p.object), file, builder, (object) => parsed.objects.find((p) => p.object === object)?.locate);
      return;
    }
    case "describe-pod":
      addPasted(text, file, builder, { expect: "any" });
      return;
    case "events-table": {
      const parsed = parseEventsTable(text, origin);
      if (parsed.events.length === 0) {
        addPasted(text, file, builder, { expect: "events" });
        return;
      }
      parsed.events.forEach((event) => builder.addEvent(event));
      parsed.problems.forEach((problem) => builder.addProblem(problem.origin, problem.message));
      return;
    }
    case "envoy-config-dump":
      addConfigDump(text, file, undefined, builder);
      return;
    case "proxy-status":
      addProxyStatus({ origin, text }, builder);
      return;
    case "access-log":
      addAccessLog({ origin: { file }, lines: splitLines(text), firstLine: 1 }, builder);
      return;
    case "log": {
      const target = options.logTarget ?? {};
      addPasted(text, file, builder, { expect: options.forceKind === "log" ? "log" : "any", previous: target.previous ?? false, target });
      return;
    }
  }
}

/** Pasted text of any shape, read by content (see text/intake.ts). */
function addPasted(text: string, file: string, builder: ViewBuilder, hint: IntakeHint): void {
  const read = readPastedText(text, file, hint);
  if (read.pod) builder.addObject(read.pod.object, read.pod.origin);
  for (const { object, origin, locate } of read.objects) builder.addObject(object, origin, locate);
  read.events.forEach((event) => builder.addEvent(event));
  read.logs.forEach((stream) => builder.addLog(summariseProxyLog(stream, builder.trafficTimelines)));
  read.problems.forEach((problem) => builder.addProblem(problem.origin, problem.message));
  if (!read.pod && read.objects.length === 0 && read.events.length === 0 && read.logs.length === 0) builder.addProblem({ file }, "nothing in this input could be read as describe output, events, a Pod fragment or log lines");
}

/* Envoy inputs are parsed as they are read: what is wrong with one is an input problem, before any rule runs. */
function addAccessLog(input: AccessLogInput, builder: ViewBuilder): void {
  builder.envoy.accessLogs.push(input);
  parseAccessLog(input, (origin, message) => builder.addProblem(origin, message), builder.trafficTimelines);
}

function addProxyStatus(input: ProxyStatusInput, builder: ViewBuilder): void {
  builder.envoy.proxyStatus.push(input);
  parseProxyStatusInput(input, (origin, message) => builder.addProblem(origin, message));
}

function addConfigDump(text: string, file: string, proxy: string | undefined, builder: ViewBuilder): void {
  try {
    const input: ConfigDumpInput = { proxy, origin: { file }, dump: parseDumpText(text) };
    builder.envoy.configDumps.push(input);
    parseConfigDump(input, (origin, message) => builder.addProblem(origin, message));
  } catch (error) {
    const syntax = error instanceof LimitError ? undefined : findJsonSyntaxError(text);
    builder.addProblem({ file, line: syntax?.line ?? (error as LimitError).line ?? 1 }, `Envoy config dump ${error instanceof LimitError ? error.message : describeJsonError(text, error)}`);
  }
}

const DUMP_START = /^==== START logs for container (\S+) of pod ([^/\s]+)\/(\S+) ====$/;
const DUMP_END = /^==== END logs for container \S+ of pod \S+ ====$/;
const DUMP_ERROR = /^(Create log request error|Request log error): /;

/**
 * `kubectl cluster-info dump` writes every container's log of a pod into one
 * `<ns>/<pod>/logs.txt`, each wrapped in START/END marker lines.
 */
export function splitClusterInfoDumpLogs(lines: string[], file: string, namespace: string, pod: string): LogStream[] {
  const streams: LogStream[] = [];
  let current: LogStream | undefined;
  lines.forEach((line, index) => {
    const start = DUMP_START.exec(line);
    if (start) {
      current = { namespace: start[2] ?? namespace, pod: start[3] ?? pod, container: start[1], previous: false, origin: { file, line: index + 2 }, firstLine: index + 2, lines: [] };
      streams.push(current);
      return;
    }
    if (DUMP_END.test(line)) {
      current = undefined;
      return;
    }
    if (!current) {
      current = { namespace, pod, previous: false, origin: { file, line: index + 1 }, firstLine: index + 1, lines: [] };
      streams.push(current);
    }
    if (DUMP_ERROR.test(line) && current.lines.length === 0) return;
    current.lines.push(line);
  });
  return streams.filter((stream) => stream.lines.length > 0);
}

export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function isBinary(buffer: Buffer): boolean {
  const sample = buffer.subarray(0, Math.min(buffer.length, 8192));
  let suspicious = 0;
  for (let index = 0; index < sample.length; index++) {
    const byte = sample[index]!;
    if (byte === 0) return true;
    if (byte < 7 || (byte > 13 && byte < 32 && byte !== 27)) suspicious++;
  }
  return suspicious / sample.length > 0.1;
}

/**
 * Files up to this size are read into one buffer, reused from file to file: a snapshot is thousands of files,
 * and a buffer each was garbage for the collector to find (its text is what is kept).
 */
const REUSED_BUFFER_BYTES = 16 * 1024 * 1024;
let reusedBuffer: Buffer | undefined;

/** Reads at most the cap (a file that grows while it is read stops there). The bytes are valid until the next file is read. */
function readRegularFile(file: string, size: number): Buffer {
  const descriptor = openSync(file, "r");
  try {
    const length = Math.min(size, MAX_WHOLE_FILE_BYTES);
    if (length <= REUSED_BUFFER_BYTES && (reusedBuffer?.length ?? 0) < length) reusedBuffer = Buffer.allocUnsafe(Math.max(length, 64 * 1024));
    const buffer = length <= REUSED_BUFFER_BYTES ? reusedBuffer!.subarray(0, length) : Buffer.allocUnsafe(length);
    let offset = 0;
    while (offset < buffer.length) {
      const read = readSync(descriptor, buffer, offset, buffer.length - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return offset === buffer.length ? buffer : buffer.subarray(0, offset);
  } finally {
    closeSync(descriptor);
  }
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ELOOP") return "a loop of symbolic links";
  return error instanceof Error ? error.message : String(error);
}

