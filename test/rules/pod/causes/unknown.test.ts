import { describe, expect, it } from "vitest";
import type { Cause } from "../../../../src/rules/pod/causes/cause.js";
import { crashLoopUnknown, unknownCrash, visiblyBroken } from "../../../../src/rules/pod/crash-loop-unknown.js";
import { crashLoop, event, running } from "../fixtures.js";
import { containerContext, podContext } from "./contexts.js";

/** The summary the rule words the cause with: its message the reading chose, filled with the reading's data. */
const worded = (cause: Cause | undefined) => (cause ? crashLoopUnknown.messages[cause.said.message]!.replace(/\{(\w+)\}/g, (_, name: string) => String(cause.said.data[name])) : undefined);

describe("a crash with no known cause", () => {
  it("says what is known: the exit and its reason", () => {
    const cause = unknownCrash(containerContext({ containers: [{ status: crashLoop({ exitCode: 3 }) }] }), { exitCode: 3, reason: "Error" });
    expect(cause.said).toEqual({ message: "crashes-with-exit-and-reason", data: { container: "container app", exitCode: "3", reason: "Error" } });
    expect(worded(cause)).toBe("container app keeps crashing (exit 3, Error); no known cause in the evidence");
  });
});

describe("a visibly broken pod is never 'no problems'", () => {
  it.each([
    ["a waiting reason", { containers: [{ status: { state: { waiting: { reason: "CreateContainerError", message: "context deadline exceeded" } } } }] }, [], "waiting: CreateContainerError"],
    ["a non-zero exit", { containers: [{ status: { state: { terminated: { exitCode: 2, reason: "Error" } } } }], phase: "Failed" }, [], "terminated: exit 2"],
    ["restarts, not ready", { containers: [{ status: running("2025-06-02T10:14:00Z", 5, false, { terminated: { exitCode: 0, reason: "Completed" } }) }] }, [], "not ready after 5 restarts"],
    ["a failing liveness probe", { containers: [{ status: running() }] }, [event("Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500", { count: 3 })], "Unhealthy: Liveness probe failed"],
    ["Pending, nothing else", { containers: [{}], phase: "Pending" }, [], "phase Pending"],
  ] as const)("%s", (_name, input, events, text) => {
    const broken = visiblyBroken(podContext(input as never, events as never));
    expect(worded(broken?.cause)).toContain(text);
  });

  it("a healthy pod is not broken", () => {
    expect(visiblyBroken(podContext({ containers: [{ status: running() }] }))).toBeUndefined();
  });
});
