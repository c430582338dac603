import type { ProxyStatusTable } from "../../envoy/proxy-status.js";
import { STATE_MEANINGS } from "../../envoy/proxy-status.js";
import { own, safe, token } from "./escape.js";

const ROWS = 200;

/** Each proxy's sync state per xDS type, coloured by state; out-of-sync proxies first. */
export function proxyStatusSection(tables: ReadonlyArray<{ source: string; table: ProxyStatusTable }>): string {
  const parts: string[] = [];
  for (const { source, table } of tables) {
    if (table.rows.length === 0) continue;
    const types = [...new Set(table.rows.flatMap((row) => Object.keys(row.types)))];
    const synced = (row: (typeof table.rows)[number]) => Object.values(row.types).every((status) => status.state === "SYNCED" || status.state === "IGNORED");
    const rows = [...table.rows].sort((a, b) => Number(synced(a)) - Number(synced(b)) || a.proxy.localeCompare(b.proxy));
    const body = rows.slice(0, ROWS).map((row) => {
      const cells = types.map((type) => {
        const status = row.types[type];
        if (!status) return `<td class="sync none">-</td>`;
        return `<td data-mark="sync" class="sync sync-${own(token(status.state))}" title="${safe(`${type} ${status.state}: ${STATE_MEANINGS[status.state]}${status.note ? ` (${status.note})` : ""}`)}">${safe(status.state)}</td>`;
      });
      return `<tr><td>${safe(row.proxy)}</td><td>${safe(row.version ?? "")}</td><td>${safe(row.istiod ?? "")}</td>${cells.join("")}</tr>`;
    });
    const hiddenOut = rows.slice(ROWS).filter((row) => !synced(row)).length;
    const more = rows.length > ROWS ? `<p class="dim">${own(`... and ${rows.length - ROWS} more proxies${hiddenOut ? `, ${hiddenOut} of them out of sync` : ", all in sync"}`)}</p>` : "";
    parts.push(`<figure class="figure proxy-status" data-chart="proxy-status"><figcaption>${safe(`Proxy sync state, ${source}`)}</figcaption><table class="sync-grid"><thead><tr><th>proxy</th><th>version</th><th>istiod</th>${types.map((type) => `<th>${safe(type)}</th>`).join("")}</tr></thead><tbody>${body.join("")}</tbody></table>${more}</figure>`);
  }
  return parts.length ? `<section class="proxies" id="proxy-status"><h2>Proxy status</h2>${parts.join("")}</section>` : "";
}
