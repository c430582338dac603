import { describe, expect, it } from "vitest";
import { checkSeverities, type CheckStatus, type ReadinessCheck } from "../../src/queries/readiness.js";
import { exitCodeFor } from "../../src/cli/shared.js";

const check = (status: CheckStatus): ReadinessCheck => ({ id: `check-${status}`, title: status, status, detail: "", items: [] });

/** `mesh readiness --fail-on X` exits 1 when one check is at or above X: fail is an error, warn a warning, info an info; ok and unknown never count. */
const EXPECTED: Record<CheckStatus, Record<"error" | "warning" | "info" | "none", number>> = {
  fail: { error: 1, warning: 1, info: 1, none: 0 },
  warn: { error: 0, warning: 1, info: 1, none: 0 },
  info: { error: 0, warning: 0, info: 1, none: 0 },
  ok: { error: 0, warning: 0, info: 0, none: 0 },
  unknown: { error: 0, warning: 0, info: 0, none: 0 },
};

describe("mesh readiness exit codes go through the shared --fail-on threshold", () => {
  for (const [status, byFailOn] of Object.entries(EXPECTED) as Array<[CheckStatus, Record<"error" | "warning" | "info" | "none", number>]>) {
    for (const [failOn, code] of Object.entries(byFailOn) as Array<["error" | "warning" | "info" | "none", number]>) {
      it(`a ${status} check with --fail-on ${failOn} exits ${code}`, () => {
        expect(exitCodeFor(checkSeverities([check("ok"), check(status)]), failOn)).toBe(code);
      });
    }
  }

  it("no checks, or only ok and unknown ones, exit 0 at every threshold", () => {
    for (const failOn of ["error", "warning", "info", "none"] as const) {
      expect(exitCodeFor(checkSeverities([]), failOn)).toBe(0);
      expect(exitCodeFor(checkSeverities([check("ok"), check("unknown")]), failOn)).toBe(0);
    }
  });

  it("the highest status decides, whatever the order of the checks", () => {
    const checks = [check("info"), check("fail"), check("warn")];
    expect(exitCodeFor(checkSeverities(checks), "error")).toBe(1);
    expect(exitCodeFor(checkSeverities([...checks].reverse()), "error")).toBe(1);
    expect(exitCodeFor(checkSeverities([check("info"), check("warn")]), "error")).toBe(0);
  });
});
