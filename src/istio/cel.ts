/**
 * A CEL parser that accepts what cel-go's parser accepts, as Istio runs it on a Telemetry
 * access-log filter (`cel.NewEnv()` then `Parse`: the standard macros, no optional syntax,
 * escaped identifiers allowed). The grammar is cel-go's `CEL.g4`
 * (https://github.com/google/cel-spec/blob/master/doc/langdef.md#syntax); the checks after the
 * grammar are those of cel-go's parser: reserved identifiers, literal ranges, string escapes,
 * macro arguments, and its two depth limits (250 nested rules of one kind while parsing, 250
 * nested selections, calls, indexes and operators while building the expression).
 *
 * Linear in the input: the lexer and the parser never back up more than one token run, the input
 * is at most 100,000 code points (cel-go's limit) and nesting stops at cel-go's depth limits.
 */

export const CEL_MAX_CODE_POINTS = 100_000;
const MAX_DEPTH = 250;

export interface CelProblem {
  /** 1-based line; 0 for a problem of the whole expression. */
  line: number;
  /** 1-based column in code points, as cel-go prints it; 0 with line 0. */
  column: number;
  /** What cel-go reports (its wording where it is cel-go's own, e.g. "reserved identifier: if"). */
  message: string;
}

export type CelNode =
  | { kind: "ident"; name: string; at: number }
  | { kind: "select"; operand: CelNode; field: string; at: number; test?: boolean }
  | { kind: "call"; fn: string; target?: CelNode; args: CelNode[]; at: number }
  | { kind: "literal"; value: string; at: number }
  | { kind: "list"; elements: CelNode[]; at: number }
  | { kind: "map"; entries: Array<[CelNode, CelNode]>; at: number }
  | { kind: "message"; name: string; fields: Array<[string, CelNode]>; at: number }
  | { kind: "comprehension"; macro: string; range: CelNode; variable: string; body: CelNode[]; at: number };

export interface CelParse {
  expression?: CelNode;
  problem?: CelProblem;
}

type TokenKind =
  | "==" | "!=" | "in" | "<" | "<=" | ">=" | ">" | "&&" | "||" | "[" | "]" | "{" | "}" | "(" | ")"
  | "." | "," | "-" | "!" | "?" | ":" | "+" | "*" | "/" | "%" | "true" | "false" | "null"
  | "float" | "int" | "uint" | "string" | "bytes" | "ident" | "escident" | "eof";

interface Token {
  kind: TokenKind;
  text: string;
  /** Code point offset. */
  at: number;
}

class CelError extends Error {
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

function lex(s: string[]): Token[] {
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
      throw new CelError(i, `Syntax error: token recognition error at: '${s.slice(i, Math.min(s.length, i + 20)).join("").split("\n")[0]}'`);
    }
    if (c === "`") {
      let j = i + 1;
      while (j < s.length && (isIdentPart(s[j]) || ".-/ ".includes(s[j]!))) j++;
      if (j > i + 1 && s[j] === "`") {
        tokens.push({ kind: "escident", text: s.slice(i, j + 1).join(""), at: i });
        i = j + 1;
        continue;
      }
    }
    throw new CelError(i, `Syntax error: token recognition error at: '${c}'`);
  }
  tokens.push({ kind: "eof", text: "<EOF>", at: s.length });
  return tokens;
}

const STARTS_EXPR = new Set<TokenKind>(["[", "{", "(", ".", "-", "!", "true", "false", "null", "float", "int", "uint", "string", "bytes", "ident"]);
const RELATIONS = new Set<TokenKind>(["<", "<=", ">=", ">", "==", "!=", "in"]);
type Rule = "expr" | "conditionalOr" | "conditionalAnd" | "relation" | "calc" | "unary" | "member" | "primary" | "exprList" | "listInit" | "fieldInitializerList" | "optField" | "mapInitializerList" | "escapeIdent" | "optExpr" | "literal";

