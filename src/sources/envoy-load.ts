/** Reading Envoy inputs that need more than one readFile: large dumps and large access logs. */
import { createReadStream, readFileSync, statSync, type Stats } from "node:fs";
import { fileTypeOf } from "../util/file-types.js";
import { findJsonSyntaxError } from "../util/json-syntax.js";
import { jsonTooDeep, LimitError, PARSE_LIMITS } from "../util/limits.js";
import type { Origin } from "../model/kube.js";
import { readAccessLogStream, summarizeFile } from "./access-log-files.js";
import { AccessLogReader } from "../envoy/access-log/reader.js";
import type { AccessLogSummary } from "../envoy/access-log/summary.js";
import { TrafficTimeline } from "../envoy/access-log/timeline.js";
import { ConfigDump } from "../envoy/config-dump.js";
import type { AccessLogInput, EnvoyInputs } from "../model/envoy-inputs.js";
import { StreamingJsonParser } from "../envoy/stream-json.js";
import { parseEnvoyInputs, reportSkippedLines } from "./envoy.js";

/** Above this a file cannot be held as one V8 string. */
export const WHOLE_STRING_LIMIT = 512 * 1024 * 1024;

/** Dumps from this size on are indexed as bytes rather than parsed whole. */
const INDEX_THRESHOLD = 16 * 1024 * 1024;
/** Larger files are streamed rather than held as one Buffer. */
const MAX_BUFFER = 2 * 1024 * 1024 * 1024 - 1;

/** A JSON file too large for one string, parsed as it is read: values `captureDepth` deep and deeper are parsed whole. */
export async function readJsonStreaming(path: string, captureDepth = 4): Promise<unknown> {
  const parser = new StreamingJsonParser(captureDepth);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) parser.write(chunk as Buffer);
  return parser.end();
}

export type LoadedDump = { dump: ConfigDump; bytes: number } | { error: string };

