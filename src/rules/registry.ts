import type { Rule, RuleScope } from "../contract/rule.js";

/**
 * The rule families in the order the engine runs them (the order of `allRules` in ./index.ts), each
 * with the scopes its rules run in. A command loads only the families of its scope: `lint` never
 * loads (or sets up) the pod and Envoy rules, which only diagnose observed state.
 * test/rules/registry.test.ts checks the table against the rules themselves.
 */
export const RULE_FAMILIES: ReadonlyArray<{ family: string; scopes: readonly RuleScope[]; load: () => Promise<readonly Rule[]> }> = [
  { family: "pod", scopes: ["diagnose"], load: async () => (await import("./pod/index.js")).podRules },
  { family: "sidecar", scopes: ["diagnose", "lint"], load: async () => (await import("./sidecar/index.js")).sidecarRules },
  { family: "istio", scopes: ["diagnose", "lint"], load: async () => (await import("./istio/index.js")).istioRules },
  { family: "envoy", scopes: ["diagnose"], load: async () => (await import("./envoy/index.js")).envoyRules },
  { family: "manifest", scopes: ["diagnose", "lint"], load: async () => (await import("./manifest/index.js")).manifestRules },
];

/** The rules that can run in `scope`, in the engine's order (with rules of other scopes left out, the same run as with every rule). */
export async function rulesFor(scope: RuleScope): Promise<readonly Rule[]> {
  const families = await Promise.all(RULE_FAMILIES.filter((family) => family.scopes.includes(scope)).map((family) => family.load()));
  return families.flat();
}

/** Every rule, as `allRules` (for commands that list, explain or complete rule ids, and for naming rules of another scope). */
export async function everyRule(): Promise<readonly Rule[]> {
  return (await import("./index.js")).allRules;
}
