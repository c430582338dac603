import { stringify } from "yaml";

/**
 * YAML text of a fix's before/after, exactly as `stringify(value, { lineWidth: 0 })` of the
 * yaml package prints it. Fixes are small maps of plain names, quantities and numbers; those
 * are written directly (the yaml package's document model costs about 0.1 ms a fix, which adds
 * up to seconds over thousands of findings). Anything else goes to the yaml package.
 */
export function yamlText(value: unknown): string {
  const lines: string[] = [];
  if (isPlainMap(value) && writeMap(value, "", lines)) return lines.join("\n") + "\n";
  return stringify(value, { lineWidth: 0 });
}

/** Plain scalars the yaml package never quotes: names, quantities, paths, flags (no YAML indicator, no resolution to another type). */
const PLAIN_SAFE = /^[A-Za-z0-9_/][A-Za-z0-9_./=,-]*(?: [A-Za-z0-9_./=,-]+)*$/;
const OTHER_TYPE = [
  /^(?:null|Null|NULL|~|true|True|TRUE|false|False|FALSE)$/,
  /^[-+]?[0-9]+$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?\.(?:inf|Inf|INF)$/,
  /^\.(?:nan|NaN|NAN)$/,
];

function plainString(text: string): boolean {
  return PLAIN_SAFE.test(text) && !OTHER_TYPE.some((pattern) => pattern.test(text));
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A scalar as the yaml package prints it, or undefined when it is not one of the simple cases.
 * A string that would read back as another type (`"1"`, `"true"`) is double-quoted, as the yaml package does.
 */
function scalar(value: unknown): string | undefined {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : undefined;
  if (typeof value === "string") {
    if (PLAIN_SAFE.test(value)) return OTHER_TYPE.some((pattern) => pattern.test(value)) ? `"${value}"` : value;
    return undefined;
  }
  return undefined;
}

/** Writes `key: value` lines; false when something needs the yaml package (empty collections, quoting, nested lists). */
function writeMap(map: Record<string, unknown>, indent: string, lines: string[], firstPrefix?: string): boolean {
  let first = true;
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue;
    if (!plainString(key)) return false;
    const lead = first && firstPrefix !== undefined ? firstPrefix : indent;
    first = false;
    const text = scalar(value);
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
    const text = scalar(item);
    if (text !== undefined) lines.push(`${indent}- ${text}`);
    else if (isPlainMap(item)) {
      if (!writeMap(item, `${indent}  `, lines, `${indent}- `)) return false;
    } else return false;
  }
  return true;
}
