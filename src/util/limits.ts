/**
 * The limits every parsed input is held to, whichever parser reads it:
 * nesting depth (checked on the text, before a parser recurses), the number
 * of values a document expands to (YAML aliases and merge keys can make a
 * 1 KB document into billions), and the bytes one file may have.
 */
export const PARSE_LIMITS = {
  /** Nesting of mappings and lists. Kubernetes objects, CRD schemas included, stay well under 100. */
  maxDepth: 200,
  /** Values one document may expand to, beyond what its text holds (YAML aliases). */
  maxExpandedValues: 1_000_000,
  /** Bytes of one file or of stdin that are read whole (JSON, YAML, text). */
  maxFileBytes: 512 * 1024 * 1024,
  /** YAML is parsed value by value; above this, kubectl JSON (`-o json`) is the form to give. */
  maxYamlBytes: 64 * 1024 * 1024,
};

export class LimitError extends Error {
  constructor(
    message: string,
    /** 1-based line the limit was hit at, when known. */
    readonly line?: number,
    /** 0-based byte offset the limit was hit at, when known. */
    readonly offset?: number,
  ) {
    super(message);
  }
}

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const HASH = 0x23;
const SPACE = 0x20;
const DASH = 0x2d;

/** Where JSON text nests deeper than `max` (linear scan, strings skipped), or undefined. */
export function jsonTooDeep(text: string, max = PARSE_LIMITS.maxDepth): { offset: number; line: number } | undefined {
  // Fewer brackets than the limit cannot nest past it; counting them is a native search per bracket kind.
  if (countOf(text, "{", max) + countOf(text, "[", max) <= max) return undefined;
  // One pass from one structural character to the next: a native search finds them, strings are skipped with one.
  const structural = /["[\]{}]/g;
  let depth = 0;
  for (let match = structural.exec(text); match !== null; match = structural.exec(text)) {
    const index = match.index;
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      const close = closingQuote(text, index);
      if (close >= text.length) return undefined;
      structural.lastIndex = close + 1;
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      if (++depth > max) return { offset: index, line: lineAt(text, index) };
    } else if (depth > 0) depth--;
  }
  return undefined;
}

/**
 * Whether a parsed JSON value nests deeper than `max` (the same count as jsonTooDeep on its text).
 * JSON.parse itself does not recurse, so checking the parsed value is safe, and it is several times
 * cheaper than scanning the text; jsonTooDeep then says where, for the rare value that is too deep.
 */
export function valueTooDeep(value: unknown, max = PARSE_LIMITS.maxDepth): boolean {
  return value !== null && typeof value === "object" && nestsDeeper(value, 1, max);
}

function nestsDeeper(value: object, depth: number, max: number): boolean {
  // Recursion stops at max + 1 levels, so the stack stays shallow whatever the input.
  if (depth > max) return true;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const child: unknown = value[index];
      if (child !== null && typeof child === "object" && nestsDeeper(child, depth + 1, max)) return true;
    }
    return false;
  }
  for (const key in value) {
    const child: unknown = (value as Record<string, unknown>)[key];
    if (child !== null && typeof child === "object" && nestsDeeper(child, depth + 1, max)) return true;
  }
  return false;
}

/** How many times `char` occurs in `text`, counting no further than `limit + 1`. */
function countOf(text: string, char: string, limit: number): number {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1 && count <= limit; at = text.indexOf(char, at + 1)) count++;
  return count;
}

/** The index of the quote that closes the string opened at `open` (a quote after an odd run of backslashes is escaped), or the end. */
function closingQuote(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/** The 1-based line of `offset`, counting newlines as the scan meets them (an escaped one inside a string is skipped over). */
function lineAt(text: string, offset: number): number {
  let line = 1;
  let inString = false;
  for (let index = 0; index < offset; index++) {
    const code = text.charCodeAt(index);
    if (code === NEWLINE) line++;
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
      continue;
    }
    if (code === QUOTE) inString = true;
  }
  return line;
}

/**
 * Where YAML text nests deeper than `max`, or undefined: flow brackets
 * (outside quotes and comments) plus block levels, counted from indentation
 * and compact `- - -` entries. An over-estimate at worst, never an under-estimate.
 */
export function yamlTooDeep(text: string, max = PARSE_LIMITS.maxDepth): { offset: number; line: number } | undefined {
  const indents: number[] = [];
  let flow = 0;
  let line = 1;
  let index = 0;
  while (index < text.length) {
    const lineStart = index;
    let column = 0;
    while (index < text.length && text.charCodeAt(index) === SPACE) {
      index++;
      column++;
    }
    let compact = 0;
    while (index + 1 < text.length && text.charCodeAt(index) === DASH && (text.charCodeAt(index + 1) === SPACE || text.charCodeAt(index + 1) === NEWLINE)) {
      compact++;
      index += 2;
      while (index < text.length && text.charCodeAt(index) === SPACE) index++;
    }
    const blank = index >= text.length || text.charCodeAt(index) === NEWLINE || text.charCodeAt(index) === HASH;
    if (!blank && flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= column) indents.pop();
      indents.push(column);
      if (indents.length + compact > max) return { offset: lineStart, line };
    }
    let quote = 0;
    for (; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code === NEWLINE) break;
      if (quote !== 0) {
        if (quote === QUOTE && code === BACKSLASH) index++;
        else if (code === quote) quote = 0;
        continue;
      }
      if (code === QUOTE || code === APOSTROPHE) {
        const previous = index > 0 ? text.charCodeAt(index - 1) : SPACE;
        if (previous === SPACE || previous === OPEN_BRACKET || previous === OPEN_BRACE || previous === 0x2c || previous === 0x3a) quote = code;
      } else if (code === HASH && (index === 0 || text.charCodeAt(index - 1) === SPACE)) {
        while (index < text.length && text.charCodeAt(index) !== NEWLINE) index++;
        break;
      } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
        if (++flow + indents.length + compact > max) return { offset: index, line };
      } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) flow = Math.max(0, flow - 1);
    }
    index++;
    line++;
  }
  return undefined;
}

/**
 * Throws when `value` expands to more than `max` values (shared references,
 * which is what YAML aliases become, are counted each time they are reached)
 * or nests deeper than the depth limit. Iterative: deep values cannot overflow the stack.
 */
export function checkExpansion(value: unknown, max = PARSE_LIMITS.maxExpandedValues, maxDepth = PARSE_LIMITS.maxDepth): void {
  if (value === null || typeof value !== "object") return;
  const stack: Array<[unknown, number]> = [[value, 0]];
  let count = 0;
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (++count > max) throw new LimitError(`expands to more than ${max.toLocaleString("en-US")} values (YAML aliases that repeat each other: an alias bomb); not read`);
    if (current === null || typeof current !== "object") continue;
    if (depth > maxDepth) throw new LimitError(`nests deeper than ${maxDepth} levels; not read`);
    const children = Array.isArray(current) ? current : Object.values(current as Record<string, unknown>);
    for (const child of children) if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
      else count++;
  }
}

export function describeBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
