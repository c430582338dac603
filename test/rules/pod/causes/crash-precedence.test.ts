import { describe, expect, it } from "vitest";
import { LOG_SIGNATURES } from "../../../../src/signatures/catalog.js";
import { detectorsInOrder } from "../../../../src/engine/arbitration.js";
import { CRASH_CAUSES, WEAK_LOG_WEIGHT } from "../../../../src/rules/pod/causes/cascade.js";

/**
 * The crash precedence is a fixed order only because of what the catalog holds: exit 0 under
 * restartPolicy Always outranks a weak log line but not a decisive one (memory or disk exhausted). That
 * holds while every memory and disk line weighs at least WEAK_LOG_WEIGHT, and while no log line itself
 * names an exit 0.
 */
describe("the crash precedence against the signature catalog", () => {
  const exhausted = LOG_SIGNATURES.filter((signature) => signature.category === "oom-killed" || signature.category === "disk-full");

  it("every out-of-memory and disk-full log line weighs at least the weak-line threshold (86 and up today)", () => {
    expect(exhausted.length).toBeGreaterThan(0);
    const light = exhausted.filter((signature) => signature.weight < WEAK_LOG_WEIGHT).map((signature) => `${signature.id} weighs ${signature.weight}`);
    expect(light).toEqual([]);
    expect(Math.min(...exhausted.map((signature) => signature.weight))).toBeGreaterThanOrEqual(86);
  });

  it("no log line names exit 0 under restartPolicy Always: that cause comes from the exit code alone", () => {
    expect(LOG_SIGNATURES.filter((signature) => signature.category === "exits-zero-under-always").map((signature) => signature.id)).toEqual([]);
  });

  it("exit 0 under Always sits between the log lines that outrank it and the weak ones", () => {
    const stages = CRASH_CAUSES.stages;
    expect(stages.indexOf("decisive-log-line")).toBeLessThan(stages.indexOf("exit-zero-under-always"));
    expect(stages.indexOf("log-line")).toBeLessThan(stages.indexOf("exit-zero-under-always"));
    expect(stages.indexOf("exit-zero-under-always")).toBeLessThan(stages.indexOf("weak-log-line"));
    expect(detectorsInOrder(CRASH_CAUSES).map((detector) => detector.stage)).toEqual(stages);
  });
});
