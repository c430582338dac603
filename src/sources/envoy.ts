/**
 * The Envoy inputs parsed when the view is built, before any rule runs: each config dump becomes a
 * ConfigDump named after the proxy its bootstrap gives, each access log and istio-proxy container log an
 * AccessLogSummary, each proxy-status text a ProxyStatusTable. Input
 * that is not what it claims to be is an input problem naming its file and line; the rest is still read.
 */
import { AccessLogReader, type ReaderOptions } from "../envoy/access-log/reader.js";
import type { AccessLogSummary } from "../envoy/access-log/summary.js";
import { TrafficTimeline } from "../envoy/access-log/timeline.js";
import { bootstrapProxy, ConfigDump } from "../envoy/config-dump.js";
import { parseProxyStatus } from "../envoy/proxy-status.js";
import type { AccessLogInput, ConfigDumpInput, EnvoyInputs, ProxyStatusInput } from "../model/envoy-inputs.js";
import type { LogStream } from "../model/inputs.js";
import type { Origin } from "../model/kube.js";

export type ReportProblem = (origin: Origin, message: string) => void;

/** Parses every Envoy input not parsed yet; large files still waiting to be streamed are left to `resolveLargeEnvoyInputs`. */
export function parseEnvoyInputs(envoy: EnvoyInputs, report: ReportProblem, timelines = false): void {
  for (const input of envoy.configDumps) parseConfigDump(input, report);
  for (const input of envoy.accessLogs) parseAccessLog(input, report, timelines);
  for (const input of envoy.proxyStatus) parseProxyStatusInput(input, report);
}

function waitsToBeStreamed(dump: unknown): boolean {
  return typeof (dump as { streamFrom?: unknown } | undefined)?.streamFrom === "string";
}

export function parseConfigDump(input: ConfigDumpInput, report: ReportProblem): void {
  if (input.dump === undefined || waitsToBeStreamed(input.dump)) return;
  if (input.dump instanceof ConfigDump) {
    nameFromBootstrap(input, input.dump, report);
    return;
  }
  if (!ConfigDump.isConfigDump(input.dump)) {
    report({ file: input.origin.file, line: 1 }, 'Envoy config dump: not an Envoy config dump (no "configs" list); give the output of `curl localhost:15000/config_dump` or `istioctl proxy-config all -o json`');
    input.dump = undefined;
    return;
  }
  const dump = new ConfigDump(input.dump);
  input.dump = dump;
  nameFromBootstrap(input, dump, report);
}

/** The proxy a dump is from, when its input does not say: the pod and namespace its bootstrap node names. */
function nameFromBootstrap(input: ConfigDumpInput, dump: ConfigDump, report: ReportProblem): void {
  if (input.bootstrapRead) return;
  input.bootstrapRead = true;
  const problem = dump.bootstrapProblem();
  if (problem) {
    report({ file: input.origin.file, line: 1 }, `Envoy config dump: its bootstrap section ${problem}, so it does not say which proxy the dump is from; the rest of the dump is read`);
    return;
  }
  input.proxy ??= bootstrapProxy(dump.bootstrap());
}

/** An istio-proxy log's access-log lines, summarised as the log is read: rules read the summary. */
export function summariseProxyLog(stream: LogStream, timelines = false): LogStream {
  if (stream.container === "istio-proxy" && !stream.previous && stream.accessLogSummary === undefined) {
    const read = readLines(stream.lines, stream.firstLine, { containerLog: true }, timelines);
    stream.accessLogSummary = read.summary;
    if (read.timeline) stream.accessLogTimeline = read.timeline;
  }
  return stream;
}

/** With timelines: the istio-proxy logs that became so only when the view was built (a log given alone for a one-container gateway pod) are summarised now, with their timeline. */
export function summariseLateProxyLogs(logs: readonly LogStream[]): void {
  for (const stream of logs) summariseProxyLog(stream, true);
}

export function parseAccessLog(input: AccessLogInput, report: ReportProblem, timelines = false): void {
  if (input.summary !== undefined || !input.lines) return;
  const { summary, timeline } = readLines(input.lines, input.firstLine ?? 1, { format: input.format }, timelines);
  input.summary = summary;
  if (timeline) input.timeline = timeline;
  reportSkippedLines(input.origin, summary, report);
}

/** One pass over access-log lines: their summary, and with `timelines` their requests over time. */
function readLines(lines: readonly string[], firstLine: number, options: ReaderOptions, timelines: boolean): { summary: AccessLogSummary; timeline?: TrafficTimeline } {
  const reader = new AccessLogReader(options);
  if (!timelines) return { summary: reader.feedLines(lines, firstLine) };
  const timeline = new TrafficTimeline();
  for (let index = 0; index < lines.length; index++) {
    const entry = reader.feed(lines[index]!, firstLine + index);
    if (entry) timeline.add(entry);
  }
  return { summary: reader.summary, timeline };
}

/** Lines of an access-log input that match no access-log format: one problem, at the first of them. */
export function reportSkippedLines(origin: Origin, summary: AccessLogSummary, report: ReportProblem): void {
  const first = summary.skipped.samples[0];
  if (summary.skipped.count === 0 || !first) return;
  const format = "Istio's TEXT or JSON format, or the one given with --format";
  const message =
    summary.entries === 0
      ? `access log: not an access log: no line of it is in ${format}`
      : `access log: ${summary.skipped.count} ${summary.skipped.count === 1 ? "line is" : "lines are"} not in ${format}; skipped (the ${summary.entries} requests are read)`;
  report({ file: origin.file, line: first.line }, message);
}

export function parseProxyStatusInput(input: ProxyStatusInput, report: ReportProblem): void {
  if (input.table !== undefined) return;
  const table = parseProxyStatus(input.text);
  input.table = table;
  for (const problem of table.problems) report({ file: input.origin.file, line: problem.line }, `proxy-status: ${problem.message}`);
}
