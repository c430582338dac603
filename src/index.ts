/**
 * ktriage as a library: the same sources, rules, engine and reporters the command line runs.
 *
 *     import { loadSnapshot, diagnose, render } from "ktriage";
 *     const report = diagnose(loadSnapshot("examples/lab"));
 *     console.log(await render(report, "text"));
 *
 * docs/library.md describes every function; the report's JSON form is schema/report.schema.json.
 */
import { resolve } from "node:path";
import { runRules, type RunOptions } from "./engine/engine.js";
import { groupIncidents } from "./engine/incidents.js";
import type { Rule, RuleDocs, RuleScope } from "./contract/rule.js";
import { describeRules, selectRules, type RuleSelection } from "./engine/selection.js";
import { buildLintInput, isReportable } from "./sources/lint-input.js";
import type { Finding } from "./model/finding.js";
import { appliedNamespace } from "./model/namespace.js";
import { renderReport, toJsonDocument, type OutputFormat, type Report } from "./report/index.js";
import { allRules } from "./rules/index.js";
import { gatherLive, type LiveOptions } from "./sources/live/index.js";
import { ViewBuilder } from "./view/builder.js";
import type { ClusterView } from "./view/cluster-view.js";
import { viewFromPaths, viewFromTexts } from "./sources/load-view.js";
import { VERSION } from "./version.js";

export type { Category } from "./model/categories.js";
export type { Evidence, Finding, Fix, FoldedFinding, ResourceRef, Severity, SkippedRule, YamlChange } from "./model/finding.js";
export type { InputProblem, InputSummary, MissingEvidence } from "./model/inputs.js";
export type { OutputFormat, Report } from "./report/index.js";
export type { ClusterView, InputKind, ViewMode } from "./view/cluster-view.js";
export type { RuleSelection } from "./engine/selection.js";
export { RuleSelectionError } from "./engine/selection.js";
export { LiveUnavailableError } from "./sources/live/index.js";
export { OUTPUT_FORMATS } from "./report/index.js";

/** The package version, as `ktriage version` prints it. */
export const version: string = VERSION;

/** A rule's metadata and documentation (what `ktriage rules -o json` lists). */
export interface RuleInfo {
  id: string;
  category: Rule["category"];
  severity: Rule["severity"];
  title: string;
  docs: RuleDocs;
  equivalents: string[];
  inputs: Rule["inputs"];
  scopes: RuleScope[];
  optIn: boolean;
}

/** Every rule ktriage runs, in the order it runs them. */
export const rules: readonly RuleInfo[] = allRules.map((rule) => ({
  id: rule.id,
  category: rule.category,
  severity: rule.severity,
  title: rule.title,
  docs: rule.docs,
  equivalents: rule.equivalents,
  inputs: rule.inputs,
  scopes: rule.scopes,
  optIn: rule.optIn === true,
}));

export interface LoadOptions {
  /** Only these namespaces are reported (all when absent). */
  namespaces?: string[];
  /** Reference time for ages and back-off; the latest timestamp in the inputs when absent. */
  now?: Date;
}

/** A ktriage snapshot folder or a `kubectl cluster-info dump --output-directory` folder. */
export function loadSnapshot(dir: string, options: LoadOptions = {}): ClusterView {
  return loadFiles([dir], options);
}

/**
 * Files and folders as `-f` takes them: kubectl JSON/YAML and Lists, describe and events text,
 * container logs, Envoy config dumps and access logs. A file that cannot be read is an input
 * problem in `report.inputs.problems`; the rest is still analysed.
 */
export function loadFiles(paths: readonly string[], options: LoadOptions = {}): ClusterView {
  return viewFromPaths(paths, { mode: "offline", ...options });
}

/** In-memory texts keyed by a name used in evidence (pasted `kubectl describe pod`, events, logs). */
export function loadTexts(texts: Record<string, string>, options: Pick<LoadOptions, "now"> = {}): ClusterView {
  return viewFromTexts(texts, options);
}

export interface ClusterOptions extends Pick<LiveOptions, "kubeconfig" | "context" | "namespace" | "allNamespaces" | "selector" | "pod" | "timeoutMs"> {}

