/**
 * Parses a JSON document too large for one string (V8 strings stop near
 * 512 MB), from the chunks it is given. The top levels are built node by node; every value at
 * `captureDepth` or deeper (one cluster, one listener ...) is collected as
 * bytes and handed to JSON.parse whole, so no string is ever larger than one
 * such value.
 */
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, isJsonSpace, OPEN_BRACE, OPEN_BRACKET, QUOTE } from "../util/json-chars.js";

export class JsonStreamError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

type Container = { kind: "object"; value: Record<string, unknown>; key?: string; expectKey: boolean } | { kind: "array"; value: unknown[] };

const QUOTE_BYTES = Buffer.from('"');

export class StreamingJsonParser {
  private readonly stack: Container[] = [];
  private root: unknown;
  private hasRoot = false;
  /** Bytes of the value being collected (a captured value, a string or a literal). */
  private parts: Buffer[] = [];
  private mode: "structure" | "capture" | "string" | "literal" = "structure";
  private nesting = 0;
  private inString = false;
  private escaped = false;
  private offset = 0;

  constructor(private readonly captureDepth = 4) {}

  write(chunk: Buffer): void {
    let start = 0;
    let index = 0;
    const length = chunk.length;
    while (index < length) {
      const byte = chunk[index]!;
      switch (this.mode) {
        case "capture": {
          // Scan to the end of the captured value, tracking strings and nesting only.
          for (; index < length; index++) {
            const current = chunk[index]!;
            if (this.inString) {
              if (this.escaped) this.escaped = false;
              else if (current === BACKSLASH) this.escaped = true;
              else if (current === QUOTE) {
                this.inString = false;
                if (this.nesting === 0) break;
              }
            } else if (current === QUOTE) this.inString = true;
            else if (current === OPEN_BRACE || current === OPEN_BRACKET) this.nesting++;
            else if (current === CLOSE_BRACE || current === CLOSE_BRACKET) {
              this.nesting--;
              if (this.nesting === 0) break;
            }
          }
          if (index >= length) {
            this.parts.push(chunk.subarray(start, length));
            break;
          }
          this.parts.push(chunk.subarray(start, index + 1));
          this.finishCollected();
          index++;
          start = index;
          continue;
        }
        case "string": {
          for (; index < length; index++) {
            const current = chunk[index]!;
            if (this.escaped) this.escaped = false;
            else if (current === BACKSLASH) this.escaped = true;
            else if (current === QUOTE) break;
          }
          if (index >= length) {
            this.parts.push(chunk.subarray(start, length));
            break;
          }
          this.parts.push(chunk.subarray(start, index + 1));
          const text = this.takeCollected();
          this.mode = "structure";
          this.acceptString(JSON.parse(text) as string);
          index++;
          start = index;
          continue;
        }
        case "literal": {
          for (; index < length; index++) {
            const current = chunk[index]!;
            if (current === COMMA || current === CLOSE_BRACE || current === CLOSE_BRACKET || isJsonSpace(current)) break;
          }
          if (index >= length) {
            this.parts.push(chunk.subarray(start, length));
            break;
          }
          this.parts.push(chunk.subarray(start, index));
          this.finishCollected();
          start = index;
          continue;
        }
        case "structure": {
          if (isJsonSpace(byte)) {
            index++;
            continue;
          }
          const top = this.stack[this.stack.length - 1];
          if (byte === COLON) {
            if (top?.kind !== "object" || top.key === undefined) this.fail("unexpected ':'", index);
            index++;
            continue;
          }
          if (byte === COMMA) {
            if (top?.kind === "object") top.expectKey = true;
            index++;
            continue;
          }
          if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
            const closed = this.stack.pop();
            if (!closed || (closed.kind === "object") !== (byte === CLOSE_BRACE)) this.fail(`unexpected '${String.fromCharCode(byte)}'`, index);
            this.addValue(closed!.value);
            index++;
            continue;
          }
          if (byte === QUOTE && top?.kind === "object" && top.expectKey) {
            this.mode = "string";
            this.parts = [QUOTE_BYTES];
            index++;
            start = index;
            continue;
          }
          if (this.stack.length >= this.captureDepth) {
            this.mode = byte === QUOTE || byte === OPEN_BRACE || byte === OPEN_BRACKET ? "capture" : "literal";
            this.parts = [];
            this.nesting = 0;
            this.inString = false;
            this.escaped = false;
            start = index;
            if (this.mode === "literal") continue;
            // Let the capture loop see the opening byte.
            continue;
          }
          if (byte === OPEN_BRACE) {
            this.stack.push({ kind: "object", value: {}, expectKey: true });
            index++;
            continue;
          }
          if (byte === OPEN_BRACKET) {
            this.stack.push({ kind: "array", value: [] });
            index++;
            continue;
          }
          if (byte === QUOTE) {
            this.mode = "string";
            this.parts = [QUOTE_BYTES];
            index++;
            start = index;
            continue;
          }
          this.mode = "literal";
          this.parts = [];
          start = index;
          continue;
        }
      }
      break;
    }
    this.offset += length;
  }

  end(): unknown {
    if (this.mode === "literal") this.finishCollected();
    if (this.mode !== "structure" || this.stack.length > 0 || !this.hasRoot) {
      throw new JsonStreamError(`JSON ends early (truncated) after ${this.offset} bytes`, this.offset);
    }
    return this.root;
  }

  private takeCollected(): string {
    const text = this.parts.length === 1 ? this.parts[0]!.toString("utf8") : Buffer.concat(this.parts).toString("utf8");
    this.parts = [];
    return text;
  }

  private finishCollected(): void {
    const text = this.takeCollected();
    this.mode = "structure";
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new JsonStreamError(`invalid JSON value near byte ${this.offset}: ${(error as Error).message}`, this.offset);
    }
    this.addValue(value);
  }

  private acceptString(text: string): void {
    const top = this.stack[this.stack.length - 1];
    if (top?.kind === "object" && top.expectKey) {
      top.key = text;
      top.expectKey = false;
      return;
    }
    this.addValue(text);
  }

  private addValue(value: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      this.root = value;
      this.hasRoot = true;
      return;
    }
    if (top.kind === "array") top.value.push(value);
    else {
      if (top.key === undefined) this.fail("object value without a key", 0);
      top.value[top.key!] = value;
      top.key = undefined;
    }
  }

  private fail(message: string, index: number): never {
    throw new JsonStreamError(`${message} at byte ${this.offset + index}`, this.offset + index);
  }
}
