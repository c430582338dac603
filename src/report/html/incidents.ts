import type { Evidence, Finding, YamlChange } from "../../model/finding.js";
import { URGENCY_LABEL, type Incident } from "../../model/incident.js";
import { formatHunks, unifiedHunks } from "../../util/unified-diff.js";
import type { Report } from "../report.js";
import { fixProofLabel } from "../fix-proof-label.js";
import { FIX_DIFF_CONTEXT } from "../text.js";
import { cells, incidentTitle, summaryRows, type SummaryRow } from "../triage.js";
import { own, safe } from "./escape.js";

const SEVERITY_WORD: Record<Finding["severity"], string> = { error: "ERROR", warning: "WARN", info: "INFO" };

/** Findings shown in full in one incident; the rest get a line each. */
const MEMBERS_IN_FULL = 12;

/** The pictures an incident gets, keyed by incident id (restart and event timelines of its pods). */
export type IncidentFigures = ReadonlyMap<number, string>;

let copyTargets = 0;

/** Copy buttons are numbered from 1 in each page. */
export function resetCopyTargets(): void {
  copyTargets = 0;
}

/** A block of text with a button that copies it (the text, without the `$ ` prompt of commands). */
export function copyBlock(className: string, lines: readonly string[], label: string): string {
  const id = `copy-${++copyTargets}`;
  return `<div class="copyable"><button type="button" class="copy" data-copy="${id}" aria-label="${own(label)}">Copy</button><pre class="${className}" id="${id}">${lines.join(className === "yaml" ? "\n" : "")}</pre></div>`;
}

export function commandBlock(commands: readonly string[], label: string): string {
  if (commands.length === 0) return "";
  return copyBlock("commands", commands.map((command) => `<code>${safe(command)}</code>`), label);
}

/** The fix as a unified diff of the object it changes, the lines coloured by what they do. */
export function diffBlock(change: YamlChange): string {
  const target = change.target ?? "the object";
  const created = change.before.trim() === "";
  const lines = [`<span class="meta">--- ${safe(created ? "/dev/null" : `${target} (now)`)}</span>`, `<span class="meta">+++ ${safe(`${target}${created ? " (new)" : " (fixed)"}`)}</span>`];
  for (const line of formatHunks(unifiedHunks(created ? "" : change.before, change.after, FIX_DIFF_CONTEXT))) {
    const kind = line.startsWith("@@") ? "hunk" : line.startsWith("-") ? "del" : line.startsWith("+") ? "add" : "ctx";
    lines.push(`<span class="${kind}">${safe(line)}</span>`);
  }
  const diff = copyBlock("diff", lines, "copy the diff");
  const after = `<details class="after"><summary>${safe(created ? `${target}: the new object` : `${target} after the fix`)}</summary>${copyBlock("yaml", [safe(change.after)], "copy the fixed YAML")}</details>`;
  return diff + after;
}

function location(evidence: Evidence): string {
  if (!evidence.path) return "";
  return evidence.line ? `${evidence.path}:${evidence.line}` : evidence.path;
}

