import { describe, expect, it } from "vitest";
import { exitCodeCause } from "../../../../src/rules/pod/causes/exit-code.js";
import { crashLoop, event } from "../fixtures.js";
import { containerContext } from "./contexts.js";

/** What an exit code alone says (../shared/reference/exit-codes.tsv), when nothing else does. */
const rows: Array<[number, Record<string, unknown>, string | undefined]> = [
  [0, {}, "exits-zero-under-always"],
  [127, {}, "bad-command"],
  [126, {}, "bad-command"],
  [137, { resources: { limits: { memory: "256Mi" } } }, "oom-killed"],
  [137, {}, undefined],
  [139, {}, "app-runtime-error"],
  [134, {}, "app-runtime-error"],
  [1, {}, undefined],
];

describe("exit codes", () => {
  it.each(rows)("exit %i %j", (exitCode, spec, category) => {
    const container = containerContext({ owner: "Deployment/api", containers: [{ ...spec, status: crashLoop({ exitCode, reason: exitCode === 0 ? "Completed" : "Error" }) }] });
    expect(exitCodeCause(container, { exitCode, reason: "Error" })?.category).toBe(category);
  });

  it("exit 137 after a Killing event is a kill someone asked for, not memory", () => {
    const container = containerContext({ containers: [{ resources: { limits: { memory: "256Mi" } }, status: crashLoop({ exitCode: 137 }) }] }, [event("Killing", "Stopping container app", { type: "Normal" })]);
    expect(exitCodeCause(container, { exitCode: 137 })).toBeUndefined();
  });

  it("exit 0 of a Job pod (restartPolicy Never) is success", () => {
    const container = containerContext({ owner: "Job/backup", containers: [{ status: crashLoop({ exitCode: 0, reason: "Completed" }) }] });
    expect(exitCodeCause(container, { exitCode: 0 })).toBeUndefined();
  });
});