/** Syntax: CEL.g4 rule by rule, counting nested rules as cel-go's parse listener does (ANTLR enters a left-recursive rule once more per operator). */
class Parser {
  private pos = 0;
  private readonly depth = new Map<Rule, number>();
  constructor(private readonly tokens: Token[]) {}

  private get next(): Token {
    return this.tokens[this.pos]!;
  }
  private peek(k: number): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }
  private enter(rule: Rule, times = 1): void {
    const depth = (this.depth.get(rule) ?? 0) + times;
    this.depth.set(rule, depth);
    if (depth > MAX_DEPTH) throw new CelError(-1, `expression recursion limit exceeded: ${MAX_DEPTH}`);
  }
  /** cel-go's listener never lets a count go below 0: unrolling a left-recursive rule exits once per operator more than it entered. */
  private exit(rule: Rule, times = 1): void {
    this.depth.set(rule, Math.max(0, (this.depth.get(rule) ?? 0) - times));
  }
  /** Each operator of a left-recursive rule: ANTLR exits the rule and enters it again. */
  private again(rule: Rule): void {
    this.exit(rule);
    this.enter(rule);
  }
  private fail(): never {
    const token = this.next;
    throw new CelError(token.at, `Syntax error: unexpected input '${token.text}'`);
  }
  private expect(kind: TokenKind): Token {
    if (this.next.kind !== kind) this.fail();
    return this.tokens[this.pos++]!;
  }
  private accept(kind: TokenKind): Token | undefined {
    return this.next.kind === kind ? this.tokens[this.pos++] : undefined;
  }

  start(): Ast {
    const e = this.expr();
    this.expect("eof");
    return e;
  }

  private expr(): Ast {
    this.enter("expr");
    const e = this.conditionalOr();
    let out = e;
    const op = this.accept("?");
    if (op) {
      const e1 = this.conditionalOr();
      this.expect(":");
      const e2 = this.expr();
      out = { t: "ternary", at: op.at, parts: [e, e1, e2] };
    }
    this.exit("expr");
    return out;
  }

  private conditionalOr(): Ast {
    this.enter("conditionalOr");
    const parts = [this.conditionalAnd()];
    let at = -1;
    for (let op; (op = this.accept("||")); ) {
      at = op.at;
      parts.push(this.conditionalAnd());
    }
    this.exit("conditionalOr");
    return parts.length === 1 ? parts[0]! : { t: "logic", at, parts };
  }

  private conditionalAnd(): Ast {
    this.enter("conditionalAnd");
    const parts = [this.relation(0)];
    let at = -1;
    for (let op; (op = this.accept("&&")); ) {
      at = op.at;
      parts.push(this.relation(0));
    }
    this.exit("conditionalAnd");
    return parts.length === 1 ? parts[0]! : { t: "logic", at, parts };
  }

  private relation(precedence: number): Ast {
    this.enter("relation");
    let pushed = 0;
    let left = this.calc(0);
    while (RELATIONS.has(this.next.kind) && precedence <= 1) {
      this.again("relation");
      pushed++;
      const op = this.tokens[this.pos++]!;
      left = { t: "binary", at: op.at, op: op.text, parts: [left, this.relation(2)] };
    }
    this.exit("relation", pushed + 1);
    return left;
  }

  private calc(precedence: number): Ast {
    this.enter("calc");
    let pushed = 0;
    let left = this.unary();
    for (;;) {
      const kind = this.next.kind;
      const multiplicative = kind === "*" || kind === "/" || kind === "%";
      if (multiplicative ? precedence > 2 : kind === "+" || kind === "-" ? precedence > 1 : true) break;
      this.again("calc");
      pushed++;
      const op = this.tokens[this.pos++]!;
      left = { t: "binary", at: op.at, op: op.text, parts: [left, this.calc(multiplicative ? 3 : 2)] };
    }
    this.exit("calc", pushed + 1);
    return left;
  }

  private unary(): Ast {
    this.enter("unary");
    let out: Ast;
    const kind = this.next.kind;
    const signedLiteral = kind === "-" && (this.peek(1).kind === "int" || this.peek(1).kind === "float");
    if ((kind === "!" || kind === "-") && !signedLiteral) {
      const first = this.next;
      let count = 0;
      // ANTLR's (ops+='-')+ loop takes every operator before the member, a minus sign included.
      while (this.next.kind === kind) {
        this.pos++;
        count++;
      }
      const member = this.member();
      out = count % 2 === 0 ? member : { t: kind === "!" ? "not" : "negate", at: first.at, parts: [member] };
    } else out = this.member();
    this.exit("unary");
    return out;
  }

  private member(): Ast {
    this.enter("member");
    let pushed = 0;
    let operand = this.primary();
    for (;;) {
      if (this.next.kind === "." ) {
        this.again("member");
        pushed++;
        const dot = this.tokens[this.pos++]!;
        const optional = this.accept("?");
        if (!optional && this.peek(0).kind === "ident" && this.peek(1).kind === "(") {
          const id = this.tokens[this.pos++]!;
          const open = this.expect("(");
          const args = this.peek(0).kind === ")" ? [] : this.exprList();
          this.expect(")");
          operand = { t: "call", at: open.at, name: id.text, target: operand, parts: args };
        } else {
          const id = this.escapeIdent();
          operand = { t: "select", at: dot.at, name: id, parts: [operand], ...(optional ? { optional: optional.at } : {}) };
        }
      } else if (this.next.kind === "[") {
        this.again("member");
        pushed++;
        const open = this.tokens[this.pos++]!;
        const optional = this.accept("?");
        const index = this.expr();
        this.expect("]");
        operand = { t: "index", at: open.at, parts: [operand, index], ...(optional ? { optional: open.at } : {}) };
      } else break;
    }
    this.exit("member", pushed + 1);
    return operand;
  }

  private escapeIdent(): string {
    this.enter("escapeIdent");
    const token = this.next;
    if (token.kind !== "ident" && token.kind !== "escident") this.fail();
    this.pos++;
    this.exit("escapeIdent");
    return token.kind === "escident" ? token.text.slice(1, -1) : token.text;
  }

  private primary(): Ast {
    this.enter("primary");
    let out: Ast;
    const token = this.next;
    if (token.kind === "ident" || (token.kind === "." && this.peek(1).kind === "ident")) {
      const leading = token.kind === "." ? 1 : 0;
      const id = this.peek(leading);
      const name = (leading ? "." : "") + id.text;
      if (this.peek(leading + 1).kind === "(") {
        const open = this.peek(leading + 1);
        this.pos += leading + 2;
        const args = this.peek(0).kind === ")" ? [] : this.exprList();
        this.expect(")");
        // cel-go locates a call at its '(' and a reserved name at the start of the call.
        out = { t: "global", at: open.at, name, id: id.text, idAt: token.at, parts: args };
      } else {
        let k = leading + 1;
        while (this.peek(k).kind === "." && this.peek(k + 1).kind === "ident") k += 2;
        if (this.peek(k).kind === "{") {
          const parts: string[] = [];
          for (let j = leading; j < k; j += 2) parts.push(this.peek(j).text);
          this.pos += k;
          const open = this.expect("{");
          const fields = this.next.kind === "}" || this.next.kind === "," ? [] : this.fieldInitializerList();
          this.accept(",");
          this.expect("}");
          out = { t: "message", at: open.at, name: (leading ? "." : "") + parts.join("."), fields };
        } else {
          this.pos += leading + 1;
          out = { t: "ident", at: token.at, name, id: id.text };
        }
      }
    } else if (token.kind === "(") {
      this.pos++;
      out = this.expr();
      this.expect(")");
    } else if (token.kind === "[") {
      this.pos++;
      const elements = this.next.kind === "]" || this.next.kind === "," ? [] : this.listInit();
      this.accept(",");
      this.expect("]");
      out = { t: "list", at: token.at, parts: elements.map((e) => e.e), optionals: elements.flatMap((e) => (e.opt === undefined ? [] : [e.opt])) };
    } else if (token.kind === "{") {
      this.pos++;
      const entries = this.next.kind === "}" || this.next.kind === "," ? [] : this.mapInitializerList();
      this.accept(",");
      this.expect("}");
      out = { t: "map", at: token.at, parts: entries.flatMap(([k, v]) => [k.e, v]), optionals: entries.flatMap(([k]) => (k.opt === undefined ? [] : [k.opt])) };
    } else out = this.literal();
    this.exit("primary");
    return out;
  }

  private exprList(): Ast[] {
    this.enter("exprList");
    const out = [this.expr()];
    while (this.accept(",")) out.push(this.expr());
    this.exit("exprList");
    return out;
  }

  private optExpr(): { e: Ast; opt?: number } {
    this.enter("optExpr");
    const opt = this.accept("?");
    const e = this.expr();
    this.exit("optExpr");
    return opt ? { e, opt: opt.at } : { e };
  }

  private listInit(): Array<{ e: Ast; opt?: number }> {
    this.enter("listInit");
    const out = [this.optExpr()];
    while (this.next.kind === "," && (STARTS_EXPR.has(this.peek(1).kind) || this.peek(1).kind === "?")) {
      this.pos++;
      out.push(this.optExpr());
    }
    this.exit("listInit");
    return out;
  }

  private mapInitializerList(): Array<[{ e: Ast; opt?: number }, Ast]> {
    this.enter("mapInitializerList");
    const out: Array<[{ e: Ast; opt?: number }, Ast]> = [];
    do {
      const key = this.optExpr();
      this.expect(":");
      out.push([key, this.expr()]);
    } while (this.next.kind === "," && (STARTS_EXPR.has(this.peek(1).kind) || this.peek(1).kind === "?") && this.pos++ >= 0);
    this.exit("mapInitializerList");
    return out;
  }

  private fieldInitializerList(): Array<{ name: string; opt?: number; value: Ast }> {
    this.enter("fieldInitializerList");
    const out: Array<{ name: string; opt?: number; value: Ast }> = [];
    do {
      this.enter("optField");
      const opt = this.accept("?");
      const name = this.escapeIdent();
      this.exit("optField");
      this.expect(":");
      out.push({ name, value: this.expr(), ...(opt ? { opt: opt.at } : {}) });
    } while (this.next.kind === "," && ["?", "ident", "escident"].includes(this.peek(1).kind) && this.pos++ >= 0);
    this.exit("fieldInitializerList");
    return out;
  }

  private literal(): Ast {
    this.enter("literal");
    const token = this.next;
    let out: Ast;
    if (token.kind === "-" && (this.peek(1).kind === "int" || this.peek(1).kind === "float")) {
      const number = this.peek(1);
      this.pos += 2;
      out = { t: "literal", at: token.at, kind: number.kind, text: "-" + number.text };
    } else if (["int", "uint", "float", "string", "bytes", "true", "false", "null"].includes(token.kind)) {
      this.pos++;
      out = { t: "literal", at: token.at, kind: token.kind, text: token.text };
    } else this.fail();
    this.exit("literal");
    return out;
  }
}

