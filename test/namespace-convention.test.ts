import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * An object without a namespace has `metadata.namespace` undefined; the namespace it is applied to
 * comes from `appliedNamespace` (src/model/namespace.ts), not from `?? "default"` spelled again.
 */
const SPELLS_DEFAULT_NAMESPACE = /namespace\)?\s*\?\?\s*"default"/;

/** Files that still spell it themselves; the list may only shrink. */
const NOT_YET_CONVERTED = new Set<string>([]);

const src = resolve(import.meta.dirname, "../src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith(".ts") ? [path] : [];
  });
}

describe("one convention for objects without a namespace", () => {
  const spelling = files(src)
    .filter((file) => SPELLS_DEFAULT_NAMESPACE.test(readFileSync(file, "utf8")))
    .map((file) => relative(src, file));

  it("no file spells the default namespace itself", () => {
    expect(spelling.filter((file) => !NOT_YET_CONVERTED.has(file))).toEqual([]);
  });

  it("the list of files not yet converted only shrinks", () => {
    expect([...NOT_YET_CONVERTED].filter((file) => !spelling.includes(file))).toEqual([]);
  });
});
