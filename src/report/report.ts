import type { Rule } from "../contract/rule.js";
import type { SuppressedFinding } from "../engine/suppress.js";
import type { Finding, SkippedRule } from "../model/finding.js";
import type { Incident } from "../model/incident.js";
import type { InputSummary } from "../model/inputs.js";
import type { ViewMode } from "../view/cluster-view.js";
import type { HtmlPage } from "./html/document.js";

/** Everything a reporter formats. The JSON form is `{findings, skipped, inputs}` plus `tool`. */
export interface Report {
  command: string;
  mode: ViewMode;
  findings: Finding[];
  skipped: SkippedRule[];
  inputs: InputSummary;
  /** Rules that failed on this input (reported, never a stack trace). */
  failures: { rule: string; message: string }[];
  /** Reference time of the analysis. */
  now: Date;
  /** Findings left out at the user's request (galley.istio.io/analyze-suppress, --suppress). */
  suppressed?: SuppressedFinding[];
  /** The findings grouped by root cause, most urgent first (computed once, by the engine). */
  incidents?: Incident[];
  /** `--rule` ids the user asked for that could not run for missing inputs. */
  requestedSkipped?: string[];
  /** What reporters say about the rules behind the findings (SARIF's rule list); the command fills it. */
  rules?: readonly RuleDescriptor[];
  /** The ktriage version that made the report. */
  toolVersion?: string;
}

/** A rule as reporters describe it: title, documentation and the codes other tools use. */
export type RuleDescriptor = Pick<Rule, "id" | "title" | "category" | "severity" | "docs" | "equivalents" | "fallback">;

export type OutputFormat = "text" | "wide" | "json" | "yaml" | "markdown" | "sarif" | "istioctl" | "html";

export const OUTPUT_FORMATS: readonly OutputFormat[] = ["text", "wide", "json", "yaml", "markdown", "sarif", "istioctl", "html"];

export interface RenderOptions {
  color: boolean;
  /** Columns to wrap text output at. */
  width: number;
  /** Show skipped rules in text output. */
  showSkipped?: boolean;
  /** Show every finding's full detail, including low-severity ones folded in text output. */
  verbose?: boolean;
  /** Print only the triage summary. */
  summaryOnly?: boolean;
  /** The summary with more columns (`-o wide`). */
  wide?: boolean;
  /** Lines the summary may take before the details (the terminal's height); unbounded when absent. */
  summaryLines?: number;
  /** Input problems are reported elsewhere (the CLI writes them to stderr): leave them out of the text. */
  problemsElsewhere?: boolean;
  /** Truncate summary lines to this many columns (a terminal's width); never truncated when absent. */
  columns?: number;
  /** SARIF: artifact URIs are made relative to `root` (an absolute folder); `stdinName` stands for `-`. */
  sarif?: { root: string; cwd: string; stdinName?: string };
  /** HTML: the pictures beside the report (timelines, access-log charts, proxy sync), built by the command from its view. */
  html?: Omit<HtmlPage, "title" | "report" | "now">;
}

/** The machine-readable form; field names are a stable contract (schema/report.schema.json). */
export function toJsonDocument(report: Report): Record<string, unknown> {
  const incidentOf = new Map<number, number>();
  for (const incident of report.incidents ?? []) for (const index of incident.findings) incidentOf.set(index, incident.id);
  return {
    tool: "ktriage",
    command: report.command,
    mode: report.mode,
    analyzedAt: report.now.toISOString(),
    incidents: (report.incidents ?? []).map(({ id, severity, urgency, resource, cause, action, rule, scope, repeated, pods, findings }) => ({ id, severity, urgency, resource, cause, action, rule, scope, repeated, pods, findings })),
    findings: report.findings.map((finding, index) => (incidentOf.has(index) ? { ...finding, incident: incidentOf.get(index) } : finding)),
    skipped: report.skipped,
    suppressed: (report.suppressed ?? []).map(({ rule, code, resource, by }) => ({ rule, code, resource, by })),
    inputs: {
      sources: report.inputs.sources,
      objects: report.inputs.objects,
      events: report.inputs.events,
      logs: report.inputs.logs,
      envoy: report.inputs.envoy,
      problems: report.inputs.problems.map((p) => ({ file: p.origin.file, line: p.origin.line, message: p.message })),
      missing: report.inputs.missing,
      ruleFailures: report.failures,
    },
  };
}
