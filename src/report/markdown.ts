import type { Finding } from "../model/finding.js";
import type { Report } from "./report.js";

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function resourceTitle(finding: Finding): string {
  const r = finding.resource;
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}${r.container ? ` (container ${r.container})` : ""}`;
}

/** A report to paste into a ticket or a pull request. */
export function renderMarkdown(report: Report): string {
  const out: string[] = [`# ktriage ${report.command}`, ""];
  out.push(`Inputs: ${report.inputs.sources.join(", ") || report.mode} — ${report.inputs.objects} objects, ${report.inputs.events} events, ${report.inputs.logs} logs.`, "");
  if (report.inputs.problems.length > 0) {
    out.push("**Input problems**", "");
    for (const p of report.inputs.problems) out.push(`- \`${p.origin.file}${p.origin.line ? `:${p.origin.line}` : ""}\`: ${p.message}`);
    out.push("");
  }
  if (report.findings.length === 0) {
    out.push("No problems found.", "");
    return out.join("\n");
  }
  out.push("| severity | resource | category | summary |", "|---|---|---|---|");
  for (const f of report.findings) out.push(`| ${f.severity} | ${escapeCell(resourceTitle(f))} | ${f.category} | ${escapeCell(f.summary)} |`);
  out.push("");
  for (const f of report.findings) {
    out.push(`## ${f.severity.toUpperCase()}: ${resourceTitle(f)}`, "", `**${f.summary}**`, "");
    out.push(`\`${f.rule}\` · ${f.category} · confidence ${f.confidence.toFixed(2)}${f.equivalents.length ? ` · ${f.equivalents.join(", ")}` : ""}`, "");
    if (f.evidence.length) {
      out.push("**Evidence**", "");
      for (const e of f.evidence) out.push(`- *${e.source}*: ${e.text}${e.path ? ` (\`${e.path}${e.line ? `:${e.line}` : ""}\`)` : ""}`);
      out.push("");
    }
    if (f.cause) out.push("**Why**", "", f.cause, "");
    if (f.fix) {
      out.push("**Fix**", "", f.fix.description, "");
      if (f.fix.yaml) {
        if (f.fix.yaml.target) out.push(`${f.fix.yaml.target}:`, "");
        out.push("```diff", ...f.fix.yaml.before.split("\n").map((l) => `- ${l}`), ...f.fix.yaml.after.split("\n").map((l) => `+ ${l}`), "```", "");
      }
      if (f.fix.commands.length) out.push("```sh", ...f.fix.commands, "```", "");
    }
    if (f.verify.length) out.push("**Verify**", "", "```sh", ...f.verify, "```", "");
  }
  return out.join("\n");
}
