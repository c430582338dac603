import { formatBytes, type CheckStatus, type Phase, type ReadinessReport } from "../../queries/readiness.js";
import { own, safe } from "./escape.js";
import { commandBlock } from "./incidents.js";

export const STATUS_WORD: Record<CheckStatus, string> = { ok: "pass", warn: "warn", fail: "fail", info: "info", unknown: "unknown" };

/** The adoption checklist as a table with pass/warn/fail, then the rollout and rollback plans. */
export function readinessSection(report: ReadinessReport): string {
  const cluster = report.cluster;
  const counts = new Map<CheckStatus, number>();
  for (const check of report.checks) counts.set(check.status, (counts.get(check.status) ?? 0) + 1);
  const tally = (["fail", "warn", "ok", "info", "unknown"] as const).filter((status) => counts.has(status)).map((status) => `<span class="status st-${status}">${own(`${counts.get(status)} ${STATUS_WORD[status]}`)}</span>`);
  const rows = report.checks.map((check) => {
    const items = check.items.slice(0, 20).map((item) => `<li>${safe(item)}</li>`);
    const more = check.items.length > 20 ? `<li class="dim">${own(`... and ${check.items.length - 20} more`)}</li>` : "";
    return `<tr class="check st-${check.status}" data-status="${check.status}"><td><span data-mark="check" class="status st-${check.status}">${own(STATUS_WORD[check.status])}</span></td><td><strong>${safe(check.title)}</strong></td><td>${safe(check.detail)}${items.length ? `<ul>${items.join("")}${more}</ul>` : ""}</td></tr>`;
  });
  const about = `${cluster.nodes} node(s), ${cluster.cpuCores === undefined ? "CPU unknown" : `${Number(cluster.cpuCores.toFixed(2))} cores`}, ${formatBytes(cluster.memoryBytes)} memory${cluster.local ? `, ${cluster.local}` : ""}; istiod: ${cluster.istiod}; ${report.estimate.podsToInject} pods to inject, sidecars ${report.estimate.sidecarMemoryMiB[0]}-${report.estimate.sidecarMemoryMiB[1]} MiB`;
  return `<section class="readiness" id="readiness"><h2>${safe(`Istio adoption readiness (${report.scope})`)}</h2><p class="dim">${safe(about)}</p><p class="tally">${tally.join(" ")}</p><table class="checklist" data-chart="checklist"><thead><tr><th>status</th><th>check</th><th>detail</th></tr></thead><tbody>${rows.join("")}</tbody></table><h3>Rollout plan (never all at once)</h3>${report.plan.map((phase) => phaseBlock(`Phase ${phase.phase}`, phase)).join("")}<h3>Rollback plan</h3>${report.rollback.map((step) => phaseBlock(`Step ${step.phase}`, step)).join("")}<h3>After adoption</h3>${commandBlock(report.afterAdoption, "copy the commands")}</section>`;
}

function phaseBlock(label: string, phase: Phase): string {
  return `<div class="phase"><h4>${safe(`${label}: ${phase.title}`)}</h4><p>${safe(phase.goal)}</p>${commandBlock(phase.commands, `copy the commands of ${label}`)}${phase.confirm.length ? `<p class="dim">Check:</p>${commandBlock(phase.confirm, `copy the checks of ${label}`)}` : ""}</div>`;
}
