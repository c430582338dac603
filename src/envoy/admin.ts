/**
 * The Envoy admin endpoints other than config_dump, read into plain data:
 * `/clusters?format=json` (hosts with EDS health and the outlier-detection
 * flag), `/stats`, `/server_info` and `/logging`. Pure: the live source
 * fetches the text, this reads it.
 * https://www.envoyproxy.io/docs/envoy/latest/operations/admin
 */
import { arr, field, isObject, obj, str } from "./config-dump.js";
import { namespaceFlag } from "../k8s/workload-changes.js";

export interface AdminHost {
  cluster: string;
  address: string;
  port?: number;
  /** EDS health as Envoy names it: HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, DEGRADED, UNKNOWN. */
  status: string;
  /** Outlier detection ejected the host (health_status.failed_outlier_check). */
  failedOutlierCheck: boolean;
  /** Active health checking failed it. */
  failedActiveHealthCheck: boolean;
}

/** Reads `/clusters?format=json` (envoy.admin.v3.Clusters); throws with a plain message when it is not that. */
export function parseAdminClusters(text: string): AdminHost[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new Error("the /clusters answer is not JSON (it must be read with ?format=json)");
  }
  if (!isObject(document) || field(document, "cluster_statuses") === undefined) throw new Error("the /clusters answer has no cluster_statuses");
  const hosts: AdminHost[] = [];
  for (const cluster of arr(document, "cluster_statuses")) {
    const name = str(cluster, "name");
    for (const host of arr(cluster, "host_statuses")) {
      const socket = obj(obj(host, "address"), "socket_address");
      const pipe = obj(obj(host, "address"), "pipe");
      const health = obj(host, "health_status");
      const portValue = field(socket, "port_value");
      hosts.push({
        cluster: name,
        address: socket ? str(socket, "address") : `unix://${str(pipe, "path")}`,
        port: typeof portValue === "number" && portValue !== 0 ? portValue : undefined,
        status: str(health, "eds_health_status") || "UNKNOWN",
        failedOutlierCheck: field(health, "failed_outlier_check") === true,
        failedActiveHealthCheck: field(health, "failed_active_health_check") === true,
      });
    }
  }
  return hosts;
}

export interface AdminEndpointFilter {
  address?: string;
  port?: number;
  cluster?: string;
  status?: string;
}

export function hostMatches(host: AdminHost, filter: AdminEndpointFilter): boolean {
  if (filter.address && host.address.toLowerCase() !== filter.address.toLowerCase()) return false;
  if (filter.port && host.port !== filter.port) return false;
  if (filter.cluster && host.cluster.toLowerCase() !== filter.cluster.toLowerCase()) return false;
  if (filter.status && host.status.toLowerCase() !== filter.status.toLowerCase()) return false;
  return true;
}

/** The rows of `istioctl proxy-config endpoint` against a live proxy: the hosts the filter keeps, sorted as istioctl sorts (address, port, cluster). */
export function liveEndpointRows(hosts: readonly AdminHost[], filter: AdminEndpointFilter = {}): AdminHost[] {
  return hosts
    .filter((host) => hostMatches(host, filter))
    .sort((a, b) => (a.address !== b.address ? (a.address < b.address ? -1 : 1) : (a.port ?? 0) !== (b.port ?? 0) ? (a.port ?? 0) - (b.port ?? 0) : a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0));
}

/** `/stats` text (`name: value` per line) into counters and gauges; histograms are skipped. */
export function parseAdminStats(text: string): Map<string, number> {
  const stats = new Map<string, number>();
  for (const line of text.split("\n")) {
    const colon = line.lastIndexOf(": ");
    if (colon <= 0) continue;
    const value = Number(line.slice(colon + 2).trim());
    if (Number.isFinite(value)) stats.set(line.slice(0, colon).trim(), value);
  }
  return stats;
}

/** Counters that say the proxy rejected or could not load configuration, or ejected hosts. */
export function notableStats(stats: Map<string, number>): Array<{ name: string; value: number; meaning: string }> {
  const notable: Array<{ name: string; value: number; meaning: string }> = [];
  for (const [name, value] of stats) {
    if (value === 0) continue;
    if (/^(?:cluster_manager\.cds|listener_manager\.lds|http\.\S+\.rds\.\S+|cluster\.\S+\.eds)\.update_rejected$/.test(name)) notable.push({ name, value, meaning: "configuration from istiod rejected by Envoy (NACK)" });
    else if (/^cluster\.\S+\.outlier_detection\.ejections_active$/.test(name)) notable.push({ name, value, meaning: "hosts ejected by outlier detection right now" });
    else if (/^cluster\.\S+\.upstream_cx_connect_fail$/.test(name)) notable.push({ name, value, meaning: "upstream connection failures" });
    else if (name === "server.state" && value !== 0) notable.push({ name, value, meaning: "server not LIVE (1 DRAINING, 2 PRE_INITIALIZING, 3 INITIALIZING)" });
  }
  return notable.sort((a, b) => b.value - a.value);
}

export interface ServerInfo {
  version: string;
  state: string;
  uptime: string;
  /** `--log-level` and `--component-log-level` Envoy was started with. */
  logLevel?: string;
  componentLogLevel?: string;
}

export function parseServerInfo(text: string): ServerInfo {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new Error("the /server_info answer is not JSON");
  }
  const options = obj(document, "command_line_options");
  return {
    version: str(document, "version"),
    state: str(document, "state"),
    uptime: str(document, "uptime_current_epoch"),
    logLevel: str(options, "log_level") || undefined,
    componentLogLevel: str(options, "component_log_level") || undefined,
  };
}

/** `/logging` output: "active loggers:" then `  name: level` lines. */
export function parseLogLevels(text: string): Map<string, string> {
  const levels = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^\s+([\w.-]+):\s+(trace|debug|info|warning|warn|error|critical|off)\s*$/.exec(line);
    if (match) levels.set(match[1]!, match[2]!);
  }
  return levels;
}

export const LOG_LEVELS = ["trace", "debug", "info", "warning", "error", "critical", "off"];

/** The commands that change a proxy's log level: a write, so ktriage prints them and never sends them. */
export function logLevelCommands(pod: string, namespace: string | undefined, level: string): string[] {
  const where = namespaceFlag(namespace);
  const paths = level.includes(":") ? level : undefined;
  return [
    `istioctl proxy-config log ${pod}${where} --level ${level}`,
    `kubectl exec ${pod}${where} -c istio-proxy -- pilot-agent request POST 'logging?${paths ? `paths=${paths}` : `level=${level}`}'`,
  ];
}
