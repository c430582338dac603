import { createHash } from "node:crypto";
import type { ProxyStatusTable } from "../../envoy/proxy-status.js";
import type { ReadinessReport } from "../../queries/readiness.js";
import { inputProblemLines } from "../text.js";
import type { Report } from "../report.js";
import { own, safe } from "./escape.js";
import { filterChoices, incidentSections, resetCopyTargets, summaryTable, type IncidentFigures } from "./incidents.js";
import { proxyStatusSection } from "./proxy-status.js";
import { readinessSection } from "./readiness.js";
import { SCRIPT } from "./script.js";
import { STYLE } from "./style.js";
import { trafficSection, type TrafficInput } from "./traffic.js";

/** What one HTML page shows; every part is optional but the title. */
export interface HtmlPage {
  /** `ktriage scan`, `ktriage mesh readiness` ... */
  title: string;
  report?: Report;
  /** Restart and event timelines of each incident's pods. */
  figures?: IncidentFigures;
  traffic?: readonly TrafficInput[];
  proxyStatus?: ReadonlyArray<{ source: string; table: ProxyStatusTable }>;
  readiness?: ReadinessReport;
  /** Reference time of the analysis. */
  now: Date;
  toolVersion?: string;
  /** Where the inputs came from, for the header. */
  sources?: readonly string[];
}

function hash(text: string): string {
  return `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
}

/**
 * Nothing may load from anywhere: no network, no file beside the page. The script and the
 * stylesheet run by their hashes, so markup that slipped past escaping could still run nothing.
 */
function contentSecurityPolicy(): string {
  return `default-src 'none'; script-src ${hash(SCRIPT)}; style-src ${hash(STYLE)}; img-src data:; base-uri 'none'; form-action 'none'`;
}

function filterBar(report: Report): string {
  const { namespaces, categories } = filterChoices(report);
  const levels = (["error", "warning", "info"] as const).map((level) => `<label><input type="checkbox" name="severity" value="${level}" checked> ${level}</label>`).join(" ");
  const options = (values: readonly string[], all: string) => `<option value="">${own(all)}</option>${values.map((value) => `<option value="${safe(value)}">${safe(value === "-" ? "(cluster-scoped)" : value)}</option>`).join("")}`;
  return `<div class="filters" role="search"><span>${levels}</span><label>namespace <select id="f-namespace">${options(namespaces, "all")}</select></label><label>category <select id="f-category">${options(categories, "all")}</select></label><input type="search" id="f-search" placeholder="search pods, causes, log lines ..." aria-label="search the incidents"><span id="f-shown" class="dim"></span></div>`;
}

function inputsLine(report: Report): string {
  const inputs = report.inputs;
  return `${inputs.objects} objects, ${inputs.events} events, ${inputs.logs} logs${inputs.envoy ? `, ${inputs.envoy} Envoy inputs` : ""}`;
}

function footer(report: Report): string {
  const parts: string[] = [];
  const counts = { error: 0, warning: 0, info: 0 };
  for (const finding of report.findings) counts[finding.severity]++;
  parts.push(`${(report.incidents ?? []).length} incidents · ${counts.error} errors, ${counts.warning} warnings, ${counts.info} info`);
  if (report.skipped.length) parts.push(`${report.skipped.length} rules skipped for missing inputs`);
  const suppressed = report.suppressed ?? [];
  if (suppressed.length) parts.push(`${suppressed.length} suppressed (galley.istio.io/analyze-suppress or --suppress)`);
  return parts.join(" · ");
}

/** One self-contained page: inline style and script, no network, readable printed. */
export function renderHtml(page: HtmlPage): string {
  resetCopyTargets();
  const report = page.report;
  const body: string[] = [];
  const sources = page.sources ?? report?.inputs.sources ?? [];
  const about = [sources.length ? `${sources.slice(0, 3).join(", ")}${sources.length > 3 ? ` +${sources.length - 3} more` : ""}` : report?.mode ?? "", report ? inputsLine(report) : "", `analysed ${page.now.toISOString().replace(".000Z", "Z")}`].filter(Boolean);
  body.push(`<header class="page"><h1>${safe(page.title)}</h1><p class="dim">${about.map((part) => safe(part)).join(" · ")}</p></header>`);
  const toc: string[] = [];
  if (report) toc.push(`<a href="#summary-title">Summary</a>`, `<a href="#incidents">Incidents</a>`);
  if (page.traffic?.length) toc.push(`<a href="#access-logs">Access logs</a>`);
  if (page.proxyStatus?.some((item) => item.table.rows.length > 0)) toc.push(`<a href="#proxy-status">Proxy status</a>`);
  if (page.readiness) toc.push(`<a href="#readiness">Readiness</a>`);
  if (toc.length > 1) body.push(`<nav class="toc">${toc.join("")}</nav>`);
  if (report) {
    const problems = inputProblemLines(report);
    if (problems.length) body.push(`<details class="problems"><summary>${own(problems.length)} input problem${problems.length === 1 ? "" : "s"}</summary><ul>${problems.map((line) => `<li>${safe(line)}</li>`).join("")}</ul></details>`);
    if ((report.incidents ?? []).length > 0) body.push(filterBar(report));
    body.push(summaryTable(report));
    body.push(`<div id="incidents">${incidentSections(report, page.figures ?? new Map())}</div>`);
  }
  if (page.traffic?.length) body.push(`<section class="access-logs" id="access-logs"><h2>Access logs</h2>${page.traffic.map(trafficSection).join("")}</section>`);
  if (page.proxyStatus) body.push(proxyStatusSection(page.proxyStatus));
  if (page.readiness) body.push(readinessSection(page.readiness));
  const foot = [report ? footer(report) : "", `ktriage${page.toolVersion ? ` ${page.toolVersion}` : ""}; times are UTC`].filter(Boolean).join(" · ");
  body.push(`<footer class="page">${safe(foot)}</footer>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ktriage${page.toolVersion ? ` ${own(page.toolVersion)}` : ""}">
<title>${safe(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body.join("\n")}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
