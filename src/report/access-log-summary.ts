/** The text and JSON forms of an access-log summary (`ktriage envoy logs`). */
import { TabWriter } from "./tabwriter.js";
import { responseFlag } from "../envoy/access-log/response-flags.js";
import type { AccessLogSummary, TrafficGroup } from "../envoy/access-log/summary.js";

export interface SummaryOptions {
  source: string;
  /** Rows per table. */
  top?: number;
  /** `10.244.0.17:3000` -> `istioinaction/catalog-primary-...` */
  podOf?: (host: string) => string | undefined;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "0%" : `${((part * 100) / whole).toFixed(1)}%`;
}

function latency(group: TrafficGroup): [string, string, string] {
  const value = (fraction: number) => {
    const result = group.durations.percentile(fraction);
    return result === undefined ? "-" : `${result}ms`;
  };
  return [value(0.5), value(0.95), value(0.99)];
}

function sortedGroups(map: ReadonlyMap<string, TrafficGroup>, top: number): Array<[string, TrafficGroup]> {
  return [...map.entries()].sort((a, b) => b[1].requests - a[1].requests || (a[0] < b[0] ? -1 : 1)).slice(0, top);
}

export function renderSummaryText(summary: AccessLogSummary, options: SummaryOptions): string {
  const top = options.top ?? 10;
  const out: string[] = [];
  const p = (fraction: number) => summary.durations.percentile(fraction) ?? "-";
  out.push(`Access log ${options.source}: ${summary.lines} lines, ${summary.entries} requests (${summary.textEntries} TEXT, ${summary.jsonEntries} JSON)${summary.otherLines ? `, ${summary.otherLines} proxy messages` : ""}, ${summary.skipped.count} skipped`);
  if (summary.entries > 0) out.push(`Duration: p50 ${p(0.5)}ms  p95 ${p(0.95)}ms  p99 ${p(0.99)}ms`);
  if (summary.textEntries > 0 && summary.jsonEntries > 0) out.push(`Mixed formats: ${summary.textEntries} TEXT and ${summary.jsonEntries} JSON lines in one input (both were read).`);
  if (summary.skipped.count > 0) {
    out.push(`Skipped ${summary.skipped.count} line${summary.skipped.count > 1 ? "s" : ""} that match no access-log format (give the format with --format):`);
    for (const sample of summary.skipped.samples) out.push(`  line ${sample.line}: ${sample.text}`);
  }
  out.push("");

  const codes = new TabWriter({ minWidth: 0, padding: 3 });
  codes.row("RESPONSE CODE", "REQUESTS", "SHARE");
  for (const [code, count] of [...summary.codes.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) codes.row(code === 0 ? "0 (no response)" : code, count, percent(count, summary.entries));
  out.push(codes.flush());

  const flags = new TabWriter({ minWidth: 0, padding: 3 });
  flags.row("RESPONSE FLAGS", "REQUESTS", "SHARE", "MEANING");
  for (const [flag, count] of [...summary.flags.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    const known = responseFlag(flag);
    flags.row(flag, count, percent(count, summary.entries), flag === "-" ? "none" : known ? `${known.longName}: ${known.meaning}` : "unknown flag");
  }
  out.push(flags.flush());

  if (summary.byCluster.size > 0) {
    const clusters = new TabWriter({ minWidth: 0, padding: 3 });
    clusters.row("UPSTREAM CLUSTER", "REQUESTS", "ERRORS", "P50", "P95", "P99");
    for (const [name, group] of sortedGroups(summary.byCluster, top)) clusters.row(name, group.requests, group.errors, ...latency(group));
    out.push(clusters.flush());
  }
  if (summary.byHost.size > 0) {
    const hosts = new TabWriter({ minWidth: 0, padding: 3 });
    hosts.row("UPSTREAM HOST", "POD", "CLUSTER", "REQUESTS", "ERRORS", "P50", "P95", "P99");
    for (const [host, group] of sortedGroups(summary.byHost, top)) hosts.row(host, options.podOf?.(host) ?? "-", group.cluster || "-", group.requests, group.errors, ...latency(group));
    out.push(hosts.flush());
  }
  return out.join("\n");
}

export function summaryToJson(summary: AccessLogSummary, options: SummaryOptions): Record<string, unknown> {
  const group = ([name, traffic]: [string, TrafficGroup]) => ({
    name,
    requests: traffic.requests,
    errors: traffic.errors,
    p50: traffic.durations.percentile(0.5) ?? null,
    p95: traffic.durations.percentile(0.95) ?? null,
    p99: traffic.durations.percentile(0.99) ?? null,
    flags: Object.fromEntries(traffic.flags),
    ...(traffic.cluster ? { cluster: traffic.cluster, pod: options.podOf?.(name) ?? null } : {}),
  });
  return {
    source: options.source,
    lines: summary.lines,
    requests: summary.entries,
    textRequests: summary.textEntries,
    jsonRequests: summary.jsonEntries,
    proxyMessages: summary.otherLines,
    skipped: { count: summary.skipped.count, samples: summary.skipped.samples },
    duration: { p50: summary.durations.percentile(0.5) ?? null, p95: summary.durations.percentile(0.95) ?? null, p99: summary.durations.percentile(0.99) ?? null },
    responseCodes: Object.fromEntries([...summary.codes.entries()].map(([code, count]) => [String(code), count])),
    responseFlags: Object.fromEntries(summary.flags),
    upstreamClusters: [...summary.byCluster.entries()].sort((a, b) => b[1].requests - a[1].requests).map(group),
    upstreamHosts: [...summary.byHost.entries()].sort((a, b) => b[1].requests - a[1].requests).map(group),
  };
}
