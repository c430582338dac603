import { yamlPackage } from "./yaml-package.js";

/**
 * YAML text of a fix's before/after, exactly as `stringify(value, { lineWidth: 0 })` of the
 * yaml package prints it. Fixes are small maps of names, quantities, numbers and short
 * strings; those are written directly (the yaml package's document model costs about 0.1 ms a fix, which adds
 * up to seconds over thousands of findings). Anything else goes to the yaml package.
 */
export function yamlText(value: unknown): string {
  const lines: string[] = [];
  if (isPlainMap(value) && writeMap(value, "", lines)) {
    const text = lines.join("\n") + "\n";
    if (written.size < WRITTEN_ENTRIES && !written.has(text)) written.set(text, value);
    return text;
  }
  return yamlPackage().stringify(value, { lineWidth: 0 });
}

/**
 * The values of texts written above, so that what reads a fix's YAML back (the incident's action words)
 * need not parse it again. Only the maps written directly (names, quantities, integers, short strings) are
 * kept, and bounded in number; `readBack` gives the value as the text reads back (keys with undefined dropped).
 */
const written = new Map<string, Record<string, unknown>>();
const WRITTEN_ENTRIES = 100_000;

/** The value a text written by `yamlText` reads back as, when it was written directly; undefined otherwise. */
export function writtenValueOf(text: string): unknown {
  const value = written.get(text);
  return value === undefined ? undefined : readBack(value);
}

function readBack(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(readBack);
  if (!isPlainMap(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = readBack(item);
  return out;
}

/** Single-line printable ASCII: the strings whose plain or quoted form is decided below. */
const PRINTABLE_LINE = /^[\x20-\x7e]*$/;
/** Strings the yaml package will not write plain: YAML indicators at the start, `: ` or ` #` inside, space or colon at the end. */
const NEEDS_QUOTES = /^[\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[:][ \t]|[\t ]#|[\t :]$/;
/** Document markers and directives, which the yaml package writes in ways that depend on position. */
const DOCUMENT_MARKER = /^(?:%|---|\.\.\.)/;
/** Plain strings that would read back as another type (YAML 1.2 core schema). */
const OTHER_TYPE = [
  /^(?:null|Null|NULL|~|true|True|TRUE|false|False|FALSE)$/,
  /^[-+]?[0-9]+$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?\.(?:inf|Inf|INF)$/,
  /^\.(?:nan|NaN|NAN)$/,
];

function isPlainMap(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A string as the yaml package prints it, or undefined when it is not one of the cases handled here.
 * Plain when it can be; otherwise double-quoted, or single-quoted when it holds `"` and no `'`.
 */
function stringText(value: string): string | undefined {
  if (!PRINTABLE_LINE.test(value) || DOCUMENT_MARKER.test(value)) return undefined;
  if (value !== "" && !NEEDS_QUOTES.test(value) && !OTHER_TYPE.some((pattern) => pattern.test(value))) return value;
  if (value.includes("\\")) return undefined;
  if (!value.includes('"')) return `"${value}"`;
  return value.includes("'") ? undefined : `'${value}'`;
}

/** A key as the yaml package prints it: plain keys only, anything else goes to the yaml package. */
function plainKey(key: string): boolean {
  return stringText(key) === key && key !== "";
}

/** A scalar as the yaml package prints it, or undefined when it is not one of the simple cases. */
function scalar(value: unknown): string | undefined {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : undefined;
  if (typeof value === "string") return stringText(value);
  return undefined;
}

/** `[]` and `{}` (a map whose every value is undefined prints as empty too). */
function emptyCollection(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.length === 0 ? "[]" : undefined;
  if (isPlainMap(value)) return Object.values(value).every((item) => item === undefined) ? "{}" : undefined;
  return undefined;
}

/** Writes `key: value` lines; false when something needs the yaml package (multi-line or non-ASCII text, quoted keys, nested lists). */
function writeMap(map: Record<string, unknown>, indent: string, lines: string[], firstPrefix?: string): boolean {
  let first = true;
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue;
    if (!plainKey(key)) return false;
    const lead = first && firstPrefix !== undefined ? firstPrefix : indent;
    first = false;
    const text = scalar(value) ?? emptyCollection(value);
    if (text !== undefined) {
      lines.push(`${lead}${key}: ${text}`);
    } else if (isPlainMap(value)) {
      lines.push(`${lead}${key}:`);
      if (!writeMap(value, `${indent}  `, lines)) return false;
    } else if (Array.isArray(value)) {
      lines.push(`${lead}${key}:`);
      if (!writeSeq(value, `${indent}  `, lines)) return false;
    } else {
      return false;
    }
  }
  return !first;
}

function writeSeq(items: unknown[], indent: string, lines: string[]): boolean {
  if (items.length === 0) return false;
  for (const item of items) {
    const text = scalar(item) ?? (isPlainMap(item) ? emptyCollection(item) : undefined);
    if (text !== undefined) lines.push(`${indent}- ${text}`);
    else if (isPlainMap(item)) {
      if (!writeMap(item, `${indent}  `, lines, `${indent}- `)) return false;
    } else return false;
  }
  return true;
}