function resourceTitle(finding: Finding): string {
  const r = finding.resource;
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}${r.container ? ` (container ${r.container})` : ""}`;
}

function badge(severity: Finding["severity"]): string {
  return `<span class="badge sev-${severity}">${SEVERITY_WORD[severity]}</span>`;
}

/** One finding in full: summary, evidence with its source lines, why, the fix as a diff, commands, verification. */
export function findingBlock(finding: Finding): string {
  const out: string[] = [];
  const where = finding.resource.file ? ` <span class="where">${safe(`${finding.resource.file}${finding.resource.line ? `:${finding.resource.line}` : ""}`)}</span>` : "";
  out.push(`<p class="finding-title">${badge(finding.severity)} <strong>${safe(resourceTitle(finding))}</strong>${where}</p>`);
  out.push(`<p class="summary-text">${safe(finding.summary)}</p>`);
  out.push(`<p class="meta-line">${safe(finding.category)} · <code>${safe(finding.rule)}</code> · confidence ${own(finding.confidence.toFixed(2))}${finding.equivalents.length ? ` · ${safe(finding.equivalents.join(", "))}` : ""}</p>`);
  if (finding.evidence.length > 0) {
    const items = finding.evidence.map((item) => {
      const loc = location(item);
      return `<li><span class="source">${safe(item.source)}</span> <code class="line">${safe(item.text)}</code>${loc ? ` <span class="where">${safe(loc)}</span>` : ""}</li>`;
    });
    out.push(`<h4>Evidence</h4><ul class="evidence">${items.join("")}</ul>`);
  }
  if (finding.cause) out.push(`<h4>Why</h4><p>${safe(finding.cause)}</p>`);
  if (finding.fix) {
    const label = fixProofLabel(finding.fix);
    const proof = label ? `<span class="proof ${label.proven ? "proven" : "guidance"}">${safe(label.text)}</span>` : "";
    out.push(`<h4>Fix ${proof}</h4><p>${safe(finding.fix.description)}</p>`);
    if (finding.fix.yaml) out.push(diffBlock(finding.fix.yaml));
    out.push(commandBlock(finding.fix.commands, "copy the fix commands"));
  }
  if (finding.verify.length > 0) out.push(`<h4>Verify</h4>${commandBlock(finding.verify, "copy the verify commands")}`);
  if (finding.symptoms && finding.symptoms.length > 0) out.push(`<p class="dim">Also explains: ${safe(finding.symptoms.map((symptom) => symptom.summary).join("; "))}</p>`);
  return out.join("");
}

function filterAttributes(incidents: readonly Incident[], report: Report): string {
  const namespaces = [...new Set(incidents.map((incident) => incident.resource.namespace || "-"))];
  const categories = [...new Set(incidents.flatMap((incident) => incident.findings.map((index) => report.findings[index]!.category)))];
  return `data-severity="${incidents[0]!.severity}" data-namespaces="${safe(namespaces.join(" "))}" data-categories="${safe(categories.join(" "))}"`;
}

function anchor(row: SummaryRow): string {
  return `incident-${row.incidents[0]!.id}`;
}

/** The triage list as a table: the same rows and columns as the text summary, each linking to its section. */
export function summaryTable(report: Report): string {
  const incidents = report.incidents ?? [];
  if (incidents.length === 0) return `<p class="clean">${report.findings.length === 0 ? "No problems found." : "No incidents."}</p>`;
  const counts = { error: 0, warning: 0, info: 0 };
  for (const incident of incidents) counts[incident.severity]++;
  const rows = summaryRows(incidents).map((row) => {
    const [number, severity, namespace, resource, cause, action, urgency] = cells(row, report, true);
    return `<tr class="incident-row sev-${row.incidents[0]!.severity}" data-target="${anchor(row)}" ${filterAttributes(row.incidents, report)}><td class="num"><a href="#${anchor(row)}">${own(number!)}</a></td><td>${badge(row.incidents[0]!.severity).replace(SEVERITY_WORD[row.incidents[0]!.severity], own(severity!))}</td><td>${safe(namespace)}</td><td><a href="#${anchor(row)}">${safe(resource)}</a></td><td>${safe(cause)}</td><td>${safe(action)}</td><td class="dim">${safe(urgency)}</td></tr>`;
  });
  const title = `${incidents.length} incident${incidents.length === 1 ? "" : "s"}, most urgent first: ${counts.error} error${counts.error === 1 ? "" : "s"}, ${counts.warning} warning${counts.warning === 1 ? "" : "s"}, ${counts.info} info`;
  return `<h2 id="summary-title">${own(title)}</h2><table class="summary" id="summary"><thead><tr><th>#</th><th>sev</th><th>namespace</th><th>resource</th><th>cause</th><th>first action</th><th>urgency</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function memberLine(finding: Finding): string {
  return `${badge(finding.severity)} ${safe(resourceTitle(finding))}: ${safe(finding.summary)} <code class="dim">${safe(finding.rule)}</code>`;
}

