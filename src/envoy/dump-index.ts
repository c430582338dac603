/**
 * A byte index over a config dump held as a Buffer: where each section
 * (ClustersConfigDump, ...) starts and ends, and targeted lookups of one
 * cluster, route config or endpoint group by name with native searches.
 * Tracing one request then parses a few kilobytes instead of the whole dump.
 */
import { StreamingJsonParser } from "./stream-json.js";
import { BACKSLASH, isJsonSpace, QUOTE } from "../util/json-chars.js";

export interface SectionRange {
  type: string;
  start: number;
  end: number;
}

const ADMIN_TYPE = Buffer.from("type.googleapis.com/envoy.admin.v3.");
/** Sections larger than this cannot become one string; they are parsed from bytes in chunks. */
const STRING_LIMIT = 256 * 1024 * 1024;

/** Finds the config sections by their `@type`; undefined when the buffer does not look like a dump. */
export function indexSections(buffer: Buffer): SectionRange[] | undefined {
  const starts: Array<{ type: string; start: number }> = [];
  let position = buffer.indexOf(ADMIN_TYPE);
  while (position >= 0) {
    const typeEnd = buffer.indexOf(QUOTE, position + ADMIN_TYPE.length);
    const type = buffer.toString("latin1", position + ADMIN_TYPE.length, typeEnd);
    // `"@type": "type.googleapis.com/envoy.admin.v3.X"` opens a section object.
    let back = position - 1;
    if (buffer[back] !== QUOTE) return undefined;
    back--;
    while (back > 0 && (isJsonSpace(buffer[back]!) || buffer[back] === 58)) back--;
    if (buffer.toString("latin1", back - 6, back + 1) !== '"@type"') {
      position = buffer.indexOf(ADMIN_TYPE, typeEnd);
      continue;
    }
    back -= 7;
    while (back > 0 && isJsonSpace(buffer[back]!)) back--;
    if (buffer[back] !== 123) return undefined;
    starts.push({ type, start: back });
    position = buffer.indexOf(ADMIN_TYPE, typeEnd);
  }
  if (starts.length === 0) return undefined;
  // A complete dump ends with the configs list and the top object: `]}`.
  let tail = buffer.length - 1;
  while (tail > 0 && isJsonSpace(buffer[tail]!)) tail--;
  if (buffer[tail] !== 125) return undefined;
  tail--;
  while (tail > 0 && isJsonSpace(buffer[tail]!)) tail--;
  if (buffer[tail] !== 93) return undefined;
  const ranges: SectionRange[] = [];
  for (let i = 0; i < starts.length; i++) {
    let end = i + 1 < starts.length ? starts[i + 1]!.start : buffer.lastIndexOf(93 /* ] */);
    if (end < 0) return undefined;
    end--;
    while (end > starts[i]!.start && (isJsonSpace(buffer[end]!) || buffer[end] === 44)) end--;
    if (buffer[end] !== 125) return undefined;
    ranges.push({ type: starts[i]!.type, start: starts[i]!.start, end: end + 1 });
  }
  return ranges;
}

/** Parses bytes [start, end) as JSON, through the streaming parser when too large for one string. */
export function parseRange(buffer: Buffer, start: number, end: number): unknown {
  if (end - start < STRING_LIMIT) return JSON.parse(buffer.toString("utf8", start, end));
  const parser = new StreamingJsonParser(2);
  for (let offset = start; offset < end; offset += 1 << 22) parser.write(buffer.subarray(offset, Math.min(end, offset + (1 << 22))));
  return parser.end();
}

/** The end (exclusive) of the JSON object that starts at `start`, scanning strings and nesting. */
function objectEnd(buffer: Buffer, start: number, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < limit; index++) {
    const byte = buffer[index]!;
    if (inString) {
      if (byte === BACKSLASH) index++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === 123 || byte === 91) depth++;
    else if (byte === 125 || byte === 93) {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  return -1;
}

/**
 * The object inside `range` that has `key: value` (a string), found with a
 * native search; `accept` checks the parsed object. Undefined when not found
 * or the bytes around the match are not what a dump looks like.
 */
export function findObjectByKey(buffer: Buffer, range: SectionRange, keys: string[], value: string, accept: (object: Record<string, unknown>) => boolean): Record<string, unknown> | undefined {
  const needle = Buffer.from(JSON.stringify(value));
  let position = buffer.indexOf(needle, range.start);
  while (position >= 0 && position < range.end) {
    let back = position - 1;
    while (back > range.start && isJsonSpace(buffer[back]!)) back--;
    if (buffer[back] === 58 /* : */) {
      back--;
      while (back > range.start && isJsonSpace(buffer[back]!)) back--;
      const keyEnd = back;
      const keyStart = buffer.lastIndexOf(QUOTE, keyEnd - 1);
      const key = buffer.toString("latin1", keyStart + 1, keyEnd);
      if (keys.includes(key)) {
        // Walk back to the "{" that opens the object holding this key (keys before it are plain strings).
        let depth = 0;
        let inString = false;
        let open = -1;
        for (let index = keyStart - 1; index > range.start; index--) {
          const byte = buffer[index]!;
          if (byte === QUOTE && buffer[index - 1] !== BACKSLASH) inString = !inString;
          else if (inString) continue;
          else if (byte === 125 || byte === 93) depth++;
          else if (byte === 123 || byte === 91) {
            if (depth === 0) {
              open = index;
              break;
            }
            depth--;
          }
        }
        if (open >= 0 && buffer[open] === 123) {
          const close = objectEnd(buffer, open, range.end);
          if (close > 0) {
            try {
              const parsed = JSON.parse(buffer.toString("utf8", open, close)) as Record<string, unknown>;
              if (accept(parsed)) return parsed;
            } catch {
              return undefined;
            }
          }
        }
      }
    }
    position = buffer.indexOf(needle, position + needle.length);
  }
  return undefined;
}
