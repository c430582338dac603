import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatCelProblem, parseCel } from "../../src/istio/cel.js";
// @ts-expect-error plain ES module shared with bench/vs-cel-go/compare.mjs
import { depthCases, expressions } from "../fixtures/cel/expressions.mjs";

/**
 * cel-go's verdicts (recorded by `node bench/vs-cel-go/compare.mjs --write`, which runs the cel-go
 * version Istio links, parsing as Istio's Telemetry validation does) against ktriage's parser on the
 * same table: literals, escapes, reserved words, operators, macros, optional syntax, depth limits.
 */
const table: string[] = [...(expressions as string[]), ...(depthCases() as string[])];
const verdicts = JSON.parse(readFileSync(new URL("../fixtures/cel/cel-go-verdicts.json", import.meta.url), "utf8")) as Array<{ ok: boolean; error?: string }>;

describe("CEL parsing against cel-go", () => {
  it("has a recorded verdict for every expression of the table", () => {
    expect(verdicts.length).toBe(table.length);
  });
  it("accepts and rejects what cel-go accepts and rejects", () => {
    const differences = table.flatMap((expression, i) => {
      const ok = !parseCel(expression).problem;
      return ok === verdicts[i]!.ok ? [] : [`${JSON.stringify(expression.slice(0, 60))}: cel-go ${verdicts[i]!.ok ? "accepts" : "rejects"}`];
    });
    expect(differences).toEqual([]);
  });
  it("reports cel-go's own errors with its wording and position", () => {
    // Errors cel-go's parser reports itself (not ANTLR's syntax errors, whose wording is not reproduced).
    const own = table.flatMap((expression, i) => {
      const error = verdicts[i]!.error;
      if (!error || error.includes("Syntax error")) return [];
      return [[formatCelProblem(parseCel(expression).problem!), error]];
    });
    expect(own.length).toBeGreaterThan(40);
    for (const [ours, celGo] of own) expect(ours).toBe(celGo);
  });
  it("words ANTLR's lexer errors as cel-go does: the text from the token's start through the character it failed on", () => {
    const lexer = table.flatMap((expression, i) => {
      const error = verdicts[i]!.error;
      return error?.includes("token recognition error") ? [[formatCelProblem(parseCel(expression).problem!), error]] : [];
    });
    expect(lexer.length).toBe(25);
    for (const [ours, celGo] of lexer) expect(ours).toBe(celGo);
  });
  it("words ANTLR's recovery at the end of the input as cel-go does: one stray token is extraneous, more is a mismatch", () => {
    const atEnd = table.flatMap((expression, i) => {
      const ours = formatCelProblem(parseCel(expression).problem ?? { line: 0, column: 0, message: "" });
      return ours.endsWith("expecting <EOF>") ? [[ours, verdicts[i]!.error]] : [];
    });
    expect(atEnd.length).toBe(18);
    for (const [ours, celGo] of atEnd) expect(ours).toBe(celGo);
  });
  it("locates a syntax error where cel-go does", () => {
    const at = (text: string) => /<input>:(-?\d+:\d+)/.exec(text)?.[1];
    const located = table.flatMap((expression, i) => {
      const error = verdicts[i]!.error;
      return error?.includes("Syntax error") && expression !== "" ? [[expression, at(formatCelProblem(parseCel(expression).problem!)), at(error)]] : [];
    });
    const same = located.filter(([, ours, celGo]) => ours === celGo).length;
    // 4 of them differ: ANTLR reports a failed prediction at the token where it gave up, ktriage at the first token that cannot continue.
    expect(same).toBeGreaterThanOrEqual(located.length - 4);
  });
  it("builds the expression: selections, calls and macros", () => {
    const parsed = parseCel("request.headers['x-user'] == 'a' && [1, 2].exists(x, x > 1)").expression;
    expect(parsed).toMatchObject({ kind: "call", fn: "_logic_", args: [{ kind: "call", fn: "_==_", args: [{ kind: "call", fn: "_[_]", args: [{ kind: "select", field: "headers", operand: { kind: "ident", name: "request" } }, { kind: "literal", value: "'x-user'" }] }, { kind: "literal" }] }, { kind: "comprehension", macro: "exists", variable: "x" }] });
  });
});
