import pc from "picocolors";
import type { Evidence, Finding, YamlChange } from "../model/finding.js";
import type { Incident } from "../model/incident.js";
import { formatHunks, unifiedHunks } from "../util/unified-diff.js";
import { incidentTitle, renderSummary } from "./triage.js";
import { fixProofLabel } from "./fix-proof-label.js";
import type { Report, RenderOptions } from "./report.js";

type Colors = ReturnType<typeof pc.createColors>;

const SEVERITY_LABEL: Record<Finding["severity"], string> = { error: "ERROR", warning: "WARN", info: "INFO" };

export function wrap(text: string, width: number, indent: string, firstIndent = indent): string[] {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    let prefix = out.length === 0 ? firstIndent : indent;
    // Laid-out lines (YAML, diffs, a stack trace's frames, tables) keep their spaces: printed as they are.
    if (/^[ \t]|\S {2,}\S|\t/.test(paragraph)) {
      out.push(prefix + paragraph.trimEnd());
      continue;
    }
    let line = "";
    for (const word of paragraph.split(/ +/)) {
      if (line !== "" && prefix.length + line.length + 1 + word.length > width) {
        out.push(prefix + line);
        prefix = indent;
        line = word;
      } else {
        line = line === "" ? word : `${line} ${word}`;
      }
    }
    out.push(line === "" ? prefix.trimEnd() : prefix + line);
  }
  return out;
}

function location(evidence: Evidence): string {
  if (!evidence.path) return "";
  return evidence.line ? `${evidence.path}:${evidence.line}` : evidence.path;
}

function resourceTitle(finding: Finding): string {
  const r = finding.resource;
  const name = r.namespace ? `${r.namespace}/${r.name}` : r.name;
  return `${r.kind} ${name}${r.container ? ` (container ${r.container})` : ""}`;
}

function severityBadge(finding: Finding, c: Colors): string {
  const label = SEVERITY_LABEL[finding.severity];
  if (finding.severity === "error") return c.bold(c.red(`✖ ${label}`));
  if (finding.severity === "warning") return c.bold(c.yellow(`▲ ${label}`));
  return c.bold(c.cyan(`● ${label}`));
}

/** Lines of context around each change of a fix's diff. */
export const FIX_DIFF_CONTEXT = 3;

/** A fix's YAML as a unified diff of the object it changes; --verbose adds the whole YAML after the fix. */
export function renderYamlChange(change: YamlChange, options: RenderOptions, c: Colors): string[] {
  const lines: string[] = [];
  const target = change.target ?? "the object";
  const created = change.before.trim() === "";
  lines.push(c.dim(`     --- ${created ? "/dev/null" : `${target} (now)`}`));
  lines.push(c.dim(`     +++ ${target}${created ? " (new)" : " (fixed)"}`));
  for (const line of formatHunks(unifiedHunks(created ? "" : change.before, change.after, FIX_DIFF_CONTEXT))) {
    if (line.startsWith("@@")) lines.push(c.cyan(`     ${line}`));
    else if (line.startsWith("-")) lines.push(c.red(`     ${line}`));
    else if (line.startsWith("+")) lines.push(c.green(`     ${line}`));
    else lines.push(`     ${line}`);
  }
  if (options.verbose && !created) {
    lines.push(c.dim(`     ${target} after the fix:`));
    for (const line of change.after.split("\n")) lines.push(`       ${line}`);
  }
  return lines;
}

