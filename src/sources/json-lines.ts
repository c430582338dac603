import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, isJsonSpace, OPEN_BRACE, OPEN_BRACKET, QUOTE } from "../util/json-chars.js";
/**
 * Line numbers of fields in JSON text, found on demand by scanning the text rather than building a
 * syntax tree. JSON inputs are parsed with JSON.parse; this tells where a field was, so findings can
 * still point at `file:line` without the cost of a positional YAML parse of every snapshot file.
 */
export class JsonLines {
  /**
   * Known (offset, line) pairs, offsets ascending, starting at (0, 1). A line is counted from the
   * nearest known offset before it, so no index of every newline is kept (that index took more memory
   * than the parsed objects of a large snapshot). Every lookup far from a known offset is remembered,
   * so each stretch of the text is counted about once whatever the order of lookups.
   */
  private readonly knownOffsets: number[] = [0];
  private readonly knownLines: number[] = [1];
  private readonly itemOffsets = new Map<string, number[]>();

  /** `parsed`: the document JSON.parse made of `text`, when known; it lets long arrays be indexed by their indentation. */
  constructor(
    private readonly text: string,
    private readonly parsed?: unknown,
  ) {}

  /** 1-based line of a character offset. */
  lineOf(offset: number): number {
    const offsets = this.knownOffsets;
    let low = 0;
    let high = offsets.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (offsets[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    let line = this.knownLines[low]!;
    // The starts of lines passed on the way, one every KNOWN_OFFSET_SPACING characters, and the offset itself are
    // kept, in order, so a later lookup anywhere in this stretch counts few newlines (findings cite objects in any order).
    let marked = offsets[low]!;
    const passedOffsets: number[] = [];
    const passedLines: number[] = [];
    for (let i = this.text.indexOf("\n", marked); i !== -1 && i < offset; i = this.text.indexOf("\n", i + 1)) {
      line++;
      if (i + 1 - marked > KNOWN_OFFSET_SPACING) {
        marked = i + 1;
        passedOffsets.push(marked);
        passedLines.push(line);
      }
    }
    if (offset - marked > KNOWN_OFFSET_SPACING) {
      passedOffsets.push(offset);
      passedLines.push(line);
    }
    if (passedOffsets.length > 0) {
      offsets.splice(low + 1, 0, ...passedOffsets);
      this.knownLines.splice(low + 1, 0, ...passedLines);
    }
    return line;
  }

  /**
   * Offset of the value at `prefix` (from the document start). List items are found through one pass
   * over their array, cached, so locating every item of a long List stays linear.
   */
  offsetOf(prefix: ReadonlyArray<string | number>): number | undefined {
    const last = prefix[prefix.length - 1];
    if (typeof last === "number") {
      const parent = prefix.slice(0, -1);
      const key = JSON.stringify(parent);
      let offsets = this.itemOffsets.get(key);
      if (!offsets) {
        const found = this.descend(skipSpace(this.text, 0), parent);
        offsets = found.complete ? (this.indentedItems(found.offset, this.lengthAt(parent)) ?? this.arrayItems(found.offset)) : [];
        this.itemOffsets.set(key, offsets);
      }
      return offsets[last];
    }
    const found = this.descend(skipSpace(this.text, 0), prefix);
    return found.complete ? found.offset : undefined;
  }

  /**
   * Line of the field at `path` below the value starting at `base`: the line of its key for a mapping
   * entry, of the item for an array element, or of the deepest part of the path that exists.
   */
  lineBelow(base: number, path: ReadonlyArray<string | number>): number {
    return this.lineOf(this.descend(base, path).line);
  }

  /** (value offset, key or index) -> [offset of the child's value, offset of its key]: findings cite the same objects again and again. */
  private readonly steps = new Map<string, [number, number]>();

  private descend(start: number, path: ReadonlyArray<string | number>): { offset: number; line: number; complete: boolean } {
    const text = this.text;
    let i = start;
    let line = start;
    for (const part of path) {
      const stepKey = `${i}\u0000${part}`;
      const known = this.steps.get(stepKey);
      if (known) {
        [i, line] = known;
        continue;
      }
      const from = i;
      const c = text.charCodeAt(i);
      let found = false;
      if (c === OPEN_BRACE && typeof part === "string") {
        i = skipSpace(text, i + 1);
        while (i < text.length && text.charCodeAt(i) === QUOTE) {
          const keyStart = i;
          const keyEnd = skipString(text, i);
          const raw = text.slice(keyStart + 1, keyEnd - 1);
          const key = raw.includes("\\") ? (JSON.parse(text.slice(keyStart, keyEnd)) as string) : raw;
          i = skipSpace(text, keyEnd);
          if (text.charCodeAt(i) !== COLON) break;
          i = skipSpace(text, i + 1);
          if (key === part) {
            line = keyStart;
            found = true;
            break;
          }
          i = skipSpace(text, skipValue(text, i));
          if (text.charCodeAt(i) !== COMMA) break;
          i = skipSpace(text, i + 1);
        }
      } else if (c === OPEN_BRACKET && typeof part === "number") {
        i = skipSpace(text, i + 1);
        for (let index = 0; i < text.length && text.charCodeAt(i) !== CLOSE_BRACKET; index++) {
          if (index === part) {
            line = i;
            found = true;
            break;
          }
          i = skipSpace(text, skipValue(text, i));
          if (text.charCodeAt(i) !== COMMA) break;
          i = skipSpace(text, i + 1);
        }
      }
      if (!found) return { offset: i, line, complete: false };
      this.steps.set(`${from}\u0000${part}`, [i, line]);
    }
    return { offset: i, line, complete: true };
  }

  private lengthAt(path: ReadonlyArray<string | number>): number | undefined {
    let current: unknown = this.parsed;
    for (const part of path) {
      if (current === null || typeof current !== "object") return undefined;
      current = (current as Record<string | number, unknown>)[part];
    }
    return Array.isArray(current) ? current.length : undefined;
  }

  /**
   * Item offsets of a pretty-printed array of objects (kubectl, jq and JSON.stringify all write one):
   * every item opens with `{` and closes with `}` on lines of the same indentation, so the items are
   * found with native string search instead of a scan of every value. The result is used only when it
   * has exactly the number of items the parse found and every boundary is `},` then `{`; otherwise
   * undefined, and the caller scans.
   */
  private indentedItems(start: number, expected: number | undefined): number[] | undefined {
    const text = this.text;
    if (expected === undefined || expected < 2 || text.charCodeAt(start) !== OPEN_BRACKET) return undefined;
    const first = skipSpace(text, start + 1);
    const lineStart = text.lastIndexOf("\n", first) + 1;
    if (text.charCodeAt(first) !== OPEN_BRACE || lineStart <= start) return undefined;
    const indent = text.slice(lineStart, first);
    if (!/^[ \t]*$/.test(indent)) return undefined;
    const offsets = [first];
    for (let item = first; ; ) {
      const end = this.closingBrace(item + 1, indent);
      if (end === -1) return undefined;
      let next = skipSpace(text, end + 1);
      if (text.charCodeAt(next) === CLOSE_BRACKET) return offsets.length === expected ? offsets : undefined;
      if (text.charCodeAt(next) !== COMMA || offsets.length === expected) return undefined;
      next = skipSpace(text, next + 1);
      if (text.charCodeAt(next) !== OPEN_BRACE || text.charCodeAt(next - indent.length - 1) !== 10 || text.slice(next - indent.length, next) !== indent) return undefined;
      offsets.push(next);
      item = next;
    }
  }

  /**
   * Offset of the first `}` from `from` that opens its line after exactly `indent`. A search for the
   * one character is native and fast; a search for newline-indent-brace is not (its spaces defeat
   * the skip table of the substring search).
   */
  private closingBrace(from: number, indent: string): number {
    const text = this.text;
    for (let brace = text.indexOf("}", from); brace !== -1; brace = text.indexOf("}", brace + 1)) {
      const lineStart = brace - indent.length;
      if (text.charCodeAt(lineStart - 1) === 10 && text.startsWith(indent, lineStart)) return brace;
    }
    return -1;
  }

  private arrayItems(start: number): number[] {
    const text = this.text;
    const offsets: number[] = [];
    if (text.charCodeAt(start) !== OPEN_BRACKET) return offsets;
    let i = skipSpace(text, start + 1);
    while (i < text.length && text.charCodeAt(i) !== CLOSE_BRACKET) {
      offsets.push(i);
      i = skipSpace(text, skipValue(text, i));
      if (text.charCodeAt(i) !== COMMA) break;
      i = skipSpace(text, i + 1);
    }
    return offsets;
  }
}

/** Offsets further than this from the nearest known one are remembered. */
const KNOWN_OFFSET_SPACING = 2048;

function skipSpace(text: string, i: number): number {
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++;
  return i;
}

/** `i` at an opening quote; returns the offset just after the closing quote. */
function skipString(text: string, i: number): number {
  // indexOf finds the next quote natively; a quote preceded by an odd number of backslashes is escaped.
  for (;;) {
    const quote = text.indexOf('"', i + 1);
    if (quote === -1) return text.length;
    let backslashes = 0;
    for (let b = quote - 1; text.charCodeAt(b) === BACKSLASH; b--) backslashes++;
    if ((backslashes & 1) === 0) return quote + 1;
    i = quote;
  }
}

/** The characters that matter inside an object or array: quotes and brackets (everything else is skipped natively). */
const STRUCTURAL = /["{}[\]]/g;

/** `i` at the start of a value; returns the offset just after it. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (d === QUOTE) {
        i = skipString(text, i);
      } else {
        i++;
        if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
        else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
          depth--;
          if (depth === 0) return i;
        }
      }
      STRUCTURAL.lastIndex = i;
      if (!STRUCTURAL.test(text)) return text.length;
      i = STRUCTURAL.lastIndex - 1;
    }
    return i;
  }
  while (i < text.length) {
    const d = text.charCodeAt(i);
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || d === 32 || d === 10 || d === 13 || d === 9) break;
    i++;
  }
  return i;
}
