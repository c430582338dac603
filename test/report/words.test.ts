import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { allRules } from "../../src/rules/index.js";

const INTERNAL = /seed 0\d\d|seed's|seed_ref|seed00\d|runbook/i;
const root = resolve(__dirname, "../..");

function sources(dir: string, extensions = [".ts"]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path, extensions) : extensions.some((extension) => path.endsWith(extension)) ? [path] : [];
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
    const offenders = sources(resolve(root, "src")).filter((path) => INTERNAL.test(readFileSync(path, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("tests, docs, benchmarks, scripts and the lab do not mention internal notes", () => {
    const texts = [".ts", ".mjs", ".md", ".tsv", ".json", ".yaml"];
    const files = [
      ...["test", "docs", "bench", "scripts", "examples/lab-generator"].flatMap((dir) => sources(resolve(root, dir), texts)),
      resolve(root, "examples/lab/expected.tsv"),
      resolve(root, "README.md"),
    ].filter((path) => path !== __filename);
    expect(files.length).toBeGreaterThan(300);
    const offenders = files.filter((path) => INTERNAL.test(readFileSync(path, "utf8")));
    expect(offenders).toEqual([]);
  });
});
