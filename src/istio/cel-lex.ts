/** The lexer of `cel.ts`: CEL.g4's tokens, longest match first, as ANTLR's lexer reads them. */

export const MAX_DEPTH = 250;

export type TokenKind =
  | "==" | "!=" | "in" | "<" | "<=" | ">=" | ">" | "&&" | "||" | "[" | "]" | "{" | "}" | "(" | ")"
  | "." | "," | "-" | "!" | "?" | ":" | "+" | "*" | "/" | "%" | "true" | "false" | "null"
  | "float" | "int" | "uint" | "string" | "bytes" | "ident" | "escident" | "eof";

export interface Token {
  kind: TokenKind;
  text: string;
  /** Code point offset. */
  at: number;
}

export class CelError extends Error {
  constructor(readonly at: number, message: string) {
    super(message);
  }
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isLetter = (c: string | undefined): boolean => c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
const isIdentPart = (c: string | undefined): boolean => isLetter(c) || isDigit(c) || c === "_";
const KEYWORDS = new Set(["in", "true", "false", "null"]);
const TWO_CHAR = new Set(["==", "!=", "<=", ">=", "&&", "||"]);
const ONE_CHAR = new Set(["<", ">", "[", "]", "{", "}", "(", ")", ".", ",", "-", "!", "?", ":", "+", "*", "/", "%"]);

/** Length of the escape sequence at `i` (a backslash), as CEL.g4's ESC_SEQ allows it; 0 if none. */
function escapeLength(s: string[], i: number): number {
  const c = s[i + 1];
  if (c === undefined) return 0;
  if ("abfnrtv\"'\\?`".includes(c)) return 2;
  if (c >= "0" && c <= "3") return s[i + 2] !== undefined && s[i + 2]! >= "0" && s[i + 2]! <= "7" && s[i + 3] !== undefined && s[i + 3]! >= "0" && s[i + 3]! <= "7" ? 4 : 0;
  const hex = (from: number, n: number): boolean => {
    for (let k = 0; k < n; k++) if (!isHex(s[from + k])) return false;
    return true;
  };
  if (c === "x" || c === "X") return hex(i + 2, 2) ? 4 : 0;
  if (c === "u") return hex(i + 2, 4) ? 6 : 0;
  if (c === "U") return hex(i + 2, 8) ? 10 : 0;
  return 0;
}

/** Length of a string literal (quotes included, prefix excluded) starting at `i`, the longest of STRING's alternatives; 0 if none. */
function stringLength(s: string[], i: number, raw: boolean): number {
  const q = s[i];
  if (q !== '"' && q !== "'") return 0;
  let best = 0;
  // Single-quoted: no newline; escapes unless raw.
  for (let j = i + 1; j < s.length; ) {
    const c = s[j]!;
    if (c === q) {
      best = j + 1 - i;
      break;
    }
    if (c === "\n" || c === "\r") break;
    if (c === "\\" && !raw) {
      const n = escapeLength(s, j);
      if (n === 0) break;
      j += n;
    } else j++;
  }
  // Triple-quoted: up to the first closing triple quote.
  if (s[i + 1] === q && s[i + 2] === q) {
    for (let j = i + 3; j < s.length; ) {
      if (s[j] === q && s[j + 1] === q && s[j + 2] === q) {
        best = Math.max(best, j + 3 - i);
        break;
      }
      if (s[j] === "\\" && !raw) {
        const n = escapeLength(s, j);
        if (n === 0) break;
        j += n;
      } else j++;
    }
  }
  return best;
}

/** Where an escape sequence at `i` (a backslash) stops matching CEL.g4's ESC_SEQ: the index of the first character it cannot take. */
function escapeFailure(s: string[], i: number): number {
  const c = s[i + 1];
  const run = (from: number, n: number, ok: (c: string | undefined) => boolean): number => {
    for (let k = 0; k < n; k++) if (!ok(s[from + k])) return from + k;
    return -1;
  };
  if (c === undefined) return i + 1;
  if ("abfnrtv\"'\\?`".includes(c)) return -1;
  if (c >= "0" && c <= "3") return run(i + 2, 2, (d) => d !== undefined && d >= "0" && d <= "7");
  if (c === "x" || c === "X") return run(i + 2, 2, isHex);
  if (c === "u") return run(i + 2, 4, isHex);
  if (c === "U") return run(i + 2, 8, isHex);
  return i + 1;
}

/**
 * Where an unterminated or malformed string literal starting at the quote `i` stops matching: the
 * furthest point any of STRING's alternatives (single- and triple-quoted) reaches before it fails.
 * ANTLR's lexer reports the text from the token's start through that character.
 */
function stringFailure(s: string[], i: number): number {
  const q = s[i]!;
  const scan = (from: number, single: boolean): number => {
    for (let j = from; j < s.length; ) {
      const c = s[j]!;
      if (single && (c === "\n" || c === "\r")) return j;
      if (c === "\\") {
        const failed = escapeFailure(s, j);
        if (failed >= 0) return failed;
        j += escapeLength(s, j);
      } else j++;
    }
    return s.length;
  };
  const single = scan(i + 1, true);
  const triple = s[i + 1] !== q ? i + 1 : s[i + 2] !== q ? i + 2 : scan(i + 3, false);
  return Math.max(single, triple);
}

/** ANTLR's lexer error: the text from the token's start through the character where it failed (cel-go's first line ends at a newline). */
function recognitionError(s: string[], start: number, failedAt: number): CelError {
  const text = s.slice(start, Math.min(failedAt + 1, s.length)).join("");
  const newline = text.search(/[\r\n]/);
  return new CelError(start, `Syntax error: token recognition error at: '${newline >= 0 ? text.slice(0, newline) : `${text}'`}`);
}

function numberToken(s: string[], i: number): { kind: TokenKind; length: number } {
  let j = i;
  while (isDigit(s[j])) j++;
  const digits = j - i;
  let best: { kind: TokenKind; length: number } = { kind: "int", length: digits };
  if (digits === 0) best = { kind: "int", length: 0 };
  if (s[i] === "0" && s[i + 1] === "x" && isHex(s[i + 2])) {
    let k = i + 2;
    while (isHex(s[k])) k++;
    best = s[k] === "u" || s[k] === "U" ? { kind: "uint", length: k + 1 - i } : { kind: "int", length: k - i };
  }
  if (digits > 0 && (s[j] === "u" || s[j] === "U") && best.length < j + 1 - i) best = { kind: "uint", length: j + 1 - i };
  // Floats: DIGIT+ '.' DIGIT+ EXPONENT? | DIGIT+ EXPONENT | '.' DIGIT+ EXPONENT?
  let f = j;
  let isFloat = false;
  if (s[f] === "." && isDigit(s[f + 1])) {
    f++;
    while (isDigit(s[f])) f++;
    isFloat = true;
  } else if (digits === 0) return best;
  if (s[f] === "e" || s[f] === "E") {
    let e = f + 1;
    if (s[e] === "+" || s[e] === "-") e++;
    if (isDigit(s[e])) {
      while (isDigit(s[e])) e++;
      f = e;
      isFloat = true;
    }
  }
  if (isFloat && f - i > best.length) best = { kind: "float", length: f - i };
  return best;
}

export function lex(s: string[]): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\f") {
      i++;
      continue;
    }
    if (c === "/" && s[i + 1] === "/") {
      while (i < s.length && s[i] !== "\n") i++;
      continue;
    }
    const two = c + (s[i + 1] ?? "");
    if (TWO_CHAR.has(two)) {
      tokens.push({ kind: two as TokenKind, text: two, at: i });
      i += 2;
      continue;
    }
    if (isDigit(c) || (c === "." && isDigit(s[i + 1]))) {
      const { kind, length } = numberToken(s, i);
      tokens.push({ kind, text: s.slice(i, i + length).join(""), at: i });
      i += length;
      continue;
    }
    if (ONE_CHAR.has(c)) {
      tokens.push({ kind: c as TokenKind, text: c, at: i });
      i++;
      continue;
    }
    if (c === '"' || c === "'" || isLetter(c) || c === "_") {
      let ident = 0;
      if (c !== '"' && c !== "'") {
        ident = 1;
        while (isIdentPart(s[i + ident])) ident++;
      }
      // STRING (optionally raw) and BYTES ('b' STRING); the longest match wins, an identifier on a tie.
      let literal = 0;
      let kind: TokenKind = "string";
      const lower = c.toLowerCase();
      if (c === '"' || c === "'") literal = stringLength(s, i, false);
      else if (lower === "r") literal = stringLength(s, i + 1, true) && stringLength(s, i + 1, true) + 1;
      else if (lower === "b") {
        kind = "bytes";
        const next = s[i + 1]?.toLowerCase();
        literal = next === "r" ? stringLength(s, i + 2, true) && stringLength(s, i + 2, true) + 2 : stringLength(s, i + 1, false) && stringLength(s, i + 1, false) + 1;
      }
      if (literal > ident) {
        tokens.push({ kind, text: s.slice(i, i + literal).join(""), at: i });
        i += literal;
        continue;
      }
      if (ident > 0) {
        const text = s.slice(i, i + ident).join("");
        tokens.push({ kind: KEYWORDS.has(text) ? (text as TokenKind) : "ident", text, at: i });
        i += ident;
        continue;
      }
      throw recognitionError(s, i, stringFailure(s, i));
    }
    if (c === "`") {
      let j = i + 1;
      while (j < s.length && (isIdentPart(s[j]) || ".-/ ".includes(s[j]!))) j++;
      if (j > i + 1 && s[j] === "`") {
        tokens.push({ kind: "escident", text: s.slice(i, j + 1).join(""), at: i });
        i = j + 1;
        continue;
      }
      throw recognitionError(s, i, j);
    }
    // '=', '&' and '|' begin '==', '&&' and '||': the lexer fails on the character after them.
    throw recognitionError(s, i, "=&|".includes(c) ? i + 1 : i);
  }
  tokens.push({ kind: "eof", text: "<EOF>", at: s.length });
  return tokens;
}

