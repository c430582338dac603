import { LAYOUT_LIMITS, STATE_MEANINGS, type ProxyStatusTable } from "../envoy/proxy-status.js";
import type { Finding } from "../model/finding.js";

/** The proxy-status table as JSON, with the findings on it. */
export function proxyStatusJson(table: ProxyStatusTable, findings: readonly Finding[]): string {
  return JSON.stringify({ layout: table.layout, layoutLimits: LAYOUT_LIMITS[table.layout], proxies: table.rows, istiodVersions: table.istiodVersions, findings }, null, 2) + "\n";
}

/** How many proxies are in each sync state, and what the layout they were read from can and cannot tell. */
export function proxyStatusText(table: ProxyStatusTable): string {
  const counts = new Map<string, number>();
  for (const row of table.rows) for (const status of Object.values(row.types)) counts.set(status.state, (counts.get(status.state) ?? 0) + 1);
  const limits = LAYOUT_LIMITS[table.layout];
  const lines = [`${table.rows.length} proxies, read from ${limits.name}`, `  tells: ${limits.tells}`, `  cannot tell: ${limits.cannotTell}`];
  for (const [state, count] of counts) lines.push(`  ${state.padEnd(9)} ${String(count).padStart(4)}  ${STATE_MEANINGS[state as keyof typeof STATE_MEANINGS]}`);
  return lines.join("\n") + "\n\n";
}
