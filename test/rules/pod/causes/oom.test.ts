import { describe, expect, it } from "vitest";
import { oomKilled, oomKilledCause } from "../../../../src/rules/pod/oom-killed.js";
import { crashLoop } from "../fixtures.js";
import { appLog, containerContext } from "./contexts.js";

describe("OOMKilled", () => {
  it.each([
    ["with a limit", { resources: { limits: { memory: "256Mi" } } }, { message: "oom-killed-at-limit", data: { container: "container app", limit: "256Mi" } }, "container app is OOMKilled: it exceeds its memory limit of 256Mi"],
    ["without a limit", {}, { message: "oom-killed-over-limit", data: { container: "container app" } }, "container app is OOMKilled: it exceeds its memory limit"],
  ])("%s", (_name, spec, said, summary) => {
    const container = containerContext({ containers: [{ ...spec, status: crashLoop({ exitCode: 137, reason: "OOMKilled" }) }] });
    const cause = oomKilledCause(container, { exitCode: 137, reason: "OOMKilled" });
    // The detector gives the message and its data; the rule's template words it.
    expect(cause?.said).toEqual(said);
    expect(oomKilled.messages[said.message]!.replace(/\{(\w+)\}/g, (_, name: string) => String((said.data as Record<string, string>)[name]))).toBe(summary);
  });

  it("the runtime's own out-of-memory line is kept as evidence", () => {
    const container = containerContext({ containers: [{ status: crashLoop({ exitCode: 137, reason: "OOMKilled" }) }] }, [], appLog("<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n"));
    expect(oomKilledCause(container, { exitCode: 137, reason: "OOMKilled" })?.evidence.map((e) => e.source)).toEqual(["status", "previous-log"]);
  });

  it("exit 137 without the reason is not this detector's (the exit-code one weighs it)", () => {
    expect(oomKilledCause(containerContext({ containers: [{ status: crashLoop({ exitCode: 137 }) }] }), { exitCode: 137, reason: "Error" })).toBeUndefined();
  });
});
