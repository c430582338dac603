/**
 * Where JSON text stops being JSON. Node 20's JSON.parse says what it found
 * but not where, so the position is computed here: one linear pass, no
 * recursion, for the message `file:line:column: expected ...`.
 */
export interface JsonSyntaxError {
  /** 0-based offset of the first character that is not valid here. */
  offset: number;
  line: number;
  column: number;
  message: string;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let index = 0;
  // What the parser waits for at each open container: "value" first, then "," or the closer.
  const stack: Array<{ closer: number; state: "key" | "colon" | "value" | "comma" | "first" }> = [];
  let done = false;
  const fail = (offset: number, expected: string): JsonSyntaxError => {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset && i < text.length; i++) {
      if (text.charCodeAt(i) === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const found = offset >= text.length ? "the end of the input (truncated?)" : `${JSON.stringify(text.slice(offset, offset + 12).split("\n")[0])}`;
    return { offset, line, column: offset - lineStart + 1, message: `expected ${expected}, found ${found}` };
  };
  const skipSpace = () => {
    while (index < text.length && WHITESPACE.has(text.charCodeAt(index))) index++;
  };
  const scanString = (): boolean => {
    index++;
    while (index < text.length) {
      const code = text.charCodeAt(index);
      if (code === 0x22) {
        index++;
        return true;
      }
      if (code === 0x5c) {
        const next = text[index + 1];
        if (next === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) return false;
          index += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) return false;
        index += 2;
        continue;
      }
      if (code < 0x20) return false;
      index++;
    }
    return false;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const afterValue = () => {
    const top = stack[stack.length - 1];
    if (!top) done = true;
    else top.state = "comma";
  };
  skipSpace();
  if (text.charCodeAt(0) === 0xfeff) index++;
  while (true) {
    skipSpace();
    if (done) return index < text.length ? fail(index, "the end of the input after the value") : undefined;
    const top = stack[stack.length - 1];
    const code = text.charCodeAt(index);
    if (index >= text.length) return fail(index, top ? `${top.state === "comma" ? `"," or "${String.fromCharCode(top.closer)}"` : "a value"}` : "a value");
    if (top && (top.state === "comma" || top.state === "first") && code === top.closer) {
      stack.pop();
      index++;
      afterValue();
      continue;
    }
    if (top?.state === "comma") {
      if (code !== 0x2c) return fail(index, `"," or "${String.fromCharCode(top.closer)}"`);
      index++;
      top.state = top.closer === 0x7d ? "key" : "value";
      continue;
    }
    if (top && (top.state === "key" || (top.state === "first" && top.closer === 0x7d))) {
      if (code !== 0x22) return fail(index, 'a quoted key ("name": ...)');
      const start = index;
      if (!scanString()) return fail(index >= text.length ? text.length : start, "a closing quote");
      top.state = "colon";
      continue;
    }
    if (top?.state === "colon") {
      if (code !== 0x3a) return fail(index, '":" after the key');
      index++;
      top.state = "value";
      continue;
    }
    if (code === 0x7b || code === 0x5b) {
      if (top) top.state = "value";
      stack.push({ closer: code === 0x7b ? 0x7d : 0x5d, state: "first" });
      index++;
      continue;
    }
    if (code === 0x22) {
      const start = index;
      if (!scanString()) return fail(index >= text.length ? text.length : start, "a closing quote or a valid escape in the string");
    } else if (text.startsWith("true", index)) index += 4;
    else if (text.startsWith("false", index)) index += 5;
    else if (text.startsWith("null", index)) index += 4;
    else {
      NUMBER.lastIndex = index;
      const match = NUMBER.exec(text);
      if (!match || match[0].length === 0) return fail(index, "a value (string, number, true, false, null, { or [)");
      index += match[0].length;
      const next = text.charCodeAt(index);
      if (index < text.length && !WHITESPACE.has(next) && next !== 0x2c && next !== 0x5d && next !== 0x7d) return fail(match.index, "a value (string, number, true, false, null, { or [)");
    }
    afterValue();
  }
}
