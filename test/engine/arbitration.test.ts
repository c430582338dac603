import { describe, expect, it } from "vitest";
import { arbiterOf } from "../../src/engine/arbitration.js";
import { runRules } from "../../src/engine/engine.js";
import { defineRule, type CauseDetector, type Competition, type Precedence, type Rule } from "../../src/contract/rule.js";
import type { InputKind } from "../../src/view/cluster-view.js";
import { buildView } from "../helpers/rule-tester.js";

/** A competition over the numbers 1..3: each rule's detectors answer about a number, and each rule reports the numbers it won. */
const ORDER: Precedence<number, string> = { id: "order", stages: ["first", "second", "third"] };

function competition(read?: (view: Parameters<Competition<unknown>["decide"]>[0]) => void): Competition<{ n: number; rule: string }> {
  return {
    id: "numbers",
    precedences: [ORDER as Precedence<unknown, unknown>],
    decide(view, arbitration) {
      read?.(view);
      return [1, 2, 3].flatMap((n) => {
        const found = arbitration.firstCause(ORDER, n);
        return found ? [{ n, rule: found.rule }] : [];
      });
    },
    ownerOf: (outcome) => outcome.rule,
  };
}

function causeRule(id: string, of: Competition<unknown>, detectors: CauseDetector<number, string>[], inputs: InputKind[] = ["pods"]): Rule {
  return defineRule({
    id,
    category: "unknown-crash",
    severity: "error",
    title: id,
    docs: { cause: "c", fix: "f", verify: ["v"], references: ["r"] },
    equivalents: [],
    inputs,
    requires: [],
    scopes: ["diagnose"],
    messages: { won: "{rule} won {n}" },
    detection: { competition: of, detectors: detectors as CauseDetector<unknown, unknown>[] },
    analyze({ report, causes }) {
      for (const outcome of (causes ?? []) as Array<{ n: number; rule: string }>) report({ message: "won", data: { rule: id, n: outcome.n }, resource: { kind: "Pod", name: `p${outcome.n}` }, cause: "c" });
    },
  });
}

