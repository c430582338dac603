import type { SuppressedFinding } from "../engine/suppress.js";
import type { Finding, SkippedRule } from "../model/finding.js";
import type { InputSummary } from "../model/inputs.js";
import type { ViewMode } from "../view/cluster-view.js";

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
}

export type OutputFormat = "text" | "json" | "yaml" | "markdown" | "sarif" | "istioctl";

export const OUTPUT_FORMATS: readonly OutputFormat[] = ["text", "json", "yaml", "markdown", "sarif", "istioctl"];

export interface RenderOptions {
  color: boolean;
  /** Columns to wrap text output at. */
  width: number;
  /** Show skipped rules in text output. */
  showSkipped?: boolean;
  /** Show every finding's full detail, including low-severity ones folded in text output. */
  verbose?: boolean;
}

/** The machine-readable form; field names are a stable contract (schema/finding.schema.json). */
export function toJsonDocument(report: Report): Record<string, unknown> {
  return {
    tool: "ktriage",
    command: report.command,
    mode: report.mode,
    analyzedAt: report.now.toISOString(),
    findings: report.findings,
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
