import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { allRules } from "../../../src/rules/index.js";

/**
 * Kiali's validation codes (../shared/reference/kiali-codes.tsv, from Kiali's checkers): every one is
 * given by a rule, no rule claims a code Kiali does not have, and a rule test expects each of them.
 */
const repoRoot = resolve(import.meta.dirname, "../../..");
const codesFile = resolve(repoRoot, "../shared/reference/kiali-codes.tsv");
const available = existsSync(codesFile);

function kialiCodes(): string[] {
  return readFileSync(codesFile, "utf8")
    .split("\n")
    .slice(1)
    .filter((line) => line.trim())
    .map((line) => line.split("\t")[0]!);
}

/** The KIA codes the rule tests expect, as string literals in test/rules. */
function expectedByTests(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".test.ts") && entry.name !== "kiali-codes.test.ts") for (const match of readFileSync(path, "utf8").matchAll(/"(KIA\d{4})"/g)) found.add(match[1]!);
    }
  };
  walk(resolve(repoRoot, "test/rules"));
  return found;
}

describe.skipIf(!available)("Kiali's validation codes", () => {
  const codes = available ? kialiCodes() : [];
  const declared = new Set(allRules.flatMap((rule) => rule.equivalents.filter((code) => code.startsWith("KIA"))));
  it("reads the 72 codes of the reference", () => {
    expect(codes).toHaveLength(72);
  });
  it("every code is given by a rule", () => {
    expect(codes.filter((code) => !declared.has(code))).toEqual([]);
  });
  it("no rule claims a code Kiali does not have", () => {
    expect([...declared].filter((code) => !codes.includes(code))).toEqual([]);
  });
  it("a rule test expects every code", () => {
    const tested = expectedByTests();
    expect(codes.filter((code) => !tested.has(code))).toEqual([]);
  });
});
