import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** No source file over 600 lines: a larger one splits by concept, a data catalog by runtime or layer. */
const MAX_LINES = 600;

/** Files still over it (file -> why); the list may only shrink. */
const NOT_YET_SPLIT = new Set<string>([
]);

const src = resolve(import.meta.dirname, "../src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith(".ts") ? [path] : [];
  });
}

/** Lines as `wc -l` counts them, with a last line that lacks its newline counted too. */
function lineCount(text: string): number {
  if (text === "") return 0;
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

describe("source file size", () => {
  it("counts lines as wc -l does", () => {
    expect(lineCount("")).toBe(0);
    expect(lineCount("a\n")).toBe(1);
    expect(lineCount("a\nb")).toBe(2);
    expect(lineCount("a\n".repeat(MAX_LINES + 1))).toBe(MAX_LINES + 1);
  });

  it(`no file under src/ is over ${MAX_LINES} lines`, () => {
    const sources = files(src);
    expect(sources.length).toBeGreaterThan(100);
    const over = sources.map((file) => ({ file: relative(src, file), lines: lineCount(readFileSync(file, "utf8")) })).filter(({ lines }) => lines > MAX_LINES);
    expect(over.filter(({ file }) => !NOT_YET_SPLIT.has(file)).map(({ file, lines }) => `${file}: ${lines} lines`)).toEqual([]);
  });

  it("the list of files not yet split only shrinks", () => {
    const over = new Set(files(src).filter((file) => lineCount(readFileSync(file, "utf8")) > MAX_LINES).map((file) => relative(src, file)));
    expect([...NOT_YET_SPLIT].filter((file) => !over.has(file))).toEqual([]);
  });
});