/** Why a JSON text failed to parse, with the line, column and byte offset (computed: Node 20's JSON.parse does not say where). */
export function describeJsonError(text: string, _error?: unknown): string {
  if (text.trim() === "") return "empty: an Envoy config dump is a JSON object with a \"configs\" list";
  if (!/^\s*[{[]/.test(text)) return "not JSON: an Envoy config dump is a JSON object with a \"configs\" list";
  const error = findJsonSyntaxError(text);
  if (!error) return "not valid JSON";
  if (error.offset >= text.length) return `the config dump is truncated (JSON ends early), at line ${error.line}`;
  return `not valid JSON at line ${error.line}, column ${error.column} (byte offset ${error.offset}): ${error.message}`;
}

/** JSON text parsed within the nesting limit; throws with the reason otherwise. */
export function parseDumpText(text: string): unknown {
  const deep = jsonTooDeep(text);
  if (deep) throw new LimitError(`nests deeper than ${PARSE_LIMITS.maxDepth} levels at line ${deep.line} (byte offset ${deep.offset}); not read`);
  return JSON.parse(text);
}

/** Why a file cannot be read as a dump (folder, FIFO, device, empty, binary), or undefined. */
function unreadableDump(path: string, stats: Stats): string | undefined {
  if (stats.isDirectory()) return `${path} is a folder: give the config dump file (curl localhost:15000/config_dump > dump.json)`;
  if (!stats.isFile()) return `${path} is ${fileTypeOf(stats)}, not a regular file: skipped (pipe it to -f - instead)`;
  if (stats.size === 0) return `${path}:1: empty file: an Envoy config dump is a JSON object with a "configs" list`;
  return undefined;
}

/** Loads an Envoy config dump of any size; files over 512 MB are streamed. */
export async function loadConfigDumpFile(path: string): Promise<LoadedDump> {
  let bytes: number;
  try {
    const stats = statSync(path);
    const unreadable = unreadableDump(path, stats);
    if (unreadable) return { error: unreadable };
    bytes = stats.size;
  } catch (error) {
    return { error: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (error as NodeJS.ErrnoException).code === "EACCES" ? "permission denied" : (error as Error).message}` };
  }
  try {
    return await loadDump(path, bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: `${path}: ${code === "EACCES" ? "permission denied" : error instanceof LimitError || error instanceof RangeError ? `the config dump ${error instanceof LimitError ? error.message : "is too deeply nested to read"}` : (error as Error).message}` };
  }
}

async function loadDump(path: string, bytes: number): Promise<LoadedDump> {
  // Read as bytes and index the sections: a trace then parses only what it follows.
  if (bytes >= INDEX_THRESHOLD && bytes <= MAX_BUFFER) {
    const buffer = readFileSync(path);
    const indexed = ConfigDump.fromBuffer(buffer);
    if (indexed) return { dump: indexed, bytes };
    if (bytes <= WHOLE_STRING_LIMIT) {
      const text = buffer.toString("utf8");
      try {
        return toDump(parseDumpText(text), path, bytes);
      } catch (error) {
        if (error instanceof LimitError) throw error;
        return { error: `${path}: ${describeJsonError(text, error)}` };
      }
    }
  }
  let parsed: unknown;
  if (bytes > WHOLE_STRING_LIMIT) {
    try {
      parsed = await readJsonStreaming(path);
    } catch (error) {
      return { error: `${path}: ${(error as Error).message}` };
    }
  } else {
    const buffer = readFileSync(path);
    if (buffer.includes(0)) return { error: `${path}:1: binary data, not JSON: an Envoy config dump is a JSON object with a "configs" list` };
    const text = buffer.toString("utf8");
    try {
      parsed = parseDumpText(text);
    } catch (error) {
      if (error instanceof LimitError) throw error;
      return { error: `${path}: ${describeJsonError(text, error)}` };
    }
  }
  return toDump(parsed, path, bytes);
}

export function toDump(parsed: unknown, path: string, bytes = 0): LoadedDump {
  if (!ConfigDump.isConfigDump(parsed)) {
    return { error: `${path}: not an Envoy config dump (no "configs" list); give the output of \`curl localhost:15000/config_dump\` or \`istioctl proxy-config all -o json\`` };
  }
  return { dump: new ConfigDump(parsed), bytes };
}

/**
 * Streams what the file loader left for later: dumps over 512 MB and large
 * access logs, then parses any Envoy input not parsed yet. Each failure is reported and the rest still loads.
 */
export async function resolveLargeEnvoyInputs(envoy: EnvoyInputs, report: (origin: Origin, message: string) => void, options: { timelines?: boolean } = {}): Promise<void> {
  for (const input of envoy.configDumps) {
    const dump = input.dump as { streamFrom?: unknown } | undefined;
    if (dump && typeof dump.streamFrom === "string") {
      const loaded = await loadConfigDumpFile(dump.streamFrom);
      if ("error" in loaded) {
        report(input.origin, `Envoy config dump: ${loaded.error}`);
        input.dump = undefined;
      } else {
        // Kept indexed: rules parse only the sections they read.
        input.dump = loaded.dump;
      }
    }
  }
  for (const input of envoy.accessLogs) {
    if (input.path && !input.lines && !input.summary) {
      try {
        const summary = options.timelines ? await readWithTimeline(input, input.path) : await summarizeFile(input.path, { format: input.format });
        input.summary = summary;
        reportSkippedLines(input.origin, summary, report);
      } catch (error) {
        report(input.origin, `access log: ${(error as Error).message}`);
      }
    }
  }
  parseEnvoyInputs(envoy, report, options.timelines);
}

/** An access-log file read once for its summary and its requests over time (one stream: a timeline needs the entries in order). */
async function readWithTimeline(input: AccessLogInput, path: string): Promise<AccessLogSummary> {
  const reader = new AccessLogReader({ format: input.format });
  const timeline = new TrafficTimeline();
  await readAccessLogStream(reader, createReadStream(path, { highWaterMark: 1 << 20 }), (entry) => timeline.add(entry));
  input.timeline = timeline;
  return reader.summary;
}
