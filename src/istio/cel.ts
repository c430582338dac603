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

import { CelError, lex, MAX_DEPTH, type TokenKind } from "./cel-lex.js";
import { type Ast, Parser } from "./cel-parse.js";

export const CEL_MAX_CODE_POINTS = 100_000;

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
