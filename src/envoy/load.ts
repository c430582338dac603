/** Reading Envoy inputs that need more than one readFile: large dumps and large access logs. */
import { readFileSync, statSync } from "node:fs";
import type { Origin } from "../model/kube.js";
import { summarizeFile } from "./access-log/reader.js";
import { ConfigDump } from "./config-dump.js";
import type { EnvoyInputs } from "./inputs.js";
import { readJsonStreaming } from "./stream-json.js";

/** Above this a file cannot be held as one V8 string. */
export const WHOLE_STRING_LIMIT = 512 * 1024 * 1024;

/** Dumps from this size on are indexed as bytes rather than parsed whole. */
const INDEX_THRESHOLD = 16 * 1024 * 1024;
/** Larger files are streamed rather than held as one Buffer. */
const MAX_BUFFER = 2 * 1024 * 1024 * 1024 - 1;

export type LoadedDump = { dump: ConfigDump; bytes: number } | { error: string };

/** Why a JSON text failed to parse, with its line when the engine says where. */
export function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!/^\s*[{[]/.test(text)) return "not JSON: an Envoy config dump is a JSON object with a \"configs\" list";
  if (/end of JSON|Unterminated|Unexpected end/i.test(message)) return "the config dump is truncated (JSON ends early)";
  const position = /position (\d+)/.exec(message);
  if (position) {
    const offset = Number(position[1]);
    const line = text.slice(0, offset).split("\n").length;
    return `not valid JSON at line ${line}: ${message.replace(/ in JSON at position \d+.*$/, "")}`;
  }
  return `not valid JSON: ${message}`;
}

/** Loads an Envoy config dump of any size; files over 512 MB are streamed. */
export async function loadConfigDumpFile(path: string): Promise<LoadedDump> {
  let bytes: number;
  try {
    bytes = statSync(path).size;
  } catch (error) {
    return { error: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (error as Error).message}` };
  }
  // Read as bytes and index the sections: a trace then parses only what it follows.
  if (bytes >= INDEX_THRESHOLD && bytes <= MAX_BUFFER) {
    const buffer = readFileSync(path);
    const indexed = ConfigDump.fromBuffer(buffer);
    if (indexed) return { dump: indexed, bytes };
    if (bytes <= WHOLE_STRING_LIMIT) {
      const text = buffer.toString("utf8");
      try {
        return toDump(JSON.parse(text), path, bytes);
      } catch (error) {
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
    const text = readFileSync(path, "utf8");
    try {
      parsed = JSON.parse(text);
    } catch (error) {
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
 * access logs. Each failure is reported and the rest still loads.
 */
export async function resolveLargeEnvoyInputs(envoy: EnvoyInputs, report: (origin: Origin, message: string) => void): Promise<void> {
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
        input.summary = await summarizeFile(input.path, { format: input.format });
      } catch (error) {
        report(input.origin, `access log: ${(error as Error).message}`);
      }
    }
  }
}
