import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { buildLintInput } from "../../../src/istio/lint-input.js";
import type { KubeObject } from "../../../src/model/kube.js";
import { istioRules } from "../../../src/rules/istio/index.js";
import { ViewBuilder } from "../../../src/view/builder.js";

/**
 * Fields of the wrong type must never make an istio rule throw (the engine
 * would report the rule as failed and analyse less). Objects from Istio's
 * analyzer suite are mutated with a fixed seed: values replaced by null,
 * strings, numbers, empty lists and mappings.
 */
const testdata = resolve(import.meta.dirname, "../../../../shared/peer/istio-analyzers/testdata");

describe.skipIf(!existsSync(testdata))("istio rules on malformed objects", () => {
  it("no rule throws on 40 rounds of mutated objects", () => {
    const { view: base } = buildLintInput({ paths: [testdata] });
    const objects = base.objects.map((loaded) => loaded.object);
    let seed = 20261122;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const junk: unknown[] = [null, "x", 5, [], {}, [null], true];
    const mutate = (value: unknown): unknown => {
      if (value === null || typeof value !== "object") return value;
      const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...(value as Record<string, unknown>) };
      for (const key of Object.keys(copy)) {
        if (key === "kind" || key === "apiVersion") continue;
        copy[key] = random() < 0.15 ? junk[Math.floor(random() * junk.length)] : mutate(copy[key]);
      }
      return copy;
    };
    const failures: string[] = [];
    for (let round = 0; round < 40; round++) {
      const builder = new ViewBuilder();
      for (const object of objects) {
        const mutated = mutate(object) as KubeObject;
        if (!mutated.metadata || typeof mutated.metadata !== "object" || Array.isArray(mutated.metadata)) mutated.metadata = { name: "mutated" };
        builder.addObject(mutated, { file: "mutated.yaml", line: 1 });
      }
      const view = builder.build({ mode: "lint" });
      for (const rule of istioRules) {
        try {
          rule.analyze(view);
        } catch (error) {
          failures.push(`${rule.id} (round ${round}): ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
