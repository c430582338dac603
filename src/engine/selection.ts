import type { RunOptions } from "./engine.js";
import type { Finding } from "../model/finding.js";
import type { Rule } from "../contract/rule.js";
import { parseSuppressRule } from "./suppress.js";

/** A rule id, prefix or suppression that names nothing; the message says what was expected. */
export class RuleSelectionError extends Error {}

export interface RuleSelection {
  /** Only these rule ids or id prefixes (`istio/`). */
  rule?: readonly string[];
  /** Opt-in rules to run as well. */
  enable?: readonly string[];
  /** `CODE=Kind name.namespace`, as istioctl's --suppress. */
  suppress?: readonly string[];
}

/** `--rule`, `--enable` and `--suppress` as engine options; anything that names no rule throws RuleSelectionError. */
export function selectRules(selection: RuleSelection, rules: readonly Rule[]): Pick<RunOptions, "only" | "enable" | "suppress"> {
  const only = [...(selection.rule ?? [])];
  const enable = [...(selection.enable ?? [])];
  for (const id of only) {
    if (!rules.some((rule) => rule.id === id || rule.id.startsWith(id))) throw new RuleSelectionError(`--rule ${id}: no rule has this id or prefix (ktriage rules lists them)`);
  }
  for (const id of enable) {
    const rule = rules.find((candidate) => candidate.id === id);
    if (!rule) throw new RuleSelectionError(`--enable ${id}: no such rule (ktriage rules lists them)`);
    if (!rule.optIn) throw new RuleSelectionError(`--enable ${id}: this rule runs by default; --enable is for opt-in rules`);
  }
  const suppress = (selection.suppress ?? []).map((value) => {
    const rule = parseSuppressRule(value);
    if (!rule) throw new RuleSelectionError(`--suppress ${value}: expected CODE=Kind name.namespace (CODE an IST code or a rule id), for example "IST0102=Namespace frod" or "manifest/cpu-unset=Deployment *.batch"`);
    if (!rule.code.startsWith("IST") && !rules.some((candidate) => candidate.id === rule.code)) throw new RuleSelectionError(`--suppress ${value}: no rule ${rule.code} (ktriage rules lists them)`);
    return rule;
  });
  return { ...(only.length > 0 ? { only } : {}), ...(enable.length > 0 ? { enable } : {}), ...(suppress.length > 0 ? { suppress } : {}) };
}

/** What reporters say about the rules behind these findings: title, documentation, other tools' codes. */
export function describeRules(findings: readonly Finding[], rules: readonly Rule[]): Pick<Rule, "id" | "title" | "category" | "severity" | "docs" | "equivalents" | "fallback">[] {
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  return [...new Set(findings.map((finding) => finding.rule))].flatMap((id) => {
    const rule = byId.get(id);
    return rule ? [{ id: rule.id, title: rule.title, category: rule.category, severity: rule.severity, docs: rule.docs, equivalents: rule.equivalents, ...(rule.fallback ? { fallback: true } : {}) }] : [];
  });
}
