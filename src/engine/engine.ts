import type { Finding, SkippedRule } from "../model/finding.js";
import { SEVERITY_ORDER } from "../model/finding.js";
import { redact } from "../util/redact.js";
import type { ClusterView } from "../view/cluster-view.js";
import { rankAndFold } from "./ranking.js";
import type { Rule, RuleScope } from "./rule.js";

export interface EngineResult {
  findings: Finding[];
  skipped: SkippedRule[];
  /** Rules that threw: reported as input problems, never as a stack trace. */
  failures: { rule: string; message: string }[];
}

export interface RunOptions {
  scope: RuleScope;
  /** Only these rule ids (or id prefixes like `istio/`). */
  only?: string[];
  /** Report only findings about this resource. */
  focus?: { kind: string; namespace?: string; name: string };
}

/** Runs every rule whose inputs are present, then ranks findings per resource. */
export function runRules(rules: readonly Rule[], view: ClusterView, options: RunOptions): EngineResult {
  const findings: Finding[] = [];
  const skipped: SkippedRule[] = [];
  const failures: EngineResult["failures"] = [];
  const fallbackRules = new Set(rules.filter((rule) => rule.fallback).map((rule) => rule.id));

  for (const rule of rules) {
    if (!rule.scopes.includes(options.scope)) continue;
    if (options.only && !options.only.some((id) => rule.id === id || rule.id.startsWith(id))) continue;
    const required = rule.requires ?? rule.inputs.slice(0, 1);
    const absent = required.filter((input) => !view.has(input));
    if (absent.length > 0) {
      skipped.push({ rule: rule.id, reason: `no ${absent.join(", ")} in the inputs` });
      continue;
    }
    try {
      for (const finding of rule.analyze(view)) {
        if (!view.inScope(finding.resource.namespace) && finding.resource.kind !== "Namespace") continue;
        if (options.focus && !matchesFocus(finding, options.focus)) continue;
        findings.push(clean(finding));
      }
    } catch (error) {
      failures.push({ rule: rule.id, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { findings: rankAndFold(findings, fallbackRules), skipped, failures };
}

function matchesFocus(finding: Finding, focus: NonNullable<RunOptions["focus"]>): boolean {
  const resource = finding.resource;
  return resource.kind === focus.kind && resource.name === focus.name && (focus.namespace === undefined || resource.namespace === focus.namespace);
}

function clean(finding: Finding): Finding {
  return {
    ...finding,
    confidence: Math.max(0, Math.min(1, Math.round(finding.confidence * 100) / 100)),
    evidence: finding.evidence.map((item) => ({ ...item, text: redact(item.text) })),
  };
}

export function highestSeverity(findings: readonly Finding[]): number {
  return findings.reduce((max, finding) => Math.max(max, SEVERITY_ORDER[finding.severity]), 0);
}
