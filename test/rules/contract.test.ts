import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { hasNothingToRead, runRules } from "../../src/engine/engine.js";
import type { Rule } from "../../src/contract/rule.js";
import { buildLintInput, DEFAULT_GATEWAY_ORIGIN, type LintInputOptions } from "../../src/sources/lint-input.js";
import { CATEGORIES } from "../../src/model/categories.js";
import { allRules } from "../../src/rules/index.js";
import { podRules } from "../../src/rules/pod/index.js";
import type { ClusterView, InputKind } from "../../src/view/cluster-view.js";
import { viewFromPaths } from "../../src/sources/load-view.js";

/**
 * The rule contract: every rule reads only the inputs it declares (the view
 * records what each rule reads while it runs), has its docs, and has a table
 * test of its own. Each rule runs alone on a fresh copy of each view, so what a
 * helper caches for one rule never hides another rule's reads.
 */
const repoRoot = resolve(import.meta.dirname, "../..");
const shared = resolve(repoRoot, "../shared");
const analyzers = resolve(shared, "peer/istio-analyzers");
const healthy = resolve(shared, "peer/healthy");

interface Corpus {
  name: string;
  view: () => ClusterView;
  scope: "diagnose" | "lint";
}

/** The assumed ingress gateway objects of each lint view (see RunOptions.assumed). */
const assumedOf = new WeakMap<ClusterView, ReadonlyMap<string, number>>();

function lintView(options: LintInputOptions): ClusterView {
  const { view, assumed } = buildLintInput(options);
  assumedOf.set(view, assumed);
  return view;
}

function corpora(): Corpus[] {
  const list: Corpus[] = [
    { name: "examples/lab", view: () => viewFromPaths([resolve(repoRoot, "examples/lab")]), scope: "diagnose" },
    { name: "examples/lab (lint)", view: () => viewFromPaths([resolve(repoRoot, "examples/lab")], { mode: "lint" }), scope: "lint" },
    { name: "examples/manifests", view: () => lintView({ paths: [resolve(repoRoot, "examples/manifests")] }), scope: "lint" },
  ];
  if (existsSync(healthy)) {
    for (const entry of readdirSync(healthy, { withFileTypes: true })) {
      if (entry.isDirectory()) list.push({ name: `peer/healthy/${entry.name}`, view: () => lintView({ paths: [resolve(healthy, entry.name)] }), scope: "lint" });
    }
  }
  const cases = resolve(analyzers, "cases.tsv");
  if (existsSync(cases)) {
    const seen = new Set<string>();
    for (const line of readFileSync(cases, "utf8").split("\n").slice(1)) {
      const [name, , , inputs, meshConfig, meshNetworks] = line.split("\t");
      if (!name || !inputs || seen.has(`${inputs}|${meshConfig}|${meshNetworks}`)) continue;
      seen.add(`${inputs}|${meshConfig}|${meshNetworks}`);
      const parts = inputs.split(",");
      const tagged = parts.map((input) => /^([a-z0-9-]+):(.*)$/.exec(input));
      const paths = parts.filter((_, i) => !tagged[i]).map((input) => resolve(analyzers, input));
      const clusters = tagged.flatMap((match) => (match ? [{ name: match[1]!, paths: [resolve(analyzers, match[2]!)] }] : []));
      list.push({
        name: `peer/istio-analyzers ${name}`,
        view: () =>
          lintView({
            paths,
            ...(clusters.length > 0 ? { clusters } : {}),
            ...(meshConfig ? { meshConfigFile: resolve(analyzers, meshConfig) } : {}),
            ...(meshNetworks ? { meshNetworksFile: resolve(analyzers, meshNetworks) } : {}),
          }),
        scope: "lint",
      });
    }
  }
  return list;
}

/** Internal errors rules raised on the corpora: an undeclared read refused, a message id not declared, a placeholder left unfilled. */
const internalErrors: string[] = [];
/** Rules that reported (or failed) on a corpus that holds nothing they read: the engine leaves such rules out. */
const spokeWithNothingToRead: string[] = [];
/** Rules that reported about something else than the assumed ingress gateway (or failed) where it is all they read. */
const spokeBeyondAssumed: string[] = [];
/** How many rule runs on a corpus had only the assumed ingress gateway to read. */
let runsWithOnlyAssumed = 0;

interface Reads {
  inputs: Map<string, Map<InputKind, string>>;
  /** The Kubernetes kinds each rule read (its competition's walk included), with one corpus that shows it. */
  kinds: Map<string, Map<string, string>>;
}

let everyRuleReads: Reads | undefined;

