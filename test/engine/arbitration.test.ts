import { describe, expect, it } from "vitest";
import { arbitration } from "../../src/engine/arbitration.js";
import type { Precedence } from "../../src/engine/rule.js";

describe("cause arbitration", () => {
  it("the best stage that answers names the cause, whatever order the detectors were declared in", () => {
    const order: Precedence<number, string> = {
      stages: ["first", "second", "third"],
      detectors: [
        { stage: "third", detect: () => "third" },
        { stage: "second", detect: (n) => (n > 1 ? "second" : undefined) },
        { stage: "first", detect: (n) => (n > 2 ? "first" : undefined) },
      ],
    };
    expect(arbitration.firstCause(order, 3)).toEqual({ stage: "first", cause: "first" });
    expect(arbitration.firstCause(order, 2)).toEqual({ stage: "second", cause: "second" });
    expect(arbitration.firstCause(order, 1)).toEqual({ stage: "third", cause: "third" });
  });

  it("a detector never runs once a better stage has answered", () => {
    const ran: string[] = [];
    const order: Precedence<null, string> = {
      stages: ["cheap", "costly"],
      detectors: [
        { stage: "costly", detect: () => (ran.push("costly"), "costly") },
        { stage: "cheap", detect: () => (ran.push("cheap"), "cheap") },
      ],
    };
    expect(arbitration.firstCause(order, null)?.cause).toBe("cheap");
    expect(ran).toEqual(["cheap"]);
  });

  it("detectors of one stage answer in the order they were declared", () => {
    const order: Precedence<null, string> = { stages: ["only"], detectors: [{ stage: "only", detect: () => "a" }, { stage: "only", detect: () => "b" }] };
    expect(arbitration.firstCause(order, null)?.cause).toBe("a");
  });

  it("a detector at a stage the precedence does not list, or a stage listed twice, is refused", () => {
    expect(() => arbitration.firstCause({ stages: ["a"], detectors: [{ stage: "b", detect: () => "b" }] }, null)).toThrow(/stage "b"/);
    expect(() => arbitration.firstCause({ stages: ["a", "a"], detectors: [] }, null)).toThrow(/twice/);
  });

  it("a cause of the whole is its only cause; else each part keeps its own; else the fallback speaks", () => {
    const parts = [1, 2, 3];
    expect(arbitration.wholeThenParts("pod", parts, () => "evicted", (n) => `c${n}`, () => "broken")).toEqual(["evicted"]);
    expect(arbitration.wholeThenParts("pod", parts, () => undefined, (n) => (n === 2 ? undefined : `c${n}`), () => "broken")).toEqual(["c1", "c3"]);
    expect(arbitration.wholeThenParts("pod", parts, () => undefined, () => undefined, () => "broken")).toEqual(["broken"]);
    expect(arbitration.wholeThenParts("pod", parts, () => undefined, () => undefined, () => undefined)).toEqual([]);
  });
});