/** Reads the cluster of a kubeconfig (read-only: get and list, as deploy/rbac.yaml grants). */
export async function loadCluster(options: ClusterOptions = {}): Promise<ClusterView> {
  const builder = new ViewBuilder();
  const started = new Date();
  const live = await gatherLive(builder, options);
  return builder.build({ mode: "live", now: started, namespaces: options.allNamespaces ? undefined : [live.namespace] });
}

export interface DiagnoseOptions extends RuleSelection {}

/** Every problem in the view, most likely root cause first (what `ktriage scan` reports). */
export function diagnose(view: ClusterView, options: DiagnoseOptions = {}): Report {
  return analyse("scan", view, { scope: "diagnose", ...selectRules(options, allRules) });
}

export interface LintOptions extends RuleSelection {
  /** Namespace for objects that name none, as `kubectl apply -n` (default "default"). */
  namespace?: string;
  /** MeshConfig YAML (or the istio ConfigMap) to analyse against. */
  meshConfig?: string;
  /** MeshNetworks YAML to analyse against. */
  meshNetworks?: string;
  /** Assume the istio-ingressgateway Pod and Service in istio-system, as istioctl analyze does (default true). */
  defaultGateway?: boolean;
  /** A snapshot folder whose objects resolve references (only findings about `paths` are reported). */
  snapshot?: string;
}

/** Checks manifests before deploy (what `ktriage lint PATH...` reports). */
export function lint(paths: readonly string[], options: LintOptions = {}): Report {
  const context = options.snapshot ? new ViewBuilder() : undefined;
  if (context && options.snapshot) {
    const snapshot = viewFromPaths([options.snapshot]);
    for (const item of snapshot.objects) context.addObject(item.object, item.origin, item.locate);
    for (const event of snapshot.events) context.addEvent(event);
    for (const source of snapshot.inputs.sources) context.addSource(source);
  }
  const { view, reportable } = buildLintInput({
    paths,
    defaultNamespace: appliedNamespace(options.namespace),
    defaultGateway: options.defaultGateway ?? true,
    ...(options.meshConfig ? { meshConfigFile: options.meshConfig } : {}),
    ...(options.meshNetworks ? { meshNetworksFile: options.meshNetworks } : {}),
    ...(context ? { context } : {}),
  });
  const keep = (finding: Finding) => isReportable(finding, reportable, Boolean(options.meshConfig || options.meshNetworks));
  return analyse("lint", view, { scope: "lint", ...selectRules(options, allRules) }, keep);
}

function analyse(command: string, view: ClusterView, run: RunOptions, keep: (finding: Finding) => boolean = () => true): Report {
  const result = runRules(allRules, view, run);
  const findings = result.findings.filter(keep);
  return {
    command,
    mode: view.mode,
    findings,
    skipped: result.skipped,
    inputs: view.inputs,
    failures: result.failures,
    now: view.now,
    suppressed: result.suppressed.filter((item) => keep(item.finding)),
    incidents: groupIncidents(view, findings),
    rules: describeRules(findings, allRules),
    toolVersion: VERSION,
  };
}

export interface RenderOptions {
  /** ANSI colours in text output (default false). */
  color?: boolean;
  /** Columns to wrap text output at (default 100). */
  width?: number;
  /** Text output: every finding in full. */
  verbose?: boolean;
  /** SARIF: file URIs are made relative to this folder (default the working directory). */
  sarifRoot?: string;
  /** SARIF: the file name that stands for `-` (stdin). */
  stdinFilename?: string;
}

/** Formats a report as the command line prints it: text, json, yaml, markdown, sarif or istioctl. */
export function render(report: Report, format: OutputFormat = "text", options: RenderOptions = {}): Promise<string> {
  const cwd = process.cwd();
  const sarif = { root: resolve(cwd, options.sarifRoot ?? "."), cwd, ...(options.stdinFilename ? { stdinName: options.stdinFilename } : {}) };
  return renderReport(format, report, { color: options.color ?? false, width: options.width ?? 100, verbose: options.verbose, sarif });
}

/** The report as `-o json` prints it (schema/report.schema.json). */
export function toJson(report: Report): Record<string, unknown> {
  return toJsonDocument(report);
}
