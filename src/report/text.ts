import pc from "picocolors";
import type { Evidence, Finding } from "../model/finding.js";
import type { Report, RenderOptions } from "./report.js";

type Colors = ReturnType<typeof pc.createColors>;

const SEVERITY_LABEL: Record<Finding["severity"], string> = { error: "ERROR", warning: "WARN", info: "INFO" };

export function wrap(text: string, width: number, indent: string, firstIndent = indent): string[] {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    let prefix = out.length === 0 ? firstIndent : indent;
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
    out.push(prefix + line);
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

function renderFinding(finding: Finding, options: RenderOptions, c: Colors): string[] {
  const width = options.width;
  const lines: string[] = [];
  const where = finding.resource.file ? `  ${c.dim(`${finding.resource.file}${finding.resource.line ? `:${finding.resource.line}` : ""}`)}` : "";
  lines.push(`${severityBadge(finding, c)}  ${c.bold(resourceTitle(finding))}${where}`);
  lines.push(...wrap(finding.summary, width, "   ", "   ").map((l) => c.bold(l)));
  lines.push(c.dim(`   ${finding.category} · ${finding.rule} · confidence ${finding.confidence.toFixed(2)}${finding.equivalents.length ? ` · ${finding.equivalents.join(", ")}` : ""}`));

  if (finding.evidence.length > 0) {
    lines.push(`   ${c.underline("Evidence")}`);
    for (const item of finding.evidence) {
      const loc = location(item);
      const text = loc ? `${item.text}  (${loc})` : item.text;
      const selfDescribing = item.text.toLowerCase().startsWith(`${item.source.toLowerCase()} `);
      const prefix = selfDescribing ? "   • " : `   • ${item.source}: `;
      lines.push(...wrap(text, width, "       ", prefix));
    }
  }
  if (finding.cause) {
    lines.push(`   ${c.underline("Why")}`);
    lines.push(...wrap(finding.cause, width, "     "));
  }
  if (finding.fix) {
    lines.push(`   ${c.underline("Fix")}`);
    lines.push(...wrap(finding.fix.description, width, "     "));
    if (finding.fix.yaml) {
      if (finding.fix.yaml.target) lines.push(c.dim(`     ${finding.fix.yaml.target}`));
      for (const line of finding.fix.yaml.before.split("\n")) lines.push(c.red(`     - ${line}`));
      for (const line of finding.fix.yaml.after.split("\n")) lines.push(c.green(`     + ${line}`));
    }
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

/** Warnings and notes one rule raises on many resources (a missing probe on every Deployment) are shown once. */
const GROUP_THRESHOLD = 4;

function groupRepeated(findings: readonly Finding[]): { single: Finding[]; grouped: Finding[][] } {
  const byRule = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (finding.severity === "error") continue;
    let list = byRule.get(finding.rule);
    if (!list) byRule.set(finding.rule, (list = []));
    list.push(finding);
  }
  const groupedRules = new Set([...byRule].filter(([, list]) => list.length >= GROUP_THRESHOLD).map(([rule]) => rule));
  return {
    single: findings.filter((finding) => finding.severity === "error" || !groupedRules.has(finding.rule)),
    grouped: [...groupedRules].map((rule) => byRule.get(rule)!),
  };
}

/**
 * Pods with the very same finding (rule, namespace, container and summary: the replicas of one
 * Deployment, the retries of one Job) are shown once, with the other pods named under it.
 */
function collapseSamePods(findings: readonly Finding[]): { single: Finding[]; samePods: Map<Finding, Finding[]> } {
  const firstByKey = new Map<string, Finding>();
  const samePods = new Map<Finding, Finding[]>();
  const single: Finding[] = [];
  for (const finding of findings) {
    const r = finding.resource;
    if (r.kind !== "Pod") {
      single.push(finding);
      continue;
    }
    const key = `${finding.rule}|${r.namespace ?? ""}|${r.container ?? ""}|${finding.summary}`;
    const first = firstByKey.get(key);
    if (!first) {
      firstByKey.set(key, finding);
      single.push(finding);
      continue;
    }
    let list = samePods.get(first);
    if (!list) samePods.set(first, (list = []));
    list.push(finding);
  }
  return { single, samePods };
}

function renderGroup(group: Finding[], options: RenderOptions, c: Colors): string[] {
  const first = group[0]!;
  const names = group.map((f) => `${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ""}${f.resource.name}`);
  const unique = [...new Set(names)];
  const shown = unique.slice(0, 6).join(", ") + (unique.length > 6 ? `, +${unique.length - 6} more` : "");
  const lines = [`${severityBadge(first, c)}  ${c.bold(`${first.rule} on ${group.length} resources`)} ${c.dim(`(${first.category})`)}`];
  lines.push(...wrap(`e.g. ${first.summary}`, options.width, "     ", "   "));
  lines.push(...wrap(shown, options.width, "     ", "   ").map((line) => c.dim(line)));
  if (first.fix) lines.push(...wrap(`Fix: ${first.fix.description}`, options.width, "     ", "   "));
  lines.push(c.dim(`   ktriage explain ${first.rule}`));
  return lines;
}

/** The report an on-call engineer reads first: verdict, evidence with origins, fix, verify. */
export function renderText(report: Report, options: RenderOptions): string {
  const c = pc.createColors(options.color);
  const out: string[] = [];
  const inputs = report.inputs;
  const header = [
    `ktriage ${report.command}`,
    inputs.sources.length ? inputs.sources.slice(0, 3).join(", ") + (inputs.sources.length > 3 ? ` +${inputs.sources.length - 3} more` : "") : report.mode,
    `${inputs.objects} objects, ${inputs.events} events, ${inputs.logs} logs${inputs.envoy ? `, ${inputs.envoy} envoy inputs` : ""}`,
  ].join(" · ");
  out.push(c.dim(header));

  for (const problem of inputs.problems) {
    out.push(c.yellow(`! ${problem.origin.file}${problem.origin.line ? `:${problem.origin.line}` : ""}: ${problem.message}`));
  }
  for (const missing of inputs.missing) {
    out.push(c.yellow(`! missing evidence: ${missing.what} (${missing.call}${missing.status ? ` → ${missing.status}` : ""})${missing.permission ? `; needs ${missing.permission}` : ""}`));
  }
  for (const failure of report.failures) {
    out.push(c.yellow(`! rule ${failure.rule} could not run on this input: ${failure.message}`));
  }
  out.push("");

  const loaded = inputs.objects + inputs.events + inputs.logs + inputs.envoy;
  if (loaded === 0) {
    out.push(c.red("✖ Nothing to analyse: no input could be read."));
  } else if (report.findings.length === 0) {
    out.push(c.green("✔ No problems found."));
  }
  const { single: all, grouped } = options.verbose ? { single: report.findings, grouped: [] } : groupRepeated(report.findings);
  const { single, samePods } = options.verbose ? { single: all, samePods: new Map<Finding, Finding[]>() } : collapseSamePods(all);
  single.forEach((finding, index) => {
    out.push(...renderFinding(finding, options, c));
    const same = samePods.get(finding);
    if (same) {
      const names = same.map((other) => other.resource.name);
      out.push(...wrap(`Same finding on ${same.length} more pod${same.length === 1 ? "" : "s"}: ${names.slice(0, 8).join(", ")}${names.length > 8 ? `, +${names.length - 8} more` : ""} (--verbose shows each)`, options.width, "   ", "   ").map((line) => c.dim(line)));
    }
    if (index < single.length - 1) out.push("");
  });
  if (grouped.length > 0) {
    out.push("", c.bold("Found on many resources") + c.dim(" (--verbose shows each in full; -o json lists every finding)"));
    for (const group of grouped) out.push(...renderGroup(group, options, c));
  }

  out.push("");
  const counts = { error: 0, warning: 0, info: 0 };
  for (const finding of report.findings) counts[finding.severity]++;
  const resources = new Set(report.findings.map((f) => `${f.resource.kind}/${f.resource.namespace}/${f.resource.name}`)).size;
  const summary = `${counts.error} error${counts.error === 1 ? "" : "s"}, ${counts.warning} warning${counts.warning === 1 ? "" : "s"}, ${counts.info} info on ${resources} resource${resources === 1 ? "" : "s"}`;
  out.push(c.bold(summary) + c.dim(` · ${report.skipped.length} rules skipped for missing inputs${options.showSkipped ? "" : " (--show-skipped lists them)"}`));
  if (options.showSkipped) {
    for (const skipped of report.skipped) out.push(c.dim(`  - ${skipped.rule}: ${skipped.reason}`));
  }
  const suppressed = report.suppressed ?? [];
  if (suppressed.length > 0) {
    const shown = suppressed.slice(0, 5).map((item) => `${item.code} on ${item.resource}`).join(", ");
    out.push(c.dim(`${suppressed.length} suppressed (galley.istio.io/analyze-suppress or --suppress): ${shown}${suppressed.length > 5 ? ", ..." : ""}`));
  }
  return out.join("\n") + "\n";
}
