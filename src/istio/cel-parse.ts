/** The parser of `cel.ts`: CEL.g4 rule by rule, with cel-go's parse-listener depth limit. */
import { CelError, MAX_DEPTH, type Token, type TokenKind } from "./cel-lex.js";

const STARTS_EXPR = new Set<TokenKind>(["[", "{", "(", ".", "-", "!", "true", "false", "null", "float", "int", "uint", "string", "bytes", "ident"]);
const RELATIONS = new Set<TokenKind>(["<", "<=", ">=", ">", "==", "!=", "in"]);
type Rule = "expr" | "conditionalOr" | "conditionalAnd" | "relation" | "calc" | "unary" | "member" | "primary" | "exprList" | "listInit" | "fieldInitializerList" | "optField" | "mapInitializerList" | "escapeIdent" | "optExpr" | "literal";

/** Syntax: CEL.g4 rule by rule, counting nested rules as cel-go's parse listener does (ANTLR enters a left-recursive rule once more per operator). */
export class Parser {
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
    if (this.next.kind !== "eof") {
      // ANTLR's recovery at `EOF` after a whole expression: one stray token before the end is
      // deleted ("extraneous input"), anything longer is a mismatch.
      const token = this.next;
      const kind = this.peek(1).kind === "eof" ? "extraneous" : "mismatched";
      throw new CelError(token.at, `Syntax error: ${kind} input '${token.text.replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")}' expecting <EOF>`);
    }
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
export interface Ast {
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

