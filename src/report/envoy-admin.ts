import { notableStats, type ServerInfo } from "../envoy/admin.js";

/** A live proxy's log levels: the current ones when Envoy lists them, else those it started with. */
export interface ProxyLogLevels {
  proxy: string;
  /** Where the levels come from, in words. */
  source: string;
  levels?: Map<string, string>;
  startup: ServerInfo;
  /** The commands that would change the level (a write: printed, never run). */
  changeCommands: string[];
}

export function adminStatsJson(proxy: string, stats: Map<string, number>): string {
  return JSON.stringify({ proxy, stats: Object.fromEntries(stats), notable: notableStats(stats) }, null, 2) + "\n";
}

export function adminStatsText(proxy: string, stats: Map<string, number>): string {
  const notable = notableStats(stats);
  const lines = [`${proxy}: ${stats.size} counters and gauges`];
  if (notable.length === 0) lines.push("  no rejected configuration, no ejected hosts, no connection failures");
  for (const item of notable) lines.push(`  ${item.name}: ${item.value}   ${item.meaning}`);
  return lines.join("\n") + "\n";
}

export function serverInfoJson(proxy: string, info: ServerInfo): string {
  return JSON.stringify({ proxy, ...info }, null, 2) + "\n";
}

export function serverInfoText(proxy: string, info: ServerInfo): string {
  return [`${proxy}:`, `  version: ${info.version}`, `  state: ${info.state}`, `  uptime: ${info.uptime}s`, `  log level at start: ${info.logLevel ?? "(not given)"}${info.componentLogLevel ? `; components: ${info.componentLogLevel}` : ""}`].join("\n") + "\n";
}

export function logLevelsJson(levels: ProxyLogLevels): string {
  const { startup } = levels;
  return JSON.stringify({ proxy: levels.proxy, source: levels.source, levels: levels.levels ? Object.fromEntries(levels.levels) : undefined, startup: { logLevel: startup.logLevel, componentLogLevel: startup.componentLogLevel }, changeCommands: levels.changeCommands }, null, 2) + "\n";
}

export function logLevelsText(levels: ProxyLogLevels): string {
  const { startup } = levels;
  const lines = [`${levels.proxy}: ${levels.source}`];
  if (levels.levels) {
    lines.push("active loggers:");
    for (const [name, value] of [...levels.levels].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`  ${name}: ${value}`);
  } else lines.push(`  --log-level ${startup.logLevel ?? "(not given)"}${startup.componentLogLevel ? `  --component-log-level ${startup.componentLogLevel}` : ""}`);
  if (levels.changeCommands.length) lines.push("", "Changing the level is a write; ktriage does not do it. Run one of:", ...levels.changeCommands.map((command) => `  $ ${command}`));
  return lines.join("\n") + "\n";
}
