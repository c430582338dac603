import { describe, expect, it } from "vitest";
import { CAUSE_SIGNATURES, LOG_SIGNATURES } from "../../../../src/signatures/catalog.js";
import { arbiterOf } from "../../../../src/engine/arbitration.js";
import type { Precedence } from "../../../../src/contract/rule.js";
import { CRASH, QUIET, podCauses } from "../../../../src/rules/pod/causes/competition.js";
import { WEAK_LOG_WEIGHT } from "../../../../src/rules/pod/causes/detectors.js";
import { podRules } from "../../../../src/rules/pod/index.js";

const arbiter = arbiterOf(podCauses, podRules.filter((rule) => rule.detection?.competition === podCauses));

/** The rules whose detectors answer at a stage, in the order the engine asks them. */
function ownersAt(precedence: Precedence<unknown, unknown>, stage: string): string[] {
  return (arbiter.order.get(precedence) ?? []).filter((entry) => entry.detector.stage === stage).map((entry) => entry.rule);
}

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
    const stages = CRASH.stages;
    expect(stages.indexOf("decisive-log-line")).toBeLessThan(stages.indexOf("exit-zero-under-always"));
    expect(stages.indexOf("log-line")).toBeLessThan(stages.indexOf("exit-zero-under-always"));
    expect(stages.indexOf("exit-zero-under-always")).toBeLessThan(stages.indexOf("weak-log-line"));
    expect(ownersAt(CRASH, "exit-zero-under-always")).toEqual(["pod/exits-zero-under-always"]);
    // Every stage has a rule that answers there, and the engine asks them in stage order.
    const asked = (arbiter.order.get(CRASH as Precedence<unknown, unknown>) ?? []).map((entry) => entry.detector.stage);
    expect([...new Set(asked)]).toEqual(stages);
  });
});

describe("the pod rules own their detection", () => {
  const claimed = (detector: unknown) => (detector as { claims?: string }).claims;

  it("a detector that claims from a shared reading claims its own rule's category", () => {
    const wrong = podRules.flatMap((rule) => (rule.detection?.detectors ?? []).filter((detector) => claimed(detector) !== undefined && claimed(detector) !== rule.category).map((detector) => `${rule.id} claims ${claimed(detector)} at ${detector.stage}`));
    expect(wrong).toEqual([]);
  });

  it("every cause a log line can name has one rule that answers for it at every log stage", () => {
    // A dependency on localhost that a sidecar serves is the sidecar's (log-cause.ts rewrites it).
    const categories = [...new Set([...CAUSE_SIGNATURES.map((signature) => signature.category), "sidecar-dependency"])];
    const problems: string[] = [];
    for (const [precedence, stage] of [[CRASH, "decisive-log-line"], [CRASH, "log-line"], [CRASH, "weak-log-line"], [QUIET, "running-log"]] as const) {
      const entries = (arbiter.order.get(precedence as Precedence<unknown, unknown>) ?? []).filter((entry) => entry.detector.stage === stage);
      for (const category of categories) {
        const owners = entries.filter((entry) => claimed(entry.detector) === category).map((entry) => entry.rule);
        if (owners.length !== 1) problems.push(`${stage}: ${category} is claimed by ${owners.join(", ") || "no rule"}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("only pod rules join the pod causes' competition, and each declares at least one detector", () => {
    const members = podRules.filter((rule) => rule.detection);
    expect(members.length).toBeGreaterThan(25);
    expect(members.filter((rule) => rule.detection!.detectors.length === 0).map((rule) => rule.id)).toEqual([]);
    expect(podRules.filter((rule) => rule.after === podCauses).map((rule) => rule.id)).toEqual(["pod/job-backoff-limit"]);
  });
});
