/**
 * The Envoy evidence in a ClusterView, gathered once per view: the config dumps (named after their
 * proxy), proxy-status tables and access-log summaries the sources parsed (sources/envoy.ts), and the
 * summaries of istio-proxy container logs the sources stored on each log. Views built without the
 * sources (by the library's callers and tests) have their dumps named and their logs summarised here.
 */
import type { LogStream } from "../model/inputs.js";
import type { KubeObject, Origin } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { summarizeLines } from "./access-log/reader.js";
import { AccessLogSummary } from "./access-log/summary.js";
import { bootstrapProxy, ConfigDump } from "./config-dump.js";
import type { ProxyStatusTable } from "./proxy-status.js";
import { appliedNamespace } from "../model/namespace.js";

export interface ViewDump {
  proxy?: string;
  origin: Origin;
  dump: ConfigDump;
}

export interface ViewAccessLog {
  /** `pod.namespace` when known. */
  proxy?: string;
  pod?: string;
  namespace?: string;
  origin: Origin;
  summary: AccessLogSummary;
  /** Read from an istio-proxy container log (kubectl logs ... -c istio-proxy). */
  fromContainerLog: boolean;
}

export interface ViewProxyStatus {
  origin: Origin;
  table: ProxyStatusTable;
}

interface EnvoyViewData {
  readonly dumps: ViewDump[];
  readonly accessLogs: ViewAccessLog[];
  readonly proxyStatus: ViewProxyStatus[];
  readonly podsByIp: Map<string, KubeObject>;
}

const cache = new WeakMap<ClusterView, EnvoyViewData>();

function splitProxy(proxy: string | undefined): { pod?: string; namespace?: string } {
  if (!proxy) return {};
  const dot = proxy.lastIndexOf(".");
  return dot > 0 ? { pod: proxy.slice(0, dot), namespace: proxy.slice(dot + 1) } : { pod: proxy };
}

/**
 * Built once per view for every rule, so its reads are not charged to the rule
 * that happens to build it: a rule reads `envoy-config` when it takes the dumps,
 * `access-logs` the access-log summaries, `proxy-status` the tables, `pods` the pod index.
 */
export function envoyData(view: ClusterView): EnvoyViewData {
  let data = cache.get(view);
  if (!data) {
    data = view.unrecorded(() => buildEnvoyData(view));
    cache.set(view, data);
  }
  const built = data;
  return {
    get dumps() {
      void view.envoy.configDumps;
      return built.dumps;
    },
    get accessLogs() {
      void view.envoy.accessLogs;
      return built.accessLogs;
    },
    get proxyStatus() {
      void view.envoy.proxyStatus;
      return built.proxyStatus;
    },
    get podsByIp() {
      view.kind("Pod");
      return built.podsByIp;
    },
  };
}

/** Summarised once per log, on the log: views made from the same inputs (the fix prover makes one per change) share it. */
function proxyLogSummary(stream: LogStream): AccessLogSummary {
  if (!(stream.accessLogSummary instanceof AccessLogSummary)) stream.accessLogSummary = summarizeLines(stream.lines, { firstLine: stream.firstLine, containerLog: true });
  return stream.accessLogSummary as AccessLogSummary;
}

function buildEnvoyData(view: ClusterView): EnvoyViewData {
  let data: EnvoyViewData;
  const dumps: ViewDump[] = [];
  for (const input of view.envoy.configDumps) {
    const dump = input.dump;
    if (dump instanceof ConfigDump) dumps.push({ proxy: input.bootstrapRead ? input.proxy : (input.proxy ?? bootstrapProxy(dump.bootstrap())), origin: input.origin, dump });
  }
  const accessLogs: ViewAccessLog[] = [];
  for (const input of view.envoy.accessLogs) {
    const summary = input.summary;
    if (summary instanceof AccessLogSummary) accessLogs.push({ proxy: input.proxy, ...splitProxy(input.proxy), origin: input.origin, summary, fromContainerLog: false });
  }
  for (const stream of view.logs) {
    if (stream.container !== "istio-proxy" || stream.previous) continue;
    const summary = proxyLogSummary(stream);
    if (summary.entries === 0) continue;
    accessLogs.push({
      proxy: stream.pod && stream.namespace ? `${stream.pod}.${stream.namespace}` : stream.pod,
      pod: stream.pod,
      namespace: stream.namespace,
      origin: stream.origin,
      summary,
      fromContainerLog: true,
    });
  }
  const proxyStatus = view.envoy.proxyStatus.flatMap((input) => (input.table ? [{ origin: input.origin, table: input.table as ProxyStatusTable }] : []));
  const podsByIp = new Map<string, KubeObject>();
  for (const pod of view.kind("Pod")) {
    const ips: string[] = [pod.status?.podIP, ...((pod.status?.podIPs as Array<{ ip?: string }> | undefined) ?? []).map((entry) => entry.ip)].filter((ip): ip is string => typeof ip === "string");
    // Host-network pods share the node's IP; they cannot tell endpoints apart.
    if (pod.spec?.hostNetwork) continue;
    for (const ip of ips) podsByIp.set(ip, pod);
  }
  data = { dumps, accessLogs, proxyStatus, podsByIp };
  return data;
}

/** `10.244.0.17:3000` -> the pod with that IP, when the view has it. */
export function podForAddress(view: ClusterView, address: string): KubeObject | undefined {
  const ip = address.startsWith("[") ? address.slice(1, address.indexOf("]")) : address.replace(/:\d+$/, "");
  return envoyData(view).podsByIp.get(ip);
}

export function podLabel(pod: KubeObject | undefined): string {
  return pod ? `${appliedNamespace(pod.metadata.namespace)}/${pod.metadata.name}` : "";
}
