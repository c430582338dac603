import pc from "picocolors";
import { formatBytes, type CheckStatus, type Phase, type ReadinessReport } from "../queries/readiness.js";

const MARK: Record<CheckStatus, string> = { ok: "OK  ", warn: "WARN", fail: "FAIL", info: "INFO", unknown: "??  " };
const MD_MARK: Record<CheckStatus, string> = { ok: "✅", warn: "⚠️", fail: "❌", info: "ℹ️", unknown: "❔" };

/** Plain text for a terminal. */
export function readinessText(report: ReadinessReport, paint: { bold: (text: string) => string; status: (status: CheckStatus, text: string) => string } = { bold: (text) => text, status: (_status, text) => text }): string {
  const lines: string[] = [];
  const cluster = report.cluster;
  lines.push(paint.bold(`Istio adoption readiness (${report.scope})`));
  lines.push(
    `cluster: ${cluster.nodes} node(s), ${cluster.cpuCores === undefined ? "CPU unknown" : `${Number(cluster.cpuCores.toFixed(2))} cores`}, ${formatBytes(cluster.memoryBytes)} memory${cluster.local ? `, ${cluster.local}` : ""}; istiod: ${cluster.istiod}`,
  );
  lines.push("", paint.bold("Checklist"));
  for (const check of report.checks) {
    lines.push(`  [${paint.status(check.status, MARK[check.status])}] ${check.title}`);
    lines.push(`         ${check.detail}`);
    for (const item of check.items.slice(0, 10)) lines.push(`         - ${item}`);
    if (check.items.length > 10) lines.push(`         ... and ${check.items.length - 10} more`);
  }
  lines.push("", paint.bold("Rollout plan (never all at once)"));
  for (const phase of report.plan) lines.push(...phaseText(`Phase ${phase.phase}`, phase));
  lines.push("", paint.bold("Rollback plan"));
  for (const step of report.rollback) lines.push(...phaseText(`Step ${step.phase}`, step));
  lines.push("", paint.bold("After adoption"));
  for (const command of report.afterAdoption) lines.push(`  ${command}`);
  return `${lines.join("\n")}\n`;
}

function phaseText(label: string, phase: Phase): string[] {
  return [`  ${label}: ${phase.title}`, `    ${phase.goal}`, ...phase.commands.map((command) => `    $ ${command}`), ...phase.confirm.map((command) => `    check: ${command}`)];
}

/** Markdown for a ticket or a wiki page. */
export function readinessMarkdown(report: ReadinessReport): string {
  const lines: string[] = [`## Istio adoption readiness (${report.scope})`, ""];
  const cluster = report.cluster;
  lines.push(`Cluster: ${cluster.nodes} node(s), ${cluster.cpuCores === undefined ? "CPU unknown" : `${Number(cluster.cpuCores.toFixed(2))} cores`}, ${formatBytes(cluster.memoryBytes)} memory${cluster.local ? `, ${cluster.local}` : ""}; istiod: ${cluster.istiod}.`, "");
  lines.push("### Checklist", "");
  for (const check of report.checks) {
    lines.push(`- ${MD_MARK[check.status]} **${check.title}**: ${check.detail}`);
    for (const item of check.items.slice(0, 20)) lines.push(`  - \`${item}\``);
  }
  lines.push("", "### Rollout plan", "");
  for (const phase of report.plan) lines.push(...phaseMarkdown(`Phase ${phase.phase}`, phase));
  lines.push("### Rollback plan", "");
  for (const step of report.rollback) lines.push(...phaseMarkdown(`Step ${step.phase}`, step));
  lines.push("### After adoption", "", "```bash", ...report.afterAdoption, "```", "");
  return lines.join("\n");
}

function phaseMarkdown(label: string, phase: Phase): string[] {
  return [`**${label}: ${phase.title}**. ${phase.goal}`, "", "```bash", ...phase.commands, ...phase.confirm, "```", ""];
}

const STATUS_COLOR: Record<CheckStatus, (text: string) => string> = { ok: pc.green, warn: pc.yellow, fail: pc.red, info: pc.cyan, unknown: pc.dim };

/** The readiness report in one of its formats; html is loaded only when asked for. */
export async function renderReadiness(report: ReadinessReport, format: "text" | "json" | "markdown" | "html", options: { color: boolean; now: Date; sources: string[]; toolVersion: string }): Promise<string> {
  if (format === "html") return (await import("./html/document.js")).renderHtml({ title: "ktriage mesh readiness", readiness: report, now: options.now, sources: options.sources, toolVersion: options.toolVersion });
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  if (format === "markdown") return readinessMarkdown(report);
  return readinessText(report, options.color ? { bold: pc.bold, status: (status, value) => STATUS_COLOR[status](value) } : undefined);
}