function renderFinding(finding: Finding, options: RenderOptions, c: Colors, number?: number): string[] {
  const width = options.width;
  const lines: string[] = [];
  const where = finding.resource.file ? `  ${c.dim(`${finding.resource.file}${finding.resource.line ? `:${finding.resource.line}` : ""}`)}` : "";
  lines.push(`${number === undefined ? "" : c.bold(`[${number}] `)}${severityBadge(finding, c)}  ${c.bold(resourceTitle(finding))}${where}`);
  lines.push(...wrap(finding.summary, width, "   ", "   ").map((l) => c.bold(l)));
  lines.push(c.dim(`   ${finding.category} · ${finding.rule} · confidence ${finding.confidence.toFixed(2)}${finding.equivalents.length ? ` · ${finding.equivalents.join(", ")}` : ""}`));

  if (finding.evidence.length > 0) {
    lines.push(`   ${c.underline("Evidence")}`);
    for (const item of finding.evidence) {
      const loc = location(item);
      const selfDescribing = item.text.toLowerCase().startsWith(`${item.source.toLowerCase()} `);
      const prefix = selfDescribing ? "   • " : `   • ${item.source}: `;
      const wrapped = wrap(item.text, width, "       ", prefix);
      if (loc) {
        const last = wrapped.pop()!;
        wrapped.push(...(last.length + loc.length + 4 <= width ? [`${last}  (${loc})`] : [last, `       (${loc})`]));
      }
      lines.push(...wrapped);
    }
  }
  if (finding.cause) {
    lines.push(`   ${c.underline("Why")}`);
    lines.push(...wrap(finding.cause, width, "     "));
  }
  if (finding.fix) {
    const label = fixProofLabel(finding.fix);
    const proof = label ? (label.proven ? c.green(label.text) : c.yellow(label.text)) : "";
    lines.push(`   ${c.underline("Fix")}${proof ? ` ${c.dim("·")} ${proof}` : ""}`);
    lines.push(...wrap(finding.fix.description, width, "     "));
    if (finding.fix.yaml) lines.push(...renderYamlChange(finding.fix.yaml, options, c));
    for (const command of finding.fix.commands) lines.push(`     ${c.cyan("$")} ${command}`);
  }
  if (finding.verify.length > 0) {
    lines.push(`   ${c.underline("Verify")}`);
    for (const command of finding.verify) lines.push(`     ${c.cyan("$")} ${command}`);
  }
  if (finding.symptoms && finding.symptoms.length > 0) {
    lines.push(c.dim(`   Also explains: ${finding.symptoms.map((s) => s.summary).join("; ")}`));
  }
  return lines;
}

function memberTitle(finding: Finding): string {
  return resourceTitle(finding);
}

/** The other findings of an incident, one line each; pods with the very same finding share a line. */
function renderMembers(members: readonly Finding[], options: RenderOptions, c: Colors): string[] {
  if (members.length === 0) return [];
  const groups = new Map<string, Finding[]>();
  for (const finding of members) {
    const key = `${finding.rule}|${finding.resource.kind}|${finding.resource.namespace ?? ""}|${finding.resource.container ?? ""}|${finding.summary}`;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(finding);
  }
  const lines = [`   ${c.underline(`Also in this incident (${members.length})`)}`];
  for (const group of groups.values()) {
    const first = group[0]!;
    lines.push(...wrap(`${memberTitle(first)}: ${first.summary} ${c.dim(`[${first.rule}]`)}`, options.width, "       ", "   • "));
    if (group.length > 1) {
      const names = group.slice(1).map((other) => other.resource.name);
      lines.push(...wrap(`the same on ${names.length} more: ${names.slice(0, 6).join(", ")}${names.length > 6 ? `, +${names.length - 6} more` : ""}`, options.width, "       ", "       ").map((line) => c.dim(line)));
    }
  }
  lines.push(c.dim("   (--verbose shows each in full)"));
  return lines;
}

function renderIncident(incident: Incident, report: Report, options: RenderOptions, c: Colors): string[] {
  const primary = report.findings[incident.primary]!;
  const members = incident.findings.filter((index) => index !== incident.primary).map((index) => report.findings[index]!);
  const lines = renderFinding(primary, options, c, incident.id);
  if (options.verbose) {
    for (const member of members) lines.push("", ...renderFinding(member, options, c, incident.id));
  } else {
    lines.push(...renderMembers(members, options, c));
  }
  return lines;
}