/** Every input kind and Kubernetes kind each rule read, over every corpus, with one corpus that shows it (computed once). */
function readsOfEveryRule(): Reads {
  if (everyRuleReads) return everyRuleReads;
  const reads = new Map<string, Map<InputKind, string>>(allRules.map((rule) => [rule.id, new Map()]));
  const kinds = new Map<string, Map<string, string>>(allRules.map((rule) => [rule.id, new Map()]));
  for (const corpus of corpora()) {
    const view = corpus.view();
    for (const rule of allRules) {
      if (!rule.scopes.includes(corpus.scope)) continue;
      const result = runRules([rule], view.fork(), { scope: corpus.scope, enable: [rule.id], recordInputs: true, runRulesWithNothingToRead: true });
      for (const failure of result.failures) if (failure.message.startsWith("internal error")) internalErrors.push(`${failure.message} (in ${corpus.name})`);
      if (hasNothingToRead(rule, view)) {
        if (result.findings.length + result.failures.length > 0) spokeWithNothingToRead.push(`${rule.id} in ${corpus.name}: ${[...result.findings.map((finding) => finding.summary), ...result.failures.map((failure) => failure.message)].join("; ")}`);
      } else if (assumedOf.has(view) && hasNothingToRead(rule, view, assumedOf.get(view))) {
        runsWithOnlyAssumed++;
        const beyond = result.findings.filter((finding) => view.getLoaded(finding.resource.kind, finding.resource.namespace, finding.resource.name)?.origin.file !== DEFAULT_GATEWAY_ORIGIN);
        if (beyond.length + result.failures.length > 0) spokeBeyondAssumed.push(`${rule.id} in ${corpus.name}: ${[...beyond.map((finding) => `${finding.resource.kind} ${finding.resource.name}: ${finding.summary}`), ...result.failures.map((failure) => failure.message)].join("; ")}`);
      }
      for (const input of result.inputsRead?.get(rule.id) ?? []) {
        const seen = reads.get(rule.id)!;
        if (!seen.has(input)) seen.set(input, corpus.name);
      }
      for (const kind of result.kindsRead?.get(rule.id) ?? []) {
        const seen = kinds.get(rule.id)!;
        if (!seen.has(kind)) seen.set(kind, corpus.name);
      }
    }
  }
  return (everyRuleReads = { inputs: reads, kinds });
}


/** The text of the file that defines a rule (`id: "layer/name"` in src/rules/layer/). */
function sourceOf(rule: Rule): string {
  const layer = resolve(repoRoot, "src/rules", rule.id.split("/")[0]!);
  const named = resolve(repoRoot, "src/rules", `${rule.id}.ts`);
  const candidates = [named, ...readdirSync(layer).filter((file) => file.endsWith(".ts")).map((file) => resolve(layer, file))];
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    if (text.includes(`id: "${rule.id}"`)) return text;
  }
  throw new Error(`no source file defines ${rule.id}`);
}

function testFileOf(rule: Rule): string {
  return resolve(repoRoot, "test/rules", `${rule.id}.test.ts`);
}