/** The parse tree, before cel-go's parser turns it into an expression (macros, literals, reserved names). */
interface Ast {
  t: "ternary" | "logic" | "binary" | "not" | "negate" | "select" | "call" | "index" | "global" | "ident" | "message" | "list" | "map" | "literal";
  at: number;
  parts?: Ast[];
  op?: string;
  name?: string;
  id?: string;
  idAt?: number;
  target?: Ast;
  optional?: number;
  optionals?: number[];
  fields?: Array<{ name: string; opt?: number; value: Ast }>;
  kind?: TokenKind;
  text?: string;
}

const RESERVED = new Set(["as", "break", "const", "continue", "else", "false", "for", "function", "if", "import", "in", "let", "loop", "package", "namespace", "null", "return", "true", "var", "void", "while"]);
const QUANTIFIERS = new Set(["all", "exists", "exists_one"]);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Builds the expression as cel-go's parser visitor does, collecting its errors. */
class Builder {
  readonly errors: CelError[] = [];
  private depth = 0;

  private error(at: number, message: string): CelNode {
    this.errors.push(new CelError(at, message));
    return { kind: "literal", value: "<<error>>", at };
  }

  build(node: Ast): CelNode {
    const counted = ["ternary", "binary", "select", "call", "index"].includes(node.t);
    if (counted && ++this.depth > MAX_DEPTH) throw new CelError(-1, "max recursion depth exceeded");
    try {
      return this.visit(node);
    } finally {
      if (counted) this.depth--;
    }
  }

