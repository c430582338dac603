import { describe, expect, it } from "vitest";
import { allRules } from "../../src/rules/index.js";
import { everyRule, RULE_FAMILIES, rulesFor } from "../../src/rules/registry.js";

/** The registry a command loads its scope's rules from must agree with the rules themselves. */
describe("rule registry", () => {
  it("its families, in order, are every rule in the engine's order", async () => {
    const families = await Promise.all(RULE_FAMILIES.map((family) => family.load()));
    expect(families.flat().map((rule) => rule.id)).toEqual(allRules.map((rule) => rule.id));
    expect(await everyRule()).toBe(allRules);
  });

  it("declares for each family every scope one of its rules runs in, and no other", async () => {
    for (const family of RULE_FAMILIES) {
      const scopes = new Set((await family.load()).flatMap((rule) => rule.scopes));
      expect([...scopes].sort(), family.family).toEqual([...family.scopes].sort());
    }
  });

  it.each(["lint", "diagnose"] as const)("loads for %s every rule of that scope, in the engine's order", async (scope) => {
    const loaded = await rulesFor(scope);
    const inScope = (rules: readonly { id: string; scopes: readonly string[] }[]) => rules.filter((rule) => rule.scopes.includes(scope)).map((rule) => rule.id);
    expect(inScope(loaded)).toEqual(inScope(allRules));
    // Rules of the scope come in the order of allRules, so a run over them is the same run.
    const order = allRules.map((rule) => rule.id);
    expect(loaded.map((rule) => order.indexOf(rule.id))).toEqual([...loaded.map((rule) => order.indexOf(rule.id))].sort((a, b) => a - b));
  });

  it("leaves the pod and Envoy rules out of lint", async () => {
    const ids = (await rulesFor("lint")).map((rule) => rule.id);
    expect(ids.some((id) => id.startsWith("pod/") || id.startsWith("envoy/"))).toBe(false);
    expect(ids.some((id) => id.startsWith("istio/"))).toBe(true);
  });
});
