/**
 * Line numbers of fields in JSON text, found on demand by scanning the text rather than building a
 * syntax tree. JSON inputs are parsed with JSON.parse; this tells where a field was, so findings can
 * still point at `file:line` without the cost of a positional YAML parse of every snapshot file.
 */
export class JsonLines {
  private newlines: number[] | undefined;
  private readonly itemOffsets = new Map<string, number[]>();

  constructor(private readonly text: string) {}

  /** 1-based line of a character offset. */
  lineOf(offset: number): number {
    if (!this.newlines) {
      const newlines: number[] = [];
      for (let i = this.text.indexOf("\n"); i !== -1; i = this.text.indexOf("\n", i + 1)) newlines.push(i);
      this.newlines = newlines;
    }
    let low = 0;
    let high = this.newlines.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.newlines[middle]! < offset) low = middle + 1;
      else high = middle;
    }
    return low + 1;
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
        offsets = found.complete ? this.arrayItems(found.offset) : [];
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

  private descend(start: number, path: ReadonlyArray<string | number>): { offset: number; line: number; complete: boolean } {
    const text = this.text;
    let i = start;
    let line = start;
    for (const part of path) {
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
    }
    return { offset: i, line, complete: true };
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

const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const BACKSLASH = 92;

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    i++;
  }
  return i;
}

/** `i` at an opening quote; returns the offset just after the closing quote. */
function skipString(text: string, i: number): number {
  i++;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === QUOTE) return i + 1;
    else i++;
  }
  return i;
}

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
        continue;
      }
      if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
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