  private visit(node: Ast): CelNode {
    const parts = node.parts ?? [];
    switch (node.t) {
      case "ternary":
        return { kind: "call", fn: "_?_:_", args: parts.map((p) => this.build(p)), at: node.at };
      case "logic":
        return { kind: "call", fn: "_logic_", args: parts.map((p) => this.build(p)), at: node.at };
      case "binary":
        return { kind: "call", fn: `_${node.op}_`, args: parts.map((p) => this.build(p)), at: node.at };
      case "not":
      case "negate":
        return { kind: "call", fn: node.t === "not" ? "!_" : "-_", args: [this.build(parts[0]!)], at: node.at };
      case "select": {
        const operand = this.build(parts[0]!);
        if (node.optional !== undefined) return this.error(node.at, "unsupported syntax '.?'");
        return { kind: "select", operand, field: node.name!, at: node.at };
      }
      case "index": {
        const target = this.build(parts[0]!);
        const index = this.build(parts[1]!);
        if (node.optional !== undefined) return this.error(node.at, "unsupported syntax '[?'");
        return { kind: "call", fn: "_[_]", args: [target, index], at: node.at };
      }
      case "call": {
        const target = this.build(node.target!);
        return this.macro(node.name!, target, parts.map((p) => this.build(p)), node.at);
      }
      case "global":
        if (RESERVED.has(node.id!)) return this.error(node.idAt!, `reserved identifier: ${node.id!}`);
        return this.macro(node.name!, undefined, parts.map((p) => this.build(p)), node.at);
      case "ident":
        if (RESERVED.has(node.id!)) return this.error(node.at, `reserved identifier: ${node.id!}`);
        return { kind: "ident", name: node.name!, at: node.at };
      case "message": {
        const fields: Array<[string, CelNode]> = [];
        for (const field of node.fields ?? []) {
          if (field.opt !== undefined) {
            this.error(field.opt, "unsupported syntax '?'");
            continue;
          }
          fields.push([field.name, this.build(field.value)]);
        }
        return { kind: "message", name: node.name!, fields, at: node.at };
      }
      case "list": {
        const elements = parts.map((p) => this.build(p));
        for (const at of node.optionals ?? []) this.error(at, "unsupported syntax '?'");
        return { kind: "list", elements, at: node.at };
      }
      case "map": {
        const entries: Array<[CelNode, CelNode]> = [];
        for (const at of node.optionals ?? []) this.error(at, "unsupported syntax '?'");
        for (let i = 0; i + 1 < parts.length; i += 2) entries.push([this.build(parts[i]!), this.build(parts[i + 1]!)]);
        return { kind: "map", entries, at: node.at };
      }
      case "literal":
        return this.literal(node);
    }
  }

