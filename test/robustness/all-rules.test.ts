import { runRules } from "../../src/engine/engine.js";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { buildLintInput } from "../../src/sources/lint-input.js";
import type { KubeObject } from "../../src/model/kube.js";
import { allRules } from "../../src/rules/index.js";
import { ViewBuilder } from "../../src/view/builder.js";
import { viewFromPaths } from "../../src/sources/load-view.js";

/**
 * Real objects with fields of the wrong type (what a hand-edited manifest or
 * a buggy controller produces) must never make a rule throw: the engine would
 * report the rule as failed and analyse less. The lab's objects, events and
 * logs are mutated with a fixed seed: values replaced by null, strings,
 * numbers, empty lists and mappings.
 */
const junk: unknown[] = [null, "x", 5, [], {}, [null], true];

function mutator(seed: number, rate: number): (value: unknown) => unknown {
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const mutate = (value: unknown): unknown => {
    if (value === null || typeof value !== "object") return value;
    const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...(value as Record<string, unknown>) };
    for (const key of Object.keys(copy)) {
      if (key === "kind" || key === "apiVersion") continue;
      copy[key] = random() < rate ? junk[Math.floor(random() * junk.length)] : mutate(copy[key]);
    }
    return copy;
  };
  return mutate;
}

const allIds = allRules.map((rule) => rule.id);

function failuresOn(objects: KubeObject[], rounds: number, rate: number, mode: "offline" | "lint", extra?: (builder: ViewBuilder) => void, now?: Date): string[] {
  const mutate = mutator(20261122, rate);
  const failures = new Set<string>();
  for (let round = 0; round < rounds; round++) {
    const builder = new ViewBuilder();
    for (const object of objects) {
      const mutated = mutate(object) as KubeObject;
      if (!mutated.metadata || typeof mutated.metadata !== "object" || Array.isArray(mutated.metadata)) mutated.metadata = { name: "mutated" };
      builder.addObject(mutated, { file: "mutated.json", line: 1 });
    }
    extra?.(builder);
    const view = builder.build({ mode, now });
    // Through the engine, as every command runs them: the pod rules' causes are arbitrated there, and a rule that throws is one of the failures.
    for (const scope of ["diagnose", "lint"] as const) {
      try {
        for (const failure of runRules(allRules, view, { scope, enable: allIds }).failures) failures.add(`${failure.rule}: ${failure.message}`);
      } catch (error) {
        failures.add(`engine (${scope}): ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return [...failures];
}

/** Every rule runs over many mutated inputs here; what is checked is that none throws, not how long it takes. */
const MUTATION_ROUNDS_TIMEOUT_MS = 300_000;

describe("every rule on malformed objects", () => {
  const lab = viewFromPaths([resolve(__dirname, "../../examples/lab")]);
  const labObjects = lab.objects.map((loaded) => loaded.object);
  const withLabEvidence = (builder: ViewBuilder) => {
    for (const event of lab.events) builder.addEvent(event);
    for (const log of lab.logs) builder.addLog(log);
  };

  for (const mode of ["offline", "lint"] as const) {
    it(`no rule throws on 12 rounds of mutated lab objects (${mode})`, () => {
      expect(failuresOn(labObjects, 12, 0.12, mode, withLabEvidence, lab.now)).toEqual([]);
    }, MUTATION_ROUNDS_TIMEOUT_MS);
  }

  const peer = resolve(__dirname, "../../../shared/peer/istio-analyzers/testdata");
  it.skipIf(!existsSync(peer))("no rule throws on 40 rounds of mutated objects from Istio's analyzer suite", () => {
    const { view } = buildLintInput({ paths: [peer] });
    expect(failuresOn(view.objects.map((loaded) => loaded.object), 40, 0.15, "lint")).toEqual([]);
  }, MUTATION_ROUNDS_TIMEOUT_MS);
});
