import { renderSummaryText, summaryToJson } from "./access-log-summary.js";
import type { AccessLogSummary } from "../envoy/access-log/summary.js";
import type { Report } from "./report.js";

export interface SummarisedAccessLog {
  source: string;
  summary: AccessLogSummary;
}

/** `envoy logs -o json`: each log's summary, the findings, and the input problems by file. */
export function accessLogsJson(logs: readonly SummarisedAccessLog[], report: Report, podOf: (host: string) => string | undefined): string {
  const document = {
    summaries: logs.map(({ source, summary }) => summaryToJson(summary, { source, podOf })),
    findings: report.findings,
    inputs: { problems: report.inputs.problems.map((problem) => ({ file: problem.origin.file, message: problem.message })) },
  };
  return JSON.stringify(document, null, 2) + "\n";
}

/** One log's summary tables, the `top` rows of each. */
export function accessLogText(log: SummarisedAccessLog, top: number, podOf: (host: string) => string | undefined): string {
  return renderSummaryText(log.summary, { source: log.source, top, podOf }) + "\n";
}
