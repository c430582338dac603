import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { runRules } from "../src/engine/engine.js";
import type { Finding } from "../src/model/finding.js";
import { allRules } from "../src/rules/index.js";
import { viewFromPaths } from "../src/sources/load-view.js";

const lab = resolve(__dirname, "../examples/lab");
const expectedFile = resolve(lab, "expected.tsv");

interface Row {
  scenario: string;
  kind: string;
  namespace: string;
  name: string;
  container: string;
  category: string;
}

function readRows(): Row[] {
  if (!existsSync(expectedFile)) return [];
  return readFileSync(expectedFile, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#") && !line.startsWith("scenario\t"))
    .map((line) => {
      const [scenario, kind, namespace, name, container, category] = line.split("\t");
      return { scenario: scenario!, kind: kind!, namespace: namespace!, name: name!, container: container ?? "", category: category ?? "" };
    });
}

const rows = readRows();
const covered = new Set(allRules.map((rule) => rule.category as string));

describe("the bundled lab", () => {
  const view = viewFromPaths([lab]);
  const { findings } = runRules(allRules, view, { scope: "diagnose" });
  const about = (row: Row): Finding[] =>
    findings.filter((f) => f.resource.kind === row.kind && (f.resource.namespace ?? "") === row.namespace && f.resource.name === row.name && (!row.container || !f.resource.container || f.resource.container === row.container));

  it("loads without a single input problem", () => {
    expect(view.inputs.problems).toEqual([]);
    expect(rows.length).toBeGreaterThan(20);
  });

  for (const row of rows) {
    if (row.category === "none") {
      it(`healthy ${row.kind} ${row.namespace}/${row.name}: no error finding`, () => {
        expect(about(row).filter((f) => f.severity === "error").map((f) => `${f.rule}: ${f.summary}`)).toEqual([]);
      });
    } else if (covered.has(row.category)) {
      it(`${row.scenario}: ${row.kind} ${row.namespace}/${row.name} is diagnosed as ${row.category}`, () => {
        const first = about(row)[0];
        expect(first?.category, `findings: ${JSON.stringify(about(row).map((f) => [f.rule, f.category]))}`).toBe(row.category);
      });
    } else {
      it.skip(`${row.scenario}: no rule reports ${row.category} yet`, () => {});
    }
  }
});