/** Incidents of one configuration rule on many objects, shown once (a missing probe on every Deployment). */
function renderRepeated(incidents: readonly Incident[], report: Report, options: RenderOptions, c: Colors): string[] {
  const first = report.findings[incidents[0]!.primary]!;
  const last = incidents[incidents.length - 1]!;
  const names = incidents.map(incidentTitle);
  const shown = names.slice(0, 6).join(", ") + (names.length > 6 ? `, +${names.length - 6} more` : "");
  const lines = [`${c.bold(`[${incidents[0]!.id}-${last.id}] `)}${severityBadge(first, c)}  ${c.bold(`${first.rule} on ${incidents.length} resources`)} ${c.dim(`(${first.category})`)}`];
  lines.push(...wrap(`e.g. ${first.summary}`, options.width, "     ", "   "));
  lines.push(...wrap(shown, options.width, "     ", "   ").map((line) => c.dim(line)));
  if (first.fix) lines.push(...wrap(`Fix: ${first.fix.description}`, options.width, "     ", "   "));
  lines.push(c.dim(`   ktriage explain ${first.rule} · --verbose shows each in full`));
  return lines;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** Input problems, missing evidence and rule failures, one line each: the CLI writes them to stderr. */
export function inputProblemLines(report: Report): string[] {
  const inputs = report.inputs;
  const lines: string[] = [];
  for (const problem of inputs.problems) lines.push(`${problem.origin.file}${problem.origin.line ? `:${problem.origin.line}` : ""}: ${problem.message}`);
  for (const missing of inputs.missing) lines.push(`missing evidence: ${missing.what} (${missing.call}${missing.status ? ` → ${missing.status}` : ""})${missing.permission ? `; needs ${missing.permission}` : ""}`);
  for (const failure of report.failures) lines.push(`rule ${failure.rule} could not run on this input: ${failure.message}`);
  return lines;
}

/** The report an on-call engineer reads first: the triage list, then each incident's verdict, evidence, fix and verification. */
export function renderText(report: Report, options: RenderOptions): string {
  const c = pc.createColors(options.color);
  const summary = renderSummary(report, options);
  if (options.summaryOnly) return summary.length > 0 ? summary.join("\n") + "\n" : report.findings.length === 0 ? c.green("✔ No problems found.") + "\n" : "";

  const out: string[] = [];
  const inputs = report.inputs;
  const header = [
    `ktriage ${report.command}`,
    inputs.sources.length ? inputs.sources.slice(0, 3).join(", ") + (inputs.sources.length > 3 ? ` +${inputs.sources.length - 3} more` : "") : report.mode,
    `${inputs.objects} objects, ${inputs.events} events, ${inputs.logs} logs${inputs.envoy ? `, ${inputs.envoy} envoy inputs` : ""}`,
  ].join(" · ");
  out.push(c.dim(header));
  if (!options.problemsElsewhere) for (const line of inputProblemLines(report)) out.push(c.yellow(`! ${line}`));
  out.push("");

  const loaded = inputs.objects + inputs.events + inputs.logs + inputs.envoy;
  if (loaded === 0) out.push(c.red("✖ Nothing to analyse: no input could be read."));
  else if (report.findings.length === 0) out.push(c.green("✔ No problems found."));
  if (summary.length > 0) out.push(...summary, "", c.bold("Details"), "");

  const incidents = report.incidents ?? [];
  const rows: Incident[][] = [];
  for (const incident of incidents) {
    const last = rows[rows.length - 1];
    if (!options.verbose && incident.repeated && last && last[0]!.repeated && last[0]!.rule === incident.rule) last.push(incident);
    else rows.push([incident]);
  }
  const single = rows.filter((row) => row.length === 1);
  const repeated = rows.filter((row) => row.length > 1);
  single.forEach(([incident], index) => {
    out.push(...renderIncident(incident!, report, options, c));
    if (index < single.length - 1) out.push("");
  });
  if (repeated.length > 0) {
    out.push("", c.bold("Found on many resources") + c.dim(" (--verbose shows each in full; -o json lists every finding)"));
    for (const row of repeated) out.push(...renderRepeated(row, report, options, c));
  }

  out.push("");
  const counts = { error: 0, warning: 0, info: 0 };
  for (const finding of report.findings) counts[finding.severity]++;
  const resources = new Set(report.findings.map((f) => `${f.resource.kind}/${f.resource.namespace}/${f.resource.name}`)).size;
  const totals = `${plural(incidents.length, "incident")} · ${plural(counts.error, "error")}, ${plural(counts.warning, "warning")}, ${counts.info} info on ${plural(resources, "resource")}`;
  const requested = report.requestedSkipped ?? [];
  const skippedNote = options.showSkipped ? ` · ${report.skipped.length} rules skipped for missing inputs` : "";
  out.push(c.bold(totals) + c.dim(skippedNote));
  if (options.showSkipped) for (const skipped of report.skipped) out.push(c.dim(`  - ${skipped.rule}: ${skipped.reason}`));
  else for (const rule of requested) {
    const skipped = report.skipped.find((item) => item.rule === rule);
    out.push(c.yellow(`! --rule ${rule} could not run: ${skipped?.reason ?? "its inputs are missing"}`));
  }
  const suppressed = report.suppressed ?? [];
  if (suppressed.length > 0) {
    const shown = suppressed.slice(0, 5).map((item) => `${item.code} on ${item.resource}`).join(", ");
    out.push(c.dim(`${suppressed.length} suppressed (galley.istio.io/analyze-suppress or --suppress): ${shown}${suppressed.length > 5 ? ", ..." : ""}`));
  }
  return out.join("\n") + "\n";
}
