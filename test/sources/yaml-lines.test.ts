import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LineCounter, parseAllDocuments, isMap, isSeq, type Document, type Node } from "yaml";
import { BlockYamlLines } from "../../src/sources/yaml-lines.js";

/** Every leaf and inner path of a value. */
function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(value)) value.forEach((item, index) => (out.push([...prefix, index]), pathsOf(item, [...prefix, index], out)));
  else if (value && typeof value === "object") for (const [key, item] of Object.entries(value)) (out.push([...prefix, key]), pathsOf(item, [...prefix, key], out));
  return out;
}

/** The positional parser's answer: the line of the key of a mapping entry, or of a list item. */
function parserLine(doc: Document.Parsed, counter: LineCounter, path: (string | number)[]): number | undefined {
  const parent = doc.getIn(path.slice(0, -1), true) as Node | undefined;
  const last = path[path.length - 1];
  let offset: number | undefined;
  if (parent && isMap(parent)) offset = (parent.items.find((pair) => (pair.key as { value?: unknown } | null)?.value === last)?.key as Node | undefined)?.range?.[0];
  if (parent && isSeq(parent) && typeof last === "number") offset = (parent.items[last] as Node | undefined)?.range?.[0];
  return offset === undefined ? undefined : counter.linePos(offset).line;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? yamlFiles(full) : /\.ya?ml$/.test(name) ? [full] : [];
  });
}

describe("field lines by indentation", () => {
  const files = [...yamlFiles(resolve(__dirname, "../../examples/manifests")), ...yamlFiles(resolve(__dirname, "../../../shared/peer/istio-analyzers/testdata"))];

  it("agree with the YAML parser wherever they answer, on real manifests", () => {
    let answered = 0;
    let asked = 0;
    const disagreements: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const counter = new LineCounter();
      for (const doc of parseAllDocuments(text, { lineCounter: counter }) as Document.Parsed[]) {
        if (doc.errors.length > 0 || !doc.contents) continue;
        const start = doc.range[0];
        const firstLine = counter.linePos(start).line;
        const docText = text.slice(start, doc.range[2]);
        const lines = new BlockYamlLines(docText, firstLine);
        for (const path of pathsOf(doc.toJS())) {
          asked++;
          const fast = lines.lineOf(path);
          if (fast === undefined) continue;
          answered++;
          const exact = parserLine(doc, counter, path);
          if (fast !== exact) disagreements.push(`${file}:${path.join(".")} fast ${fast} parser ${exact}`);
        }
      }
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
    expect(answered / asked).toBeGreaterThan(0.8);
  });
});
