import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { LineCounter, isMap, isSeq, parseDocument, type Node } from "yaml";
import { parseKubeDocuments } from "../../src/sources/kube-documents.js";
import { JsonLines } from "../../src/sources/json-lines.js";

/** The line a positional YAML parse gives for a path: key of a mapping entry, start of an array item, else the deepest existing parent. */
function yamlLine(text: string, path: ReadonlyArray<string | number>): number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  for (let depth = path.length; depth >= 0; depth--) {
    const part = path.slice(0, depth);
    let offset: number | undefined;
    if (part.length > 0) {
      const parent = doc.getIn(part.slice(0, -1), true) as Node | undefined;
      const last = part[part.length - 1];
      if (parent && isMap(parent)) offset = (parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === last)?.key as Node | undefined)?.range?.[0];
      else if (parent && isSeq(parent) && typeof last === "number") offset = (parent.items[last] as Node | undefined)?.range?.[0];
    }
    offset ??= (doc.getIn(part, true) as Node | undefined)?.range?.[0];
    if (offset !== undefined) return lineCounter.linePos(offset).line;
  }
  return undefined;
}

describe("field lines in JSON inputs", () => {
  const lab = resolve(__dirname, "../../examples/lab/namespaces");
  const paths: Array<Array<string | number>> = [
    [],
    ["metadata", "name"],
    ["spec", "containers", 0, "image"],
    ["spec", "containers", 0, "livenessProbe", "initialDelaySeconds"],
    ["status", "containerStatuses", 0, "lastState", "terminated", "reason"],
    ["spec", "containers", 0, "resources", "limits", "memory"],
    ["spec", "absent", "field"],
    ["spec", "containers", 7],
  ];

  it("are the lines a positional parse gives, for every object of kubectl List files", () => {
    let compared = 0;
    for (const namespace of ["lab-oom", "lab-liveness-slow", "lab-mesh-ports", "shop"]) {
      for (const file of ["pods.json", "deployments.json", "events.json"]) {
        const text = readFileSync(join(lab, namespace, file), "utf8");
        const parsed = parseKubeDocuments(text, file);
        expect(parsed.problems).toEqual([]);
        parsed.objects.forEach((object, index) => {
          expect(object.origin.line).toBe(yamlLine(text, ["items", index]));
          for (const path of paths) {
            expect(object.locate!(path), `${file} #${index} ${path.join(".")}`).toBe(yamlLine(text, ["items", index, ...path]));
            compared++;
          }
        });
      }
    }
    expect(compared).toBeGreaterThan(200);
  });

  it("finds List items however the List is laid out: pretty-printed, compact, mixed, or misindented", () => {
    const pods = JSON.parse(readFileSync(join(lab, "shop", "pods.json"), "utf8")).items as unknown[];
    const list = (items: unknown[]) => ({ apiVersion: "v1", kind: "List", items, metadata: { resourceVersion: "" } });
    const pretty = JSON.stringify(list(pods), null, 4);
    const lines = pretty.split("\n");
    const itemStarts = lines.flatMap((line, index) => (line === "        {" ? [index] : []));
    const layouts: Record<string, string> = {
      "4-space (kubectl)": pretty,
      "2-space (jq)": JSON.stringify(list(pods), null, 2),
      compact: JSON.stringify(list(pods)),
      "one item on one line": JSON.stringify(list(pods), null, 4).replace(JSON.stringify(pods[1], null, 4).replace(/\n/g, "\n        "), JSON.stringify(pods[1])),
      "an item's first line indented differently": lines.map((line, index) => (index === itemStarts[1] ? `      ${line.trimStart()}` : line)).join("\n"),
    };
    for (const [layout, text] of Object.entries(layouts)) {
      const parsed = parseKubeDocuments(text, "pods.json");
      parsed.objects.forEach((object, index) => {
        expect(object.origin.line, `${layout} #${index}`).toBe(yamlLine(text, ["items", index]));
        expect(object.locate!(["status", "containerStatuses", 0, "lastState"]), `${layout} #${index}`).toBe(yamlLine(text, ["items", index, "status", "containerStatuses", 0, "lastState"]));
      });
    }
  });

  it("handles escaped keys, nested arrays and a single object", () => {
    const text = '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "x", "annotations": {"a\\"b": "1"}},\n  "data": {\n    "list": "[1, [2, 3]]",\n    "key": "v"\n  }\n}\n';
    const [object] = parseKubeDocuments(text, "cm.json").objects;
    expect(object!.origin.line).toBe(1);
    expect(object!.locate!(["data", "key"])).toBe(7);
    expect(object!.locate!(["metadata", "annotations", 'a"b'])).toBe(4);
    expect(object!.locate!(["data", "missing"])).toBe(5);
  });

  it("leaves invalid JSON to the positional parser, which names the line", () => {
    const text = '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "x"\n';
    const parsed = parseKubeDocuments(text, "broken.json");
    expect(parsed.objects).toEqual([]);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]!.message).toMatch(/invalid JSON/);
  });
});

describe("line of an offset", () => {
  it("is the count of newlines before it plus one, whatever the order of lookups", () => {
    const text = Array.from({ length: 3000 }, (_, i) => `${"x".repeat(i % 97)}${i % 5 === 0 ? "\n\n" : "\n"}`).join("");
    const lines = new JsonLines(text);
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const offsets = [text.length - 1, 0, 1, text.length >> 1, ...Array.from({ length: 400 }, () => next() % text.length)];
    for (const offset of offsets) expect(lines.lineOf(offset)).toBe(text.slice(0, offset).split("\n").length);
  });
});