  private literal(node: Ast): CelNode {
    const text = node.text!;
    const at = node.at;
    if (node.kind === "int") {
      const negative = text.startsWith("-");
      const digits = negative ? text.slice(1) : text;
      const value = (negative ? -1n : 1n) * BigInt(digits.startsWith("0x") ? digits : digits.replace(/^0+(?=\d)/, ""));
      if (value < INT64_MIN || value > INT64_MAX) return this.error(at, "invalid int literal");
    } else if (node.kind === "uint") {
      if (BigInt(text.slice(0, -1)) > UINT64_MAX) return this.error(at, "invalid uint literal");
    } else if (node.kind === "float") {
      if (!Number.isFinite(Number(text))) return this.error(at, "invalid double literal");
    } else if (node.kind === "string" || node.kind === "bytes") {
      const problem = unescapeProblem(node.kind === "bytes" ? text.slice(1) : text, node.kind === "bytes");
      if (problem) return this.error(at, problem);
    }
    return { kind: "literal", value: text, at };
  }

  /** cel-go's standard macros: has(a.b), and all, exists, exists_one, map (2 or 3 arguments), filter on a receiver. */
  private macro(fn: string, target: CelNode | undefined, args: CelNode[], at: number): CelNode {
    const accumulator = (name: string): boolean => name === "@result" || name === "__result__";
    if (!target && fn === "has" && args.length === 1) {
      const arg = args[0]!;
      if (arg.kind !== "select") return this.error(arg.at, "invalid argument to has() macro");
      return { ...arg, test: true };
    }
    if (target && ((QUANTIFIERS.has(fn) || fn === "filter") && args.length === 2 || fn === "map" && (args.length === 2 || args.length === 3))) {
      const variable = args[0]!;
      if (variable.kind !== "ident") return this.error(variable.at, QUANTIFIERS.has(fn) ? "argument must be a simple name" : "argument is not an identifier");
      if (accumulator(variable.name)) return this.error(variable.at, "iteration variable overwrites accumulator variable");
      return { kind: "comprehension", macro: fn, range: target, variable: variable.name, body: args.slice(1), at };
    }
    return target ? { kind: "call", fn, target, args, at } : { kind: "call", fn, args, at };
  }
}

