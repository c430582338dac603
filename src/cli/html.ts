import { createReadStream } from "node:fs";
import { AccessLogReader } from "../envoy/access-log/reader.js";
import { readAccessLogStream } from "../sources/access-log-files.js";
import { envoyData, podForAddress, podLabel } from "../envoy/view-data.js";
import type { RenderOptions, Report } from "../report/index.js";
import { incidentFigures } from "../report/html/figures.js";
import { TrafficTimeline, type TrafficInput } from "../report/html/traffic.js";
import type { ClusterView } from "../view/cluster-view.js";
import { appliedNamespace } from "../model/namespace.js";

/** `10.244.0.17:3000` -> `istioinaction/catalog-...` when the view has the pod. */
export function podNamer(view: ClusterView): (host: string) => string | undefined {
  return (host) => podLabel(podForAddress(view, host)) || undefined;
}

/** Each access log of the view read again with its timeline (the rules keep only counts). */
export async function trafficOf(view: ClusterView): Promise<TrafficInput[]> {
  const podOf = podNamer(view);
  const out: TrafficInput[] = [];
  for (const input of view.envoy.accessLogs) {
    const reader = new AccessLogReader({ format: input.format });
    const timeline = new TrafficTimeline();
    if (input.lines) {
      const first = input.firstLine ?? 1;
      input.lines.forEach((line, index) => {
        const entry = reader.feed(line, first + index);
        if (entry) timeline.add(entry);
      });
    } else if (input.path) {
      try {
        await readAccessLogStream(reader, createReadStream(input.path, { highWaterMark: 1 << 20 }), (entry) => timeline.add(entry));
      } catch {
        continue; // already reported as an input problem when the view was built
      }
    } else continue;
    if (reader.summary.entries > 0) out.push({ source: input.origin.file, proxy: input.proxy, summary: reader.summary, timeline, podOf });
  }
  for (const stream of view.logs) {
    if (stream.container !== "istio-proxy" || stream.previous) continue;
    const reader = new AccessLogReader({ containerLog: true });
    const timeline = new TrafficTimeline();
    stream.lines.forEach((line, index) => {
      const entry = reader.feed(line, stream.firstLine + index);
      if (entry) timeline.add(entry);
    });
    if (reader.summary.entries > 0) out.push({ source: stream.origin.file, proxy: stream.pod && stream.namespace ? `${stream.pod}.${stream.namespace}` : stream.pod, summary: reader.summary, timeline, podOf });
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
  const logs = traffic ?? (await trafficOf(view));
  const proxyStatus = envoyData(view).proxyStatus.map((item) => ({ source: item.origin.file, table: pod ? { ...item.table, rows: item.table.rows.filter((row) => row.pod === pod.name && (pod.namespace === undefined || row.namespace === undefined || row.namespace === pod.namespace)) } : item.table }));
  return {
    figures: incidentFigures(view, report),
    traffic: pod ? logs.filter((log) => isProxyOf(log.proxy, pod)) : logs,
    proxyStatus,
  };
}
