import type { Finding, SkippedRule } from "../model/finding.js";
import { SEVERITY_ORDER } from "../model/finding.js";
import { templateOwnerOf } from "../k8s/workloads.js";
import { redact, redactDeep } from "../util/redact.js";
import { UndeclaredInputError, type ClusterView, type InputKind } from "../view/cluster-view.js";
import { arbiterOf, competitionsOf, type Arbiter } from "./arbitration.js";
import { buildFinding } from "./build-finding.js";
import { FixProver, type ChangedInputs, type ProofFigures, type ProofRunner } from "./fix-proof.js";
import { foldInto, rankAndFold } from "./ranking.js";
import { applySuppressions, type SuppressedFinding, type SuppressRule } from "./suppress.js";
import type { Competition, Rule, RuleScope } from "../contract/rule.js";

export interface EngineResult {
  findings: Finding[];
  skipped: SkippedRule[];
  /** Rules that threw: reported as input problems, never as a stack trace. */
  failures: { rule: string; message: string }[];
  /** Findings left out by the galley.istio.io/analyze-suppress annotation or --suppress. */
  suppressed: SuppressedFinding[];
  /** How many fixes the engine proved, kept as guidance, and dropped (their change made things worse or changed nothing). */
  fixes: ProofFigures;
  /** With `recordInputs`: the input kinds each rule that ran read. */
  inputsRead?: Map<string, ReadonlySet<InputKind>>;
  /** With `recordInputs`: the Kubernetes kinds each rule that ran read (`*`: every object), its competition's walk included. */
  kindsRead?: Map<string, ReadonlySet<string>>;
}

export interface RunOptions {
  scope: RuleScope;
  /** Only these rule ids (or id prefixes like `istio/`). */
  only?: string[];
  /** Opt-in rules to run as well (by id); `only` naming one by its full id enables it too. */
  enable?: string[];
  /** `--suppress CODE=Kind name.namespace` rules, as istioctl takes them. */
  suppress?: readonly SuppressRule[];
  /** Report only findings about this resource. */
  focus?: { kind: string; namespace?: string; name: string };
  /** Report (and prove) only the findings this accepts; fix proofs still see every finding. Watch mode keeps the objects a change touched. */
  keep?: (finding: Finding) => boolean;
  /** Record which input kinds each rule reads (the rule-contract test does). */
  recordInputs?: boolean;
  /**
   * Refuse a rule's read of an input it does not declare: the rule fails with an internal error.
   * On by default in tests and with KTRIAGE_STRICT_INPUTS=1; otherwise the read is only recorded.
   */
  refuseUndeclared?: boolean;
  /** Run the rules the view holds nothing for as well (see `hasNothingToRead`): the rule-contract test does, to check they report nothing. */
  runRulesWithNothingToRead?: boolean;
  /**
   * Objects of the view the command assumed and never reports on (lint's assumed ingress gateway), counted by
   * kind: a rule that would read only these (and no other input) reports only about them, so it is left out of
   * the run whose findings are reported (fix proofs, on parts of the view, still run it).
   */
  assumed?: ReadonlyMap<string, number>;
}

