import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { allRules } from "../../src/rules/index.js";

const INTERNAL = /seed 0\d\d|runbook/i;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("words for users", () => {
  it("rule text cites public documentation, never internal notes", () => {
    for (const rule of allRules) {
      const text = [rule.title, rule.docs.cause, rule.docs.fix, ...rule.docs.verify, ...rule.docs.references].join("\n");
      expect(text, rule.id).not.toMatch(INTERNAL);
      for (const reference of rule.docs.references) expect(reference, rule.id).toMatch(/^https:\/\//);
    }
  });

  it("no source file mentions internal notes", () => {
    const offenders = sources(resolve(__dirname, "../../src")).filter((path) => INTERNAL.test(readFileSync(path, "utf8")));
    expect(offenders).toEqual([]);
  });
});
