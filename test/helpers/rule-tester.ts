import { describe, expect, it } from "vitest";
import { runRules } from "../../src/engine/engine.js";
import type { Rule, RuleScope } from "../../src/contract/rule.js";
import type { Finding } from "../../src/model/finding.js";
import { ViewBuilder } from "../../src/view/builder.js";
import type { ClusterView } from "../../src/view/cluster-view.js";
import { loadText } from "../../src/sources/files.js";
import { podRules } from "../../src/rules/pod/index.js";

/**
 * One case: named input texts (file name -> content, typed by content as the
 * CLI would), optionally logs attached to a pod/container, and the reference time.
 */
export interface RuleCase {
  name: string;
  files: Record<string, string>;
  logs?: Array<{ namespace?: string; pod: string; container: string; previous?: boolean; text: string }>;
  now?: string;
  mode?: "live" | "offline" | "lint";
}

/** What an invalid case must produce: every listed field must match the finding at `index` (default 0). */
export interface ExpectedFinding {
  index?: number;
  category?: Finding["category"];
  severity?: Finding["severity"];
  resource?: Partial<Finding["resource"]>;
  summary?: RegExp | string;
  evidence?: Array<RegExp | string>;
  fixIncludes?: Array<RegExp | string>;
  equivalents?: string[];
  count?: number;
}

export interface InvalidCase extends RuleCase {
  expect: ExpectedFinding | ExpectedFinding[];
}

export function buildView(testCase: RuleCase): ClusterView {
  const builder = new ViewBuilder();
  for (const [name, text] of Object.entries(testCase.files)) {
    builder.addSource(name);
    loadText(text, name, name, builder);
  }
  for (const log of testCase.logs ?? []) {
    const lines = log.text.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    builder.addLog({
      namespace: log.namespace ?? "default",
      pod: log.pod,
      container: log.container,
      previous: log.previous ?? false,
      origin: { file: `logs/${log.namespace ?? "default"}/${log.pod}/${log.container}${log.previous ? ".previous" : ""}.log`, line: 1 },
      firstLine: 1,
      lines,
    });
  }
  return builder.build({ mode: testCase.mode ?? "offline", now: testCase.now ? new Date(testCase.now) : undefined });
}

/**
 * Where competitors are found: the pod rules hold every rule that joins a competition today (the rule
 * contract test checks it), and importing them alone keeps every other rule's test light.
 */
const COMPETING_RULES: readonly Rule[] = podRules;

/**
 * The rules a rule runs with: a cause rule (or one that reads the causes after them) with every rule of its
 * competition, in the registry's order, so the arbitration is the one the CLI makes; any other rule alone.
 */
export function withCompetitors(rule: Rule): Rule[] {
  const competition = rule.detection?.competition ?? rule.after;
  if (!competition) return [rule];
  const rules = COMPETING_RULES.filter((other) => other === rule || other.detection?.competition === competition);
  return rules.includes(rule) ? rules : [rule, ...rules];
}

/** Runs one rule over a case, as the engine would: only its findings, its causes arbitrated against its competitors'. */
export function runRule(rule: Rule, testCase: RuleCase, scope?: RuleScope): Finding[] {
  const view = buildView(testCase);
  const result = runRules(withCompetitors(rule), view, { scope: scope ?? rule.scopes[0]!, enable: [rule.id], only: [rule.id] });
  if (result.failures.length > 0) throw new Error(`rule ${rule.id} threw: ${result.failures[0]!.message}`);
  return result.findings;
}

function matches(value: string, pattern: RegExp | string): boolean {
  return typeof pattern === "string" ? value.includes(pattern) : pattern.test(value);
}

/** ESLint-style tables: `valid` cases produce no finding, `invalid` cases produce the expected ones. */
export function testRule(rule: Rule, tables: { valid: RuleCase[]; invalid: InvalidCase[]; scope?: RuleScope }): void {
  describe(rule.id, () => {
    it("has complete metadata", () => {
      expect(rule.id).toMatch(/^[a-z]+\/[a-z0-9-]+$/);
      expect(rule.title.length).toBeGreaterThan(5);
      expect(rule.docs.cause.length).toBeGreaterThan(10);
      expect(rule.docs.fix.length).toBeGreaterThan(10);
      expect(rule.docs.verify.length).toBeGreaterThan(0);
    });
    for (const testCase of tables.valid) {
      it(`valid: ${testCase.name}`, () => {
        expect(runRule(rule, testCase, tables.scope)).toEqual([]);
      });
    }
    for (const testCase of tables.invalid) {
      it(`invalid: ${testCase.name}`, () => {
        const findings = runRule(rule, testCase, tables.scope);
        const expectations = Array.isArray(testCase.expect) ? testCase.expect : [testCase.expect];
        expect(findings.length).toBeGreaterThan(0);
        for (const expected of expectations) {
          if (expected.count !== undefined) expect(findings).toHaveLength(expected.count);
          const finding = findings[expected.index ?? 0]!;
          expect(finding, `finding #${expected.index ?? 0}`).toBeDefined();
          expect(finding.rule).toBe(rule.id);
          if (expected.category) expect(finding.category).toBe(expected.category);
          if (expected.severity) expect(finding.severity).toBe(expected.severity);
          if (expected.resource) expect(finding.resource).toMatchObject(expected.resource);
          if (expected.summary) expect(matches(finding.summary, expected.summary), `summary "${finding.summary}"`).toBe(true);
          for (const pattern of expected.evidence ?? []) {
            expect(finding.evidence.some((e) => matches(e.text, pattern)), `evidence ${pattern} in ${JSON.stringify(finding.evidence.map((e) => e.text))}`).toBe(true);
          }
          const fixText = finding.fix ? [finding.fix.description, finding.fix.yaml?.after ?? "", finding.fix.patch ?? "", finding.fix.change?.patch ?? "", ...finding.fix.commands].join("\n") : "";
          for (const pattern of expected.fixIncludes ?? []) {
            expect(matches(fixText, pattern), `fix ${pattern} in ${fixText}`).toBe(true);
          }
          for (const code of expected.equivalents ?? []) expect(finding.equivalents).toContain(code);
          expect(finding.confidence).toBeGreaterThan(0);
          expect(finding.confidence).toBeLessThanOrEqual(1);
        }
      });
    }
  });
}