const REFUSE_BY_DEFAULT = ((env) => env?.VITEST !== undefined || env?.KTRIAGE_STRICT_INPUTS === "1")((globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env);

/** What one rule reports on a view, as Findings (unredacted, before scope, proof and ranking); a cause rule gets its share of its competition's outcome. Without `fixes`, findings carry no fix. */
export function analyzeRule(rule: Rule, view: ClusterView, causes?: readonly unknown[], fixes = true): Finding[] {
  const findings: Finding[] = [];
  rule.analyze({ view, report: (report) => findings.push(buildFinding(rule, view, report, fixes)), fixes, ...(causes ? { causes } : {}) });
  return findings;
}

/** Runs every rule whose inputs are present, proves every fix, then ranks findings per resource. */
export function runRules(rules: readonly Rule[], view: ClusterView, options: RunOptions): EngineResult {
  const producers = new Map<string, string>();
  const result = collect(rules, view, { ...options, recordInputs: true }, { redact: true, producers, fixes: true });
  const prover = new FixProver(view, proofRunner(rules, options, result.inputsRead!, result.kindsRead!, producers), result.findings);
  // The redaction boundary: after proving (the prover applies the real change), before anything reads the result.
  const proven = result.findings.map((finding) => redactDeep(prover.prove(finding)));
  const fallbackRules = new Set(rules.filter((rule) => rule.fallback).map((rule) => rule.id));
  const explains = new Map(rules.filter((rule) => rule.explains?.length).map((rule) => [rule.id, rule.explains!]));
  const { inputsRead, kindsRead, ...rest } = result;
  return { ...rest, ...(options.recordInputs ? { inputsRead, kindsRead } : {}), findings: foldWorkloadPredictions(view, rankAndFold(proven, fallbackRules, explains)), fixes: prover.figures };
}

/**
 * Re-runs for fix proofs: unredacted (only the prover reads them) and limited to the rules that can see a
 * change: those whose declared inputs, or the inputs they read on the whole view, include what changed, and
 * that read a Kubernetes kind the change makes different (declared in `reads`, or read on the whole view)
 * or read the events when they differ. A rule in a competition (or after one) depends on every input and
 * kind the competition's rules declare, since any of their detectors may decide its cause; a re-run still
 * arbitrates between all of them.
 */
function proofRunner(rules: readonly Rule[], options: RunOptions, inputsRead: ReadonlyMap<string, ReadonlySet<InputKind>>, kindsRead: ReadonlyMap<string, ReadonlySet<string>>, producers: ReadonlyMap<string, string>): ProofRunner {
  const arbiters = arbitersOf(rules);
  const dependencies = rules.filter((rule) => rule.scopes.includes(options.scope)).map((rule) => {
    const inputs = new Set<InputKind>([...rule.inputs, ...(rule.requires ?? []), ...(inputsRead.get(rule.id) ?? [])]);
    const kinds = new Set<string>([...declaredKinds(rule), ...(kindsRead.get(rule.id) ?? [])]);
    const competition = rule.detection?.competition ?? rule.after;
    if (competition) {
      for (const input of competitionInputs(arbiters.get(competition)!)) inputs.add(input);
      for (const kind of competitionKinds(arbiters.get(competition)!)) kinds.add(kind);
    }
    return { id: rule.id, inputs, kinds };
  });
  const sees = (rule: (typeof dependencies)[number], changed: ChangedInputs): boolean => {
    if (![...changed.inputs].some((input) => rule.inputs.has(input))) return false;
    if (changed.creates || rule.kinds.has("*")) return true;
    return [...changed.kinds].some((kind) => rule.kinds.has(kind)) || (changed.inputs.has("events") && rule.inputs.has("events"));
  };
  const onRecords = new Set(rules.filter((rule) => !rule.scopes.includes("lint") && [...declaredInputs(rule)].some((input) => RECORD_INPUTS.has(input))).map((rule) => rule.id));
  return {
    restsOnRecords: (ruleId) => onRecords.has(ruleId),
    run: (changed, only) => collect(rules, changed, { ...options, focus: undefined, keep: undefined, recordInputs: false, assumed: undefined }, { redact: false, fixes: false }, only).findings,
    rulesSeeing: (changed) => (changed ? new Set(dependencies.filter((rule) => sees(rule, changed)).map((rule) => rule.id)) : undefined),
    producerOf: (ruleId) => producers.get(ruleId) ?? ruleId,
    ruleCount: rules.filter((rule) => rule.scopes.includes(options.scope)).length,
  };
}

/** Inputs that record what happened (events, logs, access logs, proxies' sync status): a rule that declares one and runs on observed state only rests on records. */
const RECORD_INPUTS: ReadonlySet<InputKind> = new Set<InputKind>(["events", "logs", "access-logs", "proxy-status"]);

const arbitersByRules = new WeakMap<readonly Rule[], Map<Competition<unknown>, Arbiter>>();

/** Each competition these rules join, with the detectors of all of its rules in order: built once per rule list. */
function arbitersOf(rules: readonly Rule[]): Map<Competition<unknown>, Arbiter> {
  let arbiters = arbitersByRules.get(rules);
  if (!arbiters) {
    arbiters = new Map([...competitionsOf(rules)].map(([competition, { members, readers }]) => [competition, arbiterOf(competition, members, readers)]));
    arbitersByRules.set(rules, arbiters);
  }
  return arbiters;
}

const inputsByArbiter = new WeakMap<Arbiter, ReadonlySet<InputKind>>();

/** The union of what a competition's rules (and those that read its outcome) declare: all its walk may read. */
function competitionInputs(arbiter: Arbiter): ReadonlySet<InputKind> {
  let inputs = inputsByArbiter.get(arbiter);
  if (!inputs) inputsByArbiter.set(arbiter, (inputs = new Set([...arbiter.members, ...arbiter.readers].flatMap((rule) => [...declaredInputs(rule)]))));
  return inputs;
}

const kindsByArbiter = new WeakMap<Arbiter, ReadonlySet<string>>();

/** The union of the kinds a competition's rules (and those that read its outcome) declare. */
function competitionKinds(arbiter: Arbiter): ReadonlySet<string> {
  let kinds = kindsByArbiter.get(arbiter);
  if (!kinds) kindsByArbiter.set(arbiter, (kinds = new Set([...arbiter.members, ...arbiter.readers].flatMap((rule) => [...declaredKinds(rule)]))));
  return kinds;
}

/** The kinds a rule declares it reads; every kind (`*`) when it declares none. */
function declaredKinds(rule: Rule): readonly string[] {
  return rule.reads ?? ["*"];
}

/** A competition's outcome on one view: each rule's share, and all of it, with the kinds its walk read; or why the walk failed. */
type Outcome = { byRule: Map<string, unknown[]>; all: readonly unknown[]; kinds: ReadonlySet<string> } | { error: string; kinds: ReadonlySet<string> };

/** Runs a competition's walk on the view, with the detectors of all its rules, reading only what they declare. */
function decide(arbiter: Arbiter, view: ClusterView, refuse: boolean, recordKinds: boolean): Outcome {
  view.recordReads(competitionInputs(arbiter), refuse, recordKinds);
  const kinds = new Set<string>();
  try {
    const all = arbiter.competition.decide(view, arbiter);
    const byRule = new Map<string, unknown[]>();
    for (const outcome of all) {
      const owner = arbiter.competition.ownerOf(outcome);
      if (owner === undefined) continue;
      let list = byRule.get(owner);
      if (!list) byRule.set(owner, (list = []));
      list.push(outcome);
    }
    return { byRule, all, kinds };
  } catch (error) {
    return { error: error instanceof UndeclaredInputError ? `internal error: ${arbiter.competition.id} ${error.message}` : error instanceof Error ? error.message : String(error), kinds };
  } finally {
    for (const kind of view.kindsRead) kinds.add(kind);
    view.stopRecording();
  }
}

interface CollectOutput {
  /** Whether evidence is redacted (what is printed is; the prover's re-runs need not be). */
  redact: boolean;
  /** Filled with the rule that reported each rule id seen. */
  producers?: Map<string, string>;
  /** Whether findings carry their fixes (the prover's re-runs read none). */
  fixes: boolean;
}

/**
 * The findings of every rule whose inputs are present (of `subset` when given), before proof and ranking.
 * Competitions arbitrate between all of `rules`, whichever of them run.
 */
function collect(rules: readonly Rule[], view: ClusterView, options: RunOptions, output: CollectOutput = { redact: true, fixes: true }, subset?: ReadonlySet<string>): Omit<EngineResult, "fixes"> {
  const findings: Finding[] = [];
  const skipped: SkippedRule[] = [];
  const failures: EngineResult["failures"] = [];
  const inputsRead = options.recordInputs ? new Map<string, ReadonlySet<InputKind>>() : undefined;
  const kindsRead = options.recordInputs ? new Map<string, ReadonlySet<string>>() : undefined;
  const refuse = options.refuseUndeclared ?? REFUSE_BY_DEFAULT;
  const arbiters = arbitersOf(rules);
  const outcomes = new Map<Competition<unknown>, Outcome>();
  for (const rule of rules) {
    if (subset && !subset.has(rule.id)) continue;
    if (!rule.scopes.includes(options.scope)) continue;
    if (options.only && !options.only.some((id) => rule.id === id || rule.id.startsWith(id))) continue;
    if (rule.optIn && !options.enable?.includes(rule.id) && !options.only?.includes(rule.id)) continue;
    const required = rule.requires ?? rule.inputs.slice(0, 1);
    const absent = required.filter((input) => !view.has(input));
    if (absent.length > 0) {
      skipped.push({ rule: rule.id, reason: `no ${absent.join(", ")} in the inputs` });
      continue;
    }
    if (!options.runRulesWithNothingToRead && hasNothingToRead(rule, view, options.assumed)) continue;
    let causes: readonly unknown[] | undefined;
    let walkKinds: ReadonlySet<string> = new Set();
    const competition = rule.detection?.competition ?? rule.after;
    if (competition) {
      let outcome = outcomes.get(competition);
      if (!outcome) outcomes.set(competition, (outcome = decide(arbiters.get(competition)!, view, refuse, Boolean(kindsRead))));
      walkKinds = outcome.kinds;
      if ("error" in outcome) {
        failures.push({ rule: rule.id, message: outcome.error });
        continue;
      }
      causes = rule.detection ? (outcome.byRule.get(rule.id) ?? []) : outcome.all;
    }
    const reads = view.recordReads(declaredInputs(rule), refuse, Boolean(kindsRead));
    try {
      for (const finding of analyzeRule(rule, view, causes, output.fixes)) {
        output.producers?.set(finding.rule, rule.id);
        if (!view.inScope(finding.resource.namespace) && finding.resource.kind !== "Namespace") continue;
        if (options.focus && !matchesFocus(finding, options.focus)) continue;
        if (options.keep && !options.keep(finding)) continue;
        findings.push(output.redact ? clean(finding) : finding);
      }
    } catch (error) {
      const message = error instanceof UndeclaredInputError ? `internal error: ${rule.id} ${error.message}` : error instanceof Error ? error.message : String(error);
      failures.push({ rule: rule.id, message });
    } finally {
      kindsRead?.set(rule.id, new Set([...walkKinds, ...view.kindsRead]));
      view.stopRecording();
      inputsRead?.set(rule.id, reads);
    }
  }
  const { kept, suppressed } = applySuppressions(view, findings, options.suppress ?? []);
  return { findings: kept, skipped, failures, suppressed, ...(inputsRead ? { inputsRead, kindsRead } : {}) };
}

/** The inputs that are Kubernetes objects: a rule reads them only through the kinds it declares in `reads`. */
const OBJECT_INPUTS: ReadonlySet<InputKind> = new Set<InputKind>(["pods", "workloads", "nodes", "services", "config", "network-policies", "istio", "manifests"]);

/**
 * Whether the view holds no object of the kinds a rule reads and none of the other inputs it declares (events,
 * logs, mesh config, Envoy data): the rule then reads only empty lists and reports nothing (the rule-contract
 * test checks it on every corpus), so the engine does not run it and it is not listed as skipped. With `assumed`,
 * the objects counted there are left out: a rule that reads only them reports only about them (the contract test
 * checks that too). Rules that read every object or no object, that compete for causes or read a competition's
 * outcome, and multi-cluster views, run.
 */
export function hasNothingToRead(rule: Rule, view: ClusterView, assumed?: ReadonlyMap<string, number>): boolean {
  const reads = readsOf(rule);
  if (!reads || view.clusters.length > 0 || view.holdsAnyOf(reads.kinds, assumed)) return false;
  return !reads.otherInputs.some((input) => view.has(input));
}

/** What hasNothingToRead looks for, once per rule; null for a rule that always runs. */
const readsByRule = new WeakMap<Rule, { kinds: readonly string[]; otherInputs: readonly InputKind[] } | null>();

function readsOf(rule: Rule): { kinds: readonly string[]; otherInputs: readonly InputKind[] } | null {
  let reads = readsByRule.get(rule);
  if (reads === undefined) {
    const kinds = rule.reads;
    const always = !kinds || kinds.length === 0 || kinds.includes("*") || rule.detection !== undefined || rule.after !== undefined;
    reads = always ? null : { kinds, otherInputs: [...declaredInputs(rule)].filter((input) => !OBJECT_INPUTS.has(input)) };
    readsByRule.set(rule, reads);
  }
  return reads;
}

const declaredByRule = new WeakMap<Rule, ReadonlySet<InputKind>>();

function declaredInputs(rule: Rule): ReadonlySet<InputKind> {
  let declared = declaredByRule.get(rule);
  if (!declared) declaredByRule.set(rule, (declared = new Set([...rule.inputs, ...(rule.requires ?? [])])));
  return declared;
}

/**
 * A prediction on a workload's template (a manifest rule: "the Secret key is
 * missing") and the diagnosis of its running pod (CreateContainerConfigError
 * for that key) are one problem: the workload's finding is folded under the
 * pod's, which carries the observed evidence.
 */
function foldWorkloadPredictions(view: ClusterView, findings: Finding[]): Finding[] {
  const podFindingByOwner = new Map<string, Finding>();
  for (const finding of findings) {
    if (finding.resource.kind !== "Pod") continue;
    const pod = view.get("Pod", finding.resource.namespace, finding.resource.name);
    if (!pod) continue;
    const owner = templateOwnerOf(view, pod);
    if (owner.kind === "Pod") continue;
    const key = `${owner.kind}/${owner.namespace ?? ""}/${owner.name}#${finding.category}`;
    if (!podFindingByOwner.has(key)) podFindingByOwner.set(key, finding);
  }
  if (podFindingByOwner.size === 0) return findings;
  const folded = new Map<Finding, Finding[]>();
  const kept: Finding[] = [];
  for (const finding of findings) {
    const target = finding.resource.kind === "Pod" ? undefined : podFindingByOwner.get(`${finding.resource.kind}/${finding.resource.namespace ?? ""}/${finding.resource.name}#${finding.category}`);
    if (!target) {
      kept.push(finding);
      continue;
    }
    let list = folded.get(target);
    if (!list) folded.set(target, (list = []));
    list.push(finding);
  }
  return kept.map((finding) => {
    const symptoms = folded.get(finding);
    return symptoms ? foldInto(finding, symptoms) : finding;
  });
}

function matchesFocus(finding: Finding, focus: NonNullable<RunOptions["focus"]>): boolean {
  const resource = finding.resource;
  return resource.kind === focus.kind && resource.name === focus.name && (focus.namespace === undefined || resource.namespace === focus.namespace);
}

/** The boundary every finding crosses: confidence in range, and every string it carries (summary, cause, evidence, fix, verify) redacted. */
function clean(finding: Finding): Finding {
  return { ...finding, confidence: Math.max(0, Math.min(1, Math.round(finding.confidence * 100) / 100)), evidence: finding.evidence.map((item) => ({ ...item, text: redact(item.text) })) };
}

export function highestSeverity(findings: readonly Finding[]): number {
  return findings.reduce((max, finding) => Math.max(max, SEVERITY_ORDER[finding.severity]), 0);
}