/** What cel-go's unescape reports for a string literal (prefix `r`/quotes included, `b` removed), or undefined. */
function unescapeProblem(literal: string, bytes: boolean): string | undefined {
  if (/^[rR]/.test(literal) || !literal.includes("\\")) return undefined;
  const s = Array.from(literal.replace(/^('''|""")([\s\S]*)\1$/, "'$2'").slice(1, -1));
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== "\\") continue;
    const c = s[i + 1]!;
    if (c === "u" || c === "U") {
      if (bytes) return "unable to unescape string";
      const n = c === "u" ? 4 : 8;
      const value = parseInt(s.slice(i + 2, i + 2 + n).join(""), 16);
      if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return "invalid unicode code point";
      i += n + 1;
    } else if (c === "x" || c === "X") i += 3;
    else if (c >= "0" && c <= "3") i += 3;
    else i += 1;
  }
  return undefined;
}

/** Parses a CEL expression; `problem` is cel-go's first error (by position) when it would reject it. */
export function parseCel(expression: string): CelParse {
  const source = Array.from(expression);
  if (source.length > CEL_MAX_CODE_POINTS) {
    return { problem: { line: 0, column: 0, message: `expression code point size exceeds limit: size: ${source.length}, limit ${CEL_MAX_CODE_POINTS}` } };
  }
  const locate = (error: CelError): CelProblem => {
    if (error.at < 0) return { line: 0, column: 0, message: error.message };
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < error.at && i < source.length; i++) if (source[i] === "\n") (line++, (lineStart = i + 1));
    return { line, column: error.at - lineStart + 1, message: error.message };
  };
  let tree: Ast;
  try {
    tree = new Parser(lex(source)).start();
  } catch (error) {
    if (error instanceof CelError) return { problem: locate(error) };
    throw error;
  }
  const builder = new Builder();
  let built: CelNode;
  try {
    built = builder.build(tree);
  } catch (error) {
    if (error instanceof CelError) return { problem: locate(error) };
    throw error;
  }
  const first = builder.errors.sort((a, b) => a.at - b.at)[0];
  return first ? { problem: locate(first) } : { expression: built };
}

/** The problem as cel-go prints its first line: `ERROR: <input>:1:5: ...`. */
export function formatCelProblem(problem: CelProblem): string {
  return `ERROR: <input>:${problem.line === 0 ? "-1:0" : `${problem.line}:${problem.column}`}: ${problem.message}`;
}
