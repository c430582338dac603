import { AccessLogSummary } from "../envoy/access-log/summary.js";
import { TrafficTimeline } from "../envoy/access-log/timeline.js";
import { envoyData, podForAddress, podLabel } from "../envoy/view-data.js";
import type { RenderOptions, Report } from "../report/index.js";
import { incidentFigures } from "../report/html/figures.js";
import type { TrafficInput } from "../report/html/traffic.js";
import type { ClusterView } from "../view/cluster-view.js";
import { appliedNamespace } from "../model/namespace.js";

/** `10.244.0.17:3000` -> `istioinaction/catalog-...` when the view has the pod. */
export function podNamer(view: ClusterView): (host: string) => string | undefined {
  return (host) => podLabel(podForAddress(view, host)) || undefined;
}

/** Each access log of the view with the timeline the sources built beside its summary (gathered with `timelines`). */
export function trafficOf(view: ClusterView): TrafficInput[] {
  const podOf = podNamer(view);
  const out: TrafficInput[] = [];
  for (const input of view.envoy.accessLogs) {
    const { summary, timeline } = input;
    if (summary instanceof AccessLogSummary && timeline instanceof TrafficTimeline && summary.entries > 0) out.push({ source: input.origin.file, proxy: input.proxy, summary, timeline, podOf });
  }
  for (const stream of view.logs) {
    if (stream.container !== "istio-proxy" || stream.previous) continue;
    const { accessLogSummary: summary, accessLogTimeline: timeline } = stream;
    if (summary instanceof AccessLogSummary && timeline instanceof TrafficTimeline && summary.entries > 0) out.push({ source: stream.origin.file, proxy: stream.pod && stream.namespace ? `${stream.pod}.${stream.namespace}` : stream.pod, summary, timeline, podOf });
  }
  return out;
}

/** The one pod a page is about (`ktriage pod`): only its proxy's access log and sync state are shown. */
export interface PagePod {
  name: string;
  namespace?: string;
}

function isProxyOf(proxy: string | undefined, pod: PagePod): boolean {
  if (!proxy) return false;
  return proxy === pod.name || proxy === `${pod.name}.${appliedNamespace(pod.namespace)}` || (pod.namespace === undefined && proxy.startsWith(`${pod.name}.`));
}

/** What `-o html` shows beside the report: timelines of the incidents' pods, access-log charts, proxy sync. */
export async function htmlExtras(view: ClusterView, report: Report, traffic?: TrafficInput[], pod?: PagePod): Promise<NonNullable<RenderOptions["html"]>> {
  const logs = traffic ?? trafficOf(view);
  const proxyStatus = envoyData(view).proxyStatus.map((item) => ({ source: item.origin.file, table: pod ? { ...item.table, rows: item.table.rows.filter((row) => row.pod === pod.name && (pod.namespace === undefined || row.namespace === undefined || row.namespace === pod.namespace)) } : item.table }));
  return {
    figures: incidentFigures(view, report),
    traffic: pod ? logs.filter((log) => isProxyOf(log.proxy, pod)) : logs,
    proxyStatus,
  };
}