const view = () => buildView({ name: "empty", files: { "pod.json": JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default" } }) } });

describe("cause arbitration", () => {
  it("the best stage that answers names the cause and its owner, whatever order the rules were declared in", () => {
    const numbers = competition();
    const rules = [
      causeRule("test/third", numbers, [{ precedence: ORDER, stage: "third", detect: () => "third" }]),
      causeRule("test/second", numbers, [{ precedence: ORDER, stage: "second", detect: (n) => (n > 1 ? "second" : undefined) }]),
      causeRule("test/first", numbers, [{ precedence: ORDER, stage: "first", detect: (n) => (n > 2 ? "first" : undefined) }]),
    ];
    const arbiter = arbiterOf(numbers, rules);
    expect(arbiter.firstCause(ORDER, 3)).toEqual({ stage: "first", rule: "test/first", cause: "first" });
    expect(arbiter.firstCause(ORDER, 2)).toEqual({ stage: "second", rule: "test/second", cause: "second" });
    expect(arbiter.firstCause(ORDER, 1)).toEqual({ stage: "third", rule: "test/third", cause: "third" });
  });

  it("a detector never runs once a better stage has answered", () => {
    const ran: string[] = [];
    const numbers = competition();
    const rules = [
      causeRule("test/costly", numbers, [{ precedence: ORDER, stage: "third", detect: () => (ran.push("costly"), "costly") }]),
      causeRule("test/cheap", numbers, [{ precedence: ORDER, stage: "first", detect: () => (ran.push("cheap"), "cheap") }]),
    ];
    expect(arbiterOf(numbers, rules).firstCause(ORDER, 1)?.cause).toBe("cheap");
    expect(ran).toEqual(["cheap"]);
  });

  it("within a stage, the lower position answers first, then the rules' order", () => {
    const numbers = competition();
    const a = causeRule("test/a", numbers, [{ precedence: ORDER, stage: "first", detect: () => "a" }]);
    const b = causeRule("test/b", numbers, [{ precedence: ORDER, stage: "first", detect: () => "b" }]);
    const c = causeRule("test/c", numbers, [{ precedence: ORDER, stage: "first", position: -1, detect: () => "c" }]);
    expect(arbiterOf(numbers, [a, b]).firstCause(ORDER, 1)?.cause).toBe("a");
    expect(arbiterOf(numbers, [b, a]).firstCause(ORDER, 1)?.cause).toBe("b");
    expect(arbiterOf(numbers, [a, b, c]).firstCause(ORDER, 1)?.cause).toBe("c");
  });

  it("a detector at a stage the precedence does not list, at a precedence the competition does not declare, or a stage listed twice, is refused", () => {
    const numbers = competition();
    expect(() => arbiterOf(numbers, [causeRule("test/x", numbers, [{ precedence: ORDER, stage: "fourth", detect: () => "x" }])])).toThrow(/stage "fourth"/);
    const other: Precedence<number, string> = { id: "other", stages: ["only"] };
    expect(() => arbiterOf(numbers, [causeRule("test/x", numbers, [{ precedence: other, stage: "only", detect: () => "x" }])])).toThrow(/precedence other/);
    expect(() => arbiterOf({ ...numbers, precedences: [{ id: "twice", stages: ["a", "a"] }] }, [])).toThrow(/twice/);
  });

  it("a cause of the whole is its only cause; else each part keeps its own; else the fallback speaks", () => {
    const arbiter = arbiterOf(competition(), []);
    const parts = [1, 2, 3];
    expect(arbiter.wholeThenParts("pod", parts, () => "evicted", (n) => `c${n}`, () => "broken")).toEqual(["evicted"]);
    expect(arbiter.wholeThenParts("pod", parts, () => undefined, (n) => (n === 2 ? undefined : `c${n}`), () => "broken")).toEqual(["c1", "c3"]);
    expect(arbiter.wholeThenParts("pod", parts, () => undefined, () => undefined, () => "broken")).toEqual(["broken"]);
    expect(arbiter.wholeThenParts("pod", parts, () => undefined, () => undefined, () => undefined)).toEqual([]);
  });
});

describe("the engine arbitrates between every rule of a competition", () => {
  const numbers = competition();
  const first = causeRule("test/first", numbers, [{ precedence: ORDER, stage: "first", detect: (n) => (n > 2 ? "first" : undefined) }]);
  const last = causeRule("test/last", numbers, [{ precedence: ORDER, stage: "third", detect: () => "last" }]);

  it("each rule reports what its detectors won", () => {
    const summaries = runRules([first, last], view(), { scope: "diagnose" }).findings.map((f) => f.summary).sort();
    expect(summaries).toEqual(["test/first won 3", "test/last won 1", "test/last won 2"]);
  });

  it("selecting one rule (--rule) does not change who wins: the others still detect", () => {
    const selected = runRules([first, last], view(), { scope: "diagnose", only: ["test/last"] });
    expect(selected.findings.map((f) => f.summary).sort()).toEqual(["test/last won 1", "test/last won 2"]);
    // Alone, it wins everything: the selection, not the arbitration, is what --rule changes.
    expect(runRules([last], view(), { scope: "diagnose" }).findings).toHaveLength(3);
  });

  it("a rule that runs after the competition gets every outcome, and the competition runs for it alone", () => {
    const after = defineRule({ ...causeRule("test/after", numbers, []), detection: undefined, after: numbers, messages: { all: "{count} outcomes" }, analyze: ({ report, causes }) => report({ message: "all", data: { count: causes?.length ?? -1 }, resource: { kind: "Pod", name: "p" }, cause: "c" }) });
    expect(runRules([first, last, after], view(), { scope: "diagnose", only: ["test/after"] }).findings.map((f) => f.summary)).toEqual(["3 outcomes"]);
  });

  it("the walk reads only what the competition's rules declare", () => {
    const nosy = competition((v) => v.kind("Service"));
    const rule = causeRule("test/nosy", nosy, [{ precedence: ORDER, stage: "first", detect: () => "x" }]);
    const result = runRules([rule], view(), { scope: "diagnose", refuseUndeclared: true });
    expect(result.failures).toEqual([{ rule: "test/nosy", message: expect.stringMatching(/^internal error: numbers .*services/) }]);
    const declaring = causeRule("test/services", nosy, [], ["pods", "services"]);
    expect(runRules([rule, declaring], view(), { scope: "diagnose", refuseUndeclared: true }).failures).toEqual([]);
  });
});