/** One incident: its primary finding in full, its pictures, the other findings folded. */
function incidentSection(incident: Incident, report: Report, figures: IncidentFigures): string {
  const primary = report.findings[incident.primary]!;
  const members = incident.findings.filter((index) => index !== incident.primary).map((index) => report.findings[index]!);
  const out: string[] = [];
  out.push(`<h3><span class="num">[${own(incident.id)}]</span> ${badge(incident.severity)} ${safe(incidentTitle(incident))} <span class="cause">${safe(incident.cause)}</span></h3>`);
  out.push(`<p class="meta-line">${own(URGENCY_LABEL[incident.urgency])} · first action: <strong>${safe(incident.action)}</strong>${incident.pods.length ? ` · ${own(incident.pods.length)} pod${incident.pods.length === 1 ? "" : "s"}` : ""}</p>`);
  out.push(findingBlock(primary));
  const pictures = figures.get(incident.id);
  if (pictures) out.push(`<div class="pictures">${pictures}</div>`);
  if (members.length > 0) {
    const full = members.slice(0, MEMBERS_IN_FULL).map((finding) => `<details class="member"><summary>${memberLine(finding)}</summary>${findingBlock(finding)}</details>`);
    const rest = members.slice(MEMBERS_IN_FULL).map((finding) => `<li>${memberLine(finding)}</li>`);
    out.push(`<h4>Also in this incident (${own(members.length)})</h4>${full.join("")}${rest.length ? `<ul class="members">${rest.join("")}</ul>` : ""}`);
  }
  return out.join("");
}

/** Incidents of one configuration rule on many objects, shown once. */
function repeatedSection(incidents: readonly Incident[], report: Report): string {
  const first = report.findings[incidents[0]!.primary]!;
  const last = incidents[incidents.length - 1]!;
  const names = incidents.map((incident) => `<li>${safe(incidentTitle(incident))}: ${safe(report.findings[incident.primary]!.summary)}</li>`);
  return `<h3><span class="num">[${own(incidents[0]!.id)}-${own(last.id)}]</span> ${badge(first.severity)} ${safe(`${first.rule} on ${incidents.length} resources`)} <span class="cause">${safe(incidents[0]!.cause)}</span></h3><p class="meta-line">${safe(first.category)} · <code>${safe(`ktriage explain ${first.rule}`)}</code></p><details class="member"><summary>The first in full: ${safe(incidentTitle(incidents[0]!))}</summary>${findingBlock(first)}</details><details class="member"><summary>All ${own(incidents.length)} resources</summary><ul class="members">${names.join("")}</ul></details>`;
}

/** One section per summary row, in the summary's order. */
export function incidentSections(report: Report, figures: IncidentFigures): string {
  return summaryRows(report.incidents ?? [])
    .map((row) => {
      const body = row.incidents.length === 1 ? incidentSection(row.incidents[0]!, report, figures) : repeatedSection(row.incidents, report);
      return `<section class="incident sev-${row.incidents[0]!.severity}" id="${anchor(row)}" data-incidents="${row.incidents.length}" ${filterAttributes(row.incidents, report)}>${body}</section>`;
    })
    .join("");
}

/** Namespace and category choices for the filters, from the incidents. */
export function filterChoices(report: Report): { namespaces: string[]; categories: string[] } {
  const namespaces = new Set<string>();
  const categories = new Set<string>();
  for (const incident of report.incidents ?? []) {
    namespaces.add(incident.resource.namespace || "-");
    for (const index of incident.findings) categories.add(report.findings[index]!.category);
  }
  return { namespaces: [...namespaces].sort(), categories: [...categories].sort() };
}

