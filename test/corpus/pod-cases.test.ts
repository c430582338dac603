import { describe, expect, it } from "vitest";
import { firstCategory, readCases } from "./pod-cases.js";

/**
 * Every real case of ../shared/cases/pods through `ktriage pod` as its README
 * says: the first finding names one of the expected causes in at least 60 of 63.
 */
const cases = readCases();
const REQUIRED = 60;

describe.skipIf(cases.length === 0)("real pod cases, as pasted", () => {
  it(`the first finding is right in at least ${REQUIRED} of ${cases.length}`, async () => {
    const misses: string[] = [];
    for (const testCase of cases) {
      const got = await firstCategory(testCase);
      if (!testCase.expected.includes(got.category)) misses.push(`${testCase.id}: expected ${testCase.expected.join("|")}, got ${got.category} (${got.summary.slice(0, 120)})`);
    }
    if (misses.length) console.log(`pod cases missed (${misses.length}):\n  ${misses.join("\n  ")}`);
    expect(cases.length - misses.length).toBeGreaterThanOrEqual(Math.min(REQUIRED, cases.length));
  }, 120_000);

  it("no command names a made-up pod: an unnamed pod is <pod>", async () => {
    for (const testCase of cases) {
      const got = await firstCategory(testCase);
      for (const command of got.commands) expect(command, testCase.id).not.toMatch(/\bunknown\b(?! *#)/);
    }
  }, 120_000);
});
