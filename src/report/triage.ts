import pc from "picocolors";
import type { Finding } from "../model/finding.js";
import { URGENCY_LABEL, type Incident } from "../model/incident.js";
import type { Report, RenderOptions } from "./report.js";

type Colors = ReturnType<typeof pc.createColors>;

/** kubectl's short names, so that a summary line keeps room for the cause and the action. */
const SHORT_KIND: Record<string, string> = {
  Deployment: "deploy",
  StatefulSet: "sts",
  DaemonSet: "ds",
  ReplicaSet: "rs",
  CronJob: "cronjob",
  Job: "job",
  Pod: "pod",
  Service: "svc",
  Namespace: "ns",
  ConfigMap: "cm",
  Secret: "secret",
  NetworkPolicy: "netpol",
  PersistentVolumeClaim: "pvc",
  Ingress: "ing",
  ServiceAccount: "sa",
  VirtualService: "vs",
  DestinationRule: "dr",
  Gateway: "gw",
  ServiceEntry: "se",
  PeerAuthentication: "pa",
  AuthorizationPolicy: "authz",
  EnvoyFilter: "envoyfilter",
  Sidecar: "sidecar",
};

const SEVERITY_WORD: Record<Finding["severity"], string> = { error: "ERROR", warning: "WARN", info: "INFO" };

/** One line of the summary: an incident, or the incidents of one rule repeated on many objects. */
export interface SummaryRow {
  incidents: Incident[];
}

/** Incidents as the summary lists them: repeated configuration warnings and notes of one rule share a row. */
export function summaryRows(incidents: readonly Incident[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const incident of incidents) {
    const last = rows[rows.length - 1];
    if (incident.repeated && last && last.incidents[0]!.repeated && last.incidents[0]!.rule === incident.rule) last.incidents.push(incident);
    else rows.push({ incidents: [incident] });
  }
  return rows;
}

export function incidentTitle(incident: Incident): string {
  const r = incident.resource;
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`;
}

function severityWord(severity: Finding["severity"], c: Colors): string {
  const word = SEVERITY_WORD[severity];
  if (severity === "error") return c.red(word);
  if (severity === "warning") return c.yellow(word);
  return c.cyan(word);
}

export function cells(row: SummaryRow, report: Report, wide: boolean): string[] {
  const first = row.incidents[0]!;
  const last = row.incidents[row.incidents.length - 1]!;
  const number = row.incidents.length === 1 ? String(first.id) : `${first.id}-${last.id}`;
  const namespaces = [...new Set(row.incidents.map((incident) => incident.resource.namespace ?? ""))];
  const namespace = namespaces.length === 1 ? namespaces[0] || "-" : `${namespaces.length} namespaces`;
  const kinds = [...new Set(row.incidents.map((incident) => incident.resource.kind))];
  const resource =
    row.incidents.length === 1
      ? `${SHORT_KIND[first.resource.kind] ?? first.resource.kind.toLowerCase()}/${first.resource.name}`
      : `${row.incidents.length} ${kinds.length === 1 ? `${kinds[0]}s` : "objects"}`;
  const action = row.incidents.length === 1 ? first.action : `${first.action} (each)`;
  const base = [number, SEVERITY_WORD[first.severity], namespace, resource, first.cause, action];
  if (!wide) return base;
  const findings = row.incidents.reduce((sum, incident) => sum + incident.findings.length, 0);
  const pods = row.incidents.reduce((sum, incident) => sum + incident.pods.length, 0);
  const primary = report.findings[first.primary];
  return [...base, URGENCY_LABEL[first.urgency], first.rule, String(findings), String(pods), primary ? primary.confidence.toFixed(2) : "-"];
}

const HEADERS = ["#", "SEV", "NAMESPACE", "RESOURCE", "CAUSE", "FIRST ACTION"];
const WIDE_HEADERS = [...HEADERS, "URGENCY", "RULE", "FINDINGS", "PODS", "CONFIDENCE"];

function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

/**
 * The numbered triage list, most urgent first, one line an incident. `maxLines` bounds it (a
 * terminal's height), `columns` truncates lines to a terminal's width.
 */
export function renderSummary(report: Report, options: RenderOptions): string[] {
  const c = pc.createColors(options.color);
  const incidents = report.incidents ?? [];
  if (incidents.length === 0) return [];
  const rows = summaryRows(incidents);
  const counts = { error: 0, warning: 0, info: 0 };
  for (const incident of incidents) counts[incident.severity]++;
  const lines: string[] = [];
  const title = `${incidents.length} incident${incidents.length === 1 ? "" : "s"}, most urgent first: ${counts.error} error${counts.error === 1 ? "" : "s"}, ${counts.warning} warning${counts.warning === 1 ? "" : "s"}, ${counts.info} info`;
  lines.push(c.bold(title));

  const headers = options.wide ? WIDE_HEADERS : HEADERS;
  const table = rows.map((row) => cells(row, report, options.wide ?? false));
  const budget = options.summaryLines === undefined ? Infinity : Math.max(3, options.summaryLines - 2);
  const shown = table.length > budget ? table.slice(0, budget - 1) : table;
  // Columns as wide as the rows shown need, so that the first action keeps the room that is left.
  const widths = headers.map((header, column) => Math.max(header.length, ...shown.map((row) => row[column]!.length)));
  // Keep NAMESPACE and RESOURCE readable on narrow terminals: cap them, the action takes what is left.
  const caps = options.wide ? [9, 5, 18, 32, 26, 40] : [9, 5, 16, 30, 22];
  caps.forEach((cap, column) => (widths[column] = Math.min(widths[column]!, cap)));
  const format = (row: readonly string[], severity?: Finding["severity"]) => {
    const parts = row.map((cell, column) => {
      const fitted = column < caps.length ? truncate(cell, widths[column]!) : cell;
      if (column === 0) return fitted.padStart(widths[column]!);
      return column === row.length - 1 ? fitted : fitted.padEnd(widths[column]!);
    });
    let line = parts.join("  ");
    if (options.columns) line = truncate(line, options.columns);
    return severity && options.color ? line.replace(SEVERITY_WORD[severity], severityWord(severity, c)) : line;
  };
  lines.push(c.dim(format(headers)));
  shown.forEach((row, index) => lines.push(format(row, rows[index]!.incidents[0]!.severity)));
  if (shown.length < table.length) {
    const hidden = rows.slice(shown.length).reduce((sum, row) => sum + row.incidents.length, 0);
    lines.push(c.dim(`… ${hidden} more incident${hidden === 1 ? "" : "s"} (--summary lists them all; details follow)`));
  }
  return lines;
}