describe("the rule contract", () => {
  it("every rule reads only the inputs it declares", { timeout: 600_000 }, () => {
    const reads = readsOfEveryRule().inputs;
    const undeclared: string[] = [];
    for (const rule of allRules) {
      for (const [input, corpus] of reads.get(rule.id)!) {
        if (!rule.inputs.includes(input)) undeclared.push(`${rule.id} reads ${input} (in ${corpus}) but declares ${rule.inputs.join(", ") || "nothing"}`);
      }
    }
    expect(undeclared).toEqual([]);
    expect([...new Set(internalErrors)]).toEqual([]);
  });

  // Fix proofs re-run a rule only when the change makes an object of a kind it declares different; what a
  // rule reads through an index another rule built first is recorded only when it runs alone, as here.
  it("every rule declares the Kubernetes kinds it reads, and reads no other", { timeout: 600_000 }, () => {
    const kinds = readsOfEveryRule().kinds;
    const undeclared: string[] = [];
    for (const rule of allRules) {
      if (!rule.reads) {
        undeclared.push(`${rule.id} declares no reads`);
        continue;
      }
      if (rule.reads.includes("*")) continue;
      for (const [kind, corpus] of kinds.get(rule.id)!) {
        if (!rule.reads.includes(kind)) undeclared.push(`${rule.id} reads ${kind === "*" ? "every object (view.objects)" : kind} (in ${corpus}) but declares ${rule.reads.join(", ") || "none"}`);
      }
    }
    expect(undeclared).toEqual([]);
  });

  // The engine leaves out a rule when the view holds no object of the kinds it reads and none of its other
  // inputs (hasNothingToRead); run anyway, such a rule must report nothing, or leaving it out changes the output.
  it("every rule reports nothing where the inputs hold nothing it reads", { timeout: 600_000 }, () => {
    readsOfEveryRule();
    expect(spokeWithNothingToRead).toEqual([]);
  });

  // Lint leaves out a rule whose kinds the view holds only as the assumed ingress gateway (and none of its other
  // inputs): run anyway, such a rule must report only about the gateway, which lint never reports.
  it("every rule reports only about the assumed ingress gateway where that is all the inputs hold of what it reads", { timeout: 600_000 }, () => {
    readsOfEveryRule();
    expect(runsWithOnlyAssumed).toBeGreaterThan(0);
    expect(spokeBeyondAssumed).toEqual([]);
  });

  it("every message a rule declares is kebab-case, and its source reports it", () => {
    const problems: string[] = [];
    for (const rule of allRules) {
      const ids = Object.keys(rule.messages);
      if (ids.length === 0) problems.push(`${rule.id}: declares no message`);
      const source = sourceOf(rule);
      for (const id of ids) {
        if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id)) problems.push(`${rule.id}: message id "${id}" is not kebab-case`);
        // Declared once as a key; reported at least once more (message: "id", or passed to a helper that reports it).
        const quoted = source.split(`"${id}"`).length - 1;
        if (quoted < 2) problems.push(`${rule.id}: message "${id}" is declared but nothing reports it`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("every message is a sentence of its rule, not a pass-through of text made elsewhere", () => {
    const placeholder = /\{[A-Za-z][A-Za-z0-9]*\}/g;
    const problems: string[] = [];
    for (const rule of allRules) {
      for (const [id, template] of Object.entries(rule.messages)) {
        // A template that is one placeholder and nothing else says only what its caller wrote.
        if (/^\s*\{[A-Za-z][A-Za-z0-9]*\}\s*$/.test(template)) problems.push(`${rule.id}: message "${id}" is only a placeholder (${template})`);
        // A pod cause's summary is its rule's template filled from the reading's data: never a sentence the reading wrote.
        if (rule.id.startsWith("pod/") && (template.includes("{summary}") || !/[A-Za-z]{2,}/.test(template.replace(placeholder, "")))) problems.push(`${rule.id}: message "${id}" has no words of its own (${template})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("every rule requires only inputs it declares", () => {
    const wrong = allRules.filter((rule) => (rule.requires ?? []).some((input) => !rule.inputs.includes(input))).map((rule) => rule.id);
    expect(wrong).toEqual([]);
  });

  it("every rule has an id of its layer, a category, a title and its docs", () => {
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const rule of allRules) {
      if (ids.has(rule.id)) problems.push(`${rule.id}: id used twice`);
      ids.add(rule.id);
      if (!/^(pod|sidecar|istio|envoy|manifest)\/[a-z0-9]+(?:-[a-z0-9]+)*$/.test(rule.id)) problems.push(`${rule.id}: id is not layer/kebab-case`);
      if (!(rule.category in CATEGORIES)) problems.push(`${rule.id}: category ${rule.category} is not in the taxonomy`);
      if (rule.title.trim() === "") problems.push(`${rule.id}: no title`);
      if (rule.docs.cause.trim() === "") problems.push(`${rule.id}: docs.cause is empty`);
      if (rule.docs.fix.trim() === "") problems.push(`${rule.id}: docs.fix is empty`);
      if (rule.docs.verify.length === 0) problems.push(`${rule.id}: docs.verify is empty`);
      if (rule.docs.references.length === 0) problems.push(`${rule.id}: docs.references is empty`);
      if (rule.scopes.length === 0) problems.push(`${rule.id}: runs in no scope`);
    }
    expect(problems).toEqual([]);
  });

  it("every rule that joins a competition, or runs after one, is a pod rule (where the rule tester finds its competitors)", () => {
    const competing = allRules.filter((rule) => rule.detection || rule.after).map((rule) => rule.id);
    expect(competing.length).toBeGreaterThan(0);
    expect(competing.filter((id) => !podRules.some((rule) => rule.id === id))).toEqual([]);
  });

  it("every rule has a test file of its own", () => {
    const missing = allRules.filter((rule) => !existsSync(testFileOf(rule))).map((rule) => `${rule.id}: no ${testFileOf(rule).slice(repoRoot.length + 1)}`);
    expect(missing).toEqual([]);
  });
});
