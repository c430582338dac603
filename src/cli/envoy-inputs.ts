/**
 * What the envoy commands read: a config dump (file, stdin or a live proxy), the
 * objects that name its pods, and access logs (files, stdin or a live proxy's
 * istio-proxy log). Each read that fails is one usage error line.
 */
import { createReadStream, readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import { AccessLogReader } from "../envoy/access-log/reader.js";
import type { AccessLogEntry } from "../envoy/access-log/format.js";
import type { ConfigDump } from "../envoy/config-dump.js";
import type { KubeObject } from "../model/kube.js";
import { parseGoDuration } from "../k8s/durations.js";
import type { TrafficTimeline } from "../envoy/access-log/timeline.js";
import { readAccessLogFile, readAccessLogFileInParallel, readAccessLogStream } from "../sources/access-log-files.js";
import { describeJsonError, loadConfigDumpFile, parseDumpText, resolveLargeEnvoyInputs, toDump } from "../sources/envoy-load.js";
import { loadPaths } from "../sources/files.js";
import { EnvoyAdminSource, type AdminEndpoint } from "../sources/live/envoy-admin.js";
import { addMeshConfigFromObjects } from "../sources/mesh-config.js";
import { LimitError } from "../util/limits.js";
import { ViewBuilder } from "../view/builder.js";
import type { ClusterView } from "../view/cluster-view.js";
import { UsageError, warn } from "./shared.js";

/** How to reach a live proxy: its namespace, the kubeconfig, and Envoy's admin port on the pod. */
export interface LiveFlags {
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  adminPort?: number;
}

export async function openAdmin(flags: LiveFlags): Promise<EnvoyAdminSource> {
  try {
    return await EnvoyAdminSource.open({ kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace, adminPort: flags.adminPort });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Reads one admin endpoint of a live proxy through the API server's pod proxy. */
export async function readAdmin(pod: string, endpoint: AdminEndpoint, flags: LiveFlags): Promise<string> {
  const admin = await openAdmin(flags);
  try {
    return await admin.read(pod, endpoint);
  } finally {
    admin.close();
  }
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A text file, or stdin for `-`. */
export async function readTextInput(filename: string): Promise<string> {
  try {
    return filename === "-" ? await readStdin() : readFileSync(filename, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${filename}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (error as Error).message}`);
  }
}

/** A config dump from -f FILE, stdin, or a live pod. */
export async function readDump(flags: { filename?: string; pod?: string } & LiveFlags): Promise<ConfigDump> {
  if (flags.filename && flags.filename !== "-") {
    const loaded = await loadConfigDumpFile(flags.filename);
    if ("error" in loaded) throw new UsageError(loaded.error);
    return loaded.dump;
  }
  let text: string;
  let source: string;
  if (flags.filename === "-") {
    text = await readStdin();
    source = "stdin";
  } else if (flags.pod) {
    try {
      text = await readAdmin(flags.pod, "config_dump", flags);
    } catch (error) {
      throw new UsageError(`cannot read the config dump of ${flags.pod}: ${(error as Error).message}`);
    }
    source = `pod ${flags.pod}`;
  } else {
    throw new UsageError("give a config dump with -f FILE (curl localhost:15000/config_dump, or istioctl proxy-config all -o json), -f - for stdin, or --pod NAME for a live proxy");
  }
  let parsed: unknown;
  try {
    parsed = parseDumpText(text);
  } catch (error) {
    throw new UsageError(`${source}: ${error instanceof LimitError ? `the config dump ${error.message}` : describeJsonError(text, error)}`);
  }
  const loaded = toDump(parsed, source);
  if ("error" in loaded) throw new UsageError(loaded.error);
  return loaded.dump;
}

/** Objects (pods, Services, DestinationRules) from --snapshot/--objects to name pods and build fixes. */
export function contextView(paths: string[]): ClusterView {
  const builder = new ViewBuilder();
  if (paths.length > 0) loadPaths(paths, builder);
  return builder.build({ mode: "offline" });
}

/**
 * The proxy a request is traced through: how to name it, its pod and the Services. They come from the objects given,
 * or live when only --pod names the proxy and no --port is given: the URL's Service port then becomes the Service's targetPort.
 */
export async function tracedProxy(dump: ConfigDump, view: ClusterView, flags: { pod?: string; port?: number } & LiveFlags): Promise<{ label: string; pod?: KubeObject; services: KubeObject[] }> {
  const bootstrap = dump.bootstrap();
  const label = flags.pod ? `${flags.pod}${flags.namespace ? `.${flags.namespace}` : ""}` : bootstrap?.podName ? `${bootstrap.podName}.${bootstrap.namespace}` : "the proxy";
  const podName = flags.pod ?? bootstrap?.podName;
  const namespace = flags.pod ? flags.namespace : bootstrap?.namespace;
  let pod = view.kind("Pod").find((candidate) => candidate.metadata.name === podName && (!namespace || candidate.metadata.namespace === namespace));
  let services = view.kind("Service");
  if (!pod && flags.pod && flags.port === undefined) {
    const admin = await openAdmin(flags);
    try {
      ({ pod, services } = await admin.podAndServices(flags.pod));
    } catch (error) {
      warn(`${(error as Error).message}: the URL's port is used as the listener port`);
    } finally {
      admin.close();
    }
  }
  return { label, pod, services };
}

/** The objects and config dumps beside the access logs (--snapshot, --objects, --dump), large dumps resolved. */
export async function accessLogContext(paths: string[]): Promise<ViewBuilder> {
  const builder = new ViewBuilder();
  if (paths.length > 0) loadPaths(paths, builder);
  await resolveLargeEnvoyInputs(builder.envoy, (origin, message) => builder.addProblem(origin, message));
  return builder;
}

/** Whether a live proxy logs requests at all: MeshConfig and Telemetry, read live into the builder. */
export async function addLiveAccessLogging(builder: ViewBuilder, pod: string, istioNamespace: string, flags: LiveFlags): Promise<void> {
  const admin = await openAdmin(flags);
  try {
    const objects = await admin.accessLoggingContext(pod, istioNamespace);
    const origin = { file: `api:${admin.server}` };
    for (const object of objects) builder.addObject(object, origin);
    addMeshConfigFromObjects(objects, origin.file, builder);
  } catch (error) {
    warn(`${(error as Error).message}: whether access logging is on is not checked`);
  } finally {
    admin.close();
  }
}

interface OpenedLog {
  stream: NodeJS.ReadableStream;
  done?: Promise<void>;
}

/** One access log to read: a file (path), stdin, or a live proxy's log (proxy names it). */
export interface AccessLogInput {
  name: string;
  proxy?: string;
  path?: string;
  open: () => Promise<OpenedLog> | OpenedLog;
}

export function fileAccessLogs(files: string[]): AccessLogInput[] {
  return files.map((file) => ({ name: file, ...(file === "-" ? {} : { path: file }), open: () => ({ stream: file === "-" ? process.stdin : createReadStream(file) }) }));
}

/** The istio-proxy log of a live pod since a Go duration ago (pods/log get, as kubectl logs -c istio-proxy). */
export async function liveAccessLog(pod: string, since: string, flags: LiveFlags): Promise<AccessLogInput> {
  const sinceSeconds = parseGoDuration(since);
  if (sinceSeconds === undefined || sinceSeconds <= 0) throw new UsageError(`--since "${since}" is not a duration (5s, 10m, 1h)`);
  const logs = await openAdmin(flags);
  return {
    name: `logs of ${pod} -c istio-proxy`,
    proxy: `${pod}.${logs.namespace}`,
    open: async () => {
      try {
        const opened = await logs.proxyLog(pod, { sinceSeconds: Math.round(sinceSeconds) });
        return { stream: opened.stream, done: opened.done.finally(() => logs.close()) };
      } catch (error) {
        logs.close();
        throw error;
      }
    },
  };
}

export interface ReadAccessLog {
  name: string;
  reader: AccessLogReader;
  timeline?: TrafficTimeline;
  proxy?: string;
}

/**
 * Summarises each log in turn and adds it to the builder; a log that cannot be read is a warning and is counted.
 * With `timelines` (html output) every entry also goes on a traffic timeline.
 */
export async function readAccessLogs(inputs: AccessLogInput[], builder: ViewBuilder, options: { format?: string; timelines: boolean }): Promise<{ logs: ReadAccessLog[]; failed: number }> {
  const logs: ReadAccessLog[] = [];
  let failed = 0;
  for (const input of inputs) {
    const reader = new AccessLogReader({ format: options.format, containerLog: Boolean(input.proxy) });
    const timeline = options.timelines ? new (await import("../envoy/access-log/timeline.js")).TrafficTimeline() : undefined;
    try {
      const onEntry = timeline ? (entry: AccessLogEntry) => timeline.add(entry) : undefined;
      if (input.path !== undefined) {
        if (onEntry) readAccessLogFile(reader, input.path, onEntry);
        else await readAccessLogFileInParallel(reader, input.path);
      } else {
        const opened = await input.open();
        await readAccessLogStream(reader, opened.stream as Readable, onEntry);
        await opened.done;
      }
    } catch (error) {
      failed++;
      const code = (error as NodeJS.ErrnoException).code;
      warn(`${input.name}: ${code === "ENOENT" ? "no such file or directory" : (error as Error).message}`);
      continue;
    }
    builder.addSource(input.name);
    builder.envoy.accessLogs.push({ origin: { file: input.name }, proxy: input.proxy, summary: reader.summary });
    logs.push({ name: input.name, reader, timeline, proxy: input.proxy });
    if (reader.summary.skipped.count > 0) warn(`${input.name}: skipped ${reader.summary.skipped.count} line(s) that match no access-log format; first at line ${reader.summary.skipped.samples[0]!.line}`);
  }
  return { logs, failed };
}
