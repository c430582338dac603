import { createReadStream } from "node:fs";
import { Command, Option } from "commander";
import { runRules } from "../../engine/engine.js";
import { AccessLogReader } from "../../envoy/access-log/reader.js";
import { readAccessLogFile, readAccessLogFileInParallel, readAccessLogStream } from "../../sources/access-log-files.js";
import type { AccessLogEntry } from "../../envoy/access-log/format.js";
import type { TrafficTimeline } from "../../report/html/traffic.js";
import { accessLogsJson, accessLogText } from "../../report/access-logs.js";
import { liveEndpointTable } from "../../report/proxy-config-tables.js";
import { ConfigDump } from "../../envoy/config-dump.js";
import { hostMatches, liveEndpointRows, logLevelCommands, LOG_LEVELS, notableStats, parseAdminClusters, parseAdminStats, parseLogLevels, parseServerInfo } from "../../envoy/admin.js";
import { parseGoDuration } from "../../k8s/durations.js";
import { describeJsonError, loadConfigDumpFile, parseDumpText, resolveLargeEnvoyInputs, toDump } from "../../sources/envoy-load.js";
import { LimitError } from "../../util/limits.js";
import { parseProxyStatus } from "../../envoy/proxy-status.js";
import { proxyStatusJson, proxyStatusText } from "../../report/proxy-status.js";
import { listenerPort } from "../../envoy/proxy-config.js";
import { isProxyConfigTable, proxyConfigSection } from "../../queries/proxy-config.js";
import { proxyConfigText } from "../../report/proxy-config.js";
import { traceRequest, type TraceResult } from "../../queries/trace.js";
import { renderTrace } from "../../report/trace.js";
import { envoyData, podForAddress, podLabel } from "../../envoy/view-data.js";
import { envoyRules } from "../../rules/envoy/index.js";
import { loadPaths } from "../../sources/files.js";
import { addMeshConfigFromObjects } from "../../sources/mesh-config.js";
import { EnvoyAdminSource, istiodSynczPath, needsPost, type AdminEndpoint } from "../../sources/live/envoy-admin.js";
import { ViewBuilder } from "../../view/builder.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { requireExistingPaths } from "../lookup.js";
import { outputOption, failOnOption, collect, emit, exitCodeFor, EXIT_USAGE, toReport, UsageError, warn, writeStdout, type OutputOptions } from "../shared.js";

interface LiveFlags {
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  adminPort?: number;
}

function addLiveOptions(command: Command): Command {
  return command
    .option("-n, --namespace <ns>", "namespace of --pod (live)")
    .option("--context <name>", "kubeconfig context (live)")
    .option("--kubeconfig <file>", "kubeconfig file (live)")
    .option("--admin-port <port>", "Envoy's admin port on the pod (live)", port, 15000);
}

/** Reads one admin endpoint of a live proxy through the API server's pod proxy; exits 2 with one line when it cannot. */
async function readAdmin(pod: string, endpoint: AdminEndpoint, flags: LiveFlags): Promise<string> {
  const admin = await openAdmin(flags);
  try {
    return await admin.read(pod, endpoint);
  } finally {
    admin.close();
  }
}

async function openAdmin(flags: LiveFlags): Promise<EnvoyAdminSource> {
  try {
    return await EnvoyAdminSource.open({ kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace, adminPort: flags.adminPort });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0 || parsed > 65535) throw new UsageError(`"${value}" is not a port number`);
  return parsed;
}

/** A config dump from -f FILE, stdin, or a live pod; exits 2 with one clear line when it cannot be read. */
async function readDump(flags: { filename?: string; pod?: string } & LiveFlags): Promise<ConfigDump> {
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

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Objects (pods, Services, DestinationRules) from --snapshot/--objects to name pods and build fixes. */
function contextView(paths: string[]): ClusterView {
  const builder = new ViewBuilder();
  if (paths.length > 0) loadPaths(paths, builder);
  return builder.build({ mode: "offline" });
}

function registerConfig(envoy: Command): void {
  const command = new Command("config")
    .description("print a proxy's clusters, listeners, routes, endpoints or secrets from its config dump, as istioctl proxy-config does")
    .argument("[what]", "clusters | listeners | routes | endpoints | secrets | ecds | bootstrap | all; live (--pod) also stats | server_info | log", "all")
    .option("-f, --filename <file>", "Envoy config dump (admin :15000/config_dump or istioctl proxy-config all -o json); - for stdin; any size")
    .option("--pod <name>", "read a live proxy through the API server's pod proxy (pods/proxy get): config_dump; /clusters for endpoints (STATUS, OUTLIER CHECK); stats, server_info, log")
    .option("--level <level>", `log: the level to set (${LOG_LEVELS.join(", ")}, or logger:level,...); a write, so the command is printed, never run`)
    .option("--fqdn <host>", "clusters: only names containing this FQDN")
    .option("--port <port>", "clusters/listeners/endpoints: only this port", port)
    .option("--subset <name>", "clusters: only this subset")
    .addOption(new Option("--direction <direction>", "clusters: only this direction").choices(["inbound", "outbound"]))
    .option("--address <address>", "listeners/endpoints: only this address")
    .option("--type <type>", "listeners: HTTP, TCP, HTTP+TCP")
    .option("--name <name>", "routes: only this route config")
    .option("--cluster <name>", "endpoints: only this cluster")
    .option("--status <status>", "endpoints: only this health status (HEALTHY, UNHEALTHY ...)")
    .option("--no-verbose", "listeners/routes: the short table")
    .option("--with-headers", "all: print a header before each table")
    .addOption(outputOption(["text", "json"], "text (istioctl's table) or json (the matching part of the dump)"));
  addLiveOptions(command);
  command.addHelpText(
    "after",
    `
Examples:
  ktriage envoy config -f gateway-dump.json clusters --fqdn catalog.istioinaction.svc.cluster.local --port 80
  ktriage envoy config -f dump.json listeners --port 8080
  ktriage envoy config -f dump.json routes --name http.8080
  ktriage envoy config --pod istio-ingressgateway-74df47f5f9-nv65v -n istio-system endpoints`,
  );
  command.action(async (what: string, flags: Record<string, unknown> & LiveFlags & { output: string }) => {
    const kind = what.toLowerCase().replace(/s$/, "");
    const pod = flags.pod as string | undefined;
    if (kind === "stat" || kind === "server_info" || kind === "server-info" || kind === "log") {
      if (!pod || flags.filename) throw new UsageError(`${what} is read from a live proxy: give --pod NAME (-n NAMESPACE)`);
      await writeStdout(await liveAdminTable(kind, pod, flags, flags.output === "json", flags.level as string | undefined));
      return;
    }
    if (kind === "endpoint" && pod && !flags.filename) {
      const endpointFilter = { address: flags.address as string | undefined, port: flags.port as number | undefined, cluster: flags.cluster as string | undefined, status: flags.status as string | undefined };
      const text = await readAdmin(pod, "clusters", flags);
      try {
        const hosts = parseAdminClusters(text);
        await writeStdout(flags.output === "json" ? JSON.stringify(hosts.filter((host) => hostMatches(host, endpointFilter)), null, 2) + "\n" : liveEndpointTable(liveEndpointRows(hosts, endpointFilter)));
      } catch (error) {
        throw new UsageError(`pod ${pod}: ${(error as Error).message}`);
      }
      return;
    }
    const dump = await readDump(flags as { filename?: string; pod?: string } & LiveFlags);
    const clusterFilter = { fqdn: flags.fqdn as string | undefined, port: flags.port as number | undefined, subset: flags.subset as string | undefined, direction: flags.direction as string | undefined };
    const listenerFilter = { address: flags.address as string | undefined, port: flags.port as number | undefined, type: flags.type as string | undefined, verbose: flags.verbose !== false };
    const routeFilter = { name: flags.name as string | undefined, verbose: flags.verbose !== false };
    const endpointFilter = { address: flags.address as string | undefined, port: flags.port as number | undefined, cluster: flags.cluster as string | undefined, status: flags.status as string | undefined };
    const filters = { cluster: clusterFilter, listener: listenerFilter, route: routeFilter, endpoint: endpointFilter };
    if (!isProxyConfigTable(kind)) throw new UsageError(`unknown table "${what}": clusters, listeners, routes, endpoints, secrets, ecds, bootstrap or all`);
    if (flags.output === "json") {
      const section = proxyConfigSection(dump, kind, filters);
      if (section === undefined) throw new UsageError("config dump has no bootstrap section");
      await writeStdout(JSON.stringify(section, null, 2) + "\n");
      return;
    }
    try {
      await writeStdout(proxyConfigText(dump, kind, filters, { withHeaders: Boolean(flags.withHeaders) }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  });
  envoy.addCommand(command);
}

/** stats, server_info and log of a live proxy. */
async function liveAdminTable(kind: string, pod: string, flags: LiveFlags, json: boolean, level: string | undefined): Promise<string> {
  const where = `${pod}${flags.namespace ? `.${flags.namespace}` : ""}`;
  if (kind === "stat") {
    const stats = parseAdminStats(await readAdmin(pod, "stats", flags));
    const notable = notableStats(stats);
    if (json) return JSON.stringify({ proxy: where, stats: Object.fromEntries(stats), notable }, null, 2) + "\n";
    const lines = [`${where}: ${stats.size} counters and gauges`];
    if (notable.length === 0) lines.push("  no rejected configuration, no ejected hosts, no connection failures");
    for (const item of notable) lines.push(`  ${item.name}: ${item.value}   ${item.meaning}`);
    return lines.join("\n") + "\n";
  }
  const info = parseServerInfo(await readAdmin(pod, "server_info", flags));
  if (kind !== "log") {
    if (json) return JSON.stringify({ proxy: where, ...info }, null, 2) + "\n";
    return [`${where}:`, `  version: ${info.version}`, `  state: ${info.state}`, `  uptime: ${info.uptime}s`, `  log level at start: ${info.logLevel ?? "(not given)"}${info.componentLogLevel ? `; components: ${info.componentLogLevel}` : ""}`].join("\n") + "\n";
  }
  if (level !== undefined && !level.split(",").every((part) => LOG_LEVELS.includes(part.includes(":") ? part.slice(part.indexOf(":") + 1) : part))) throw new UsageError(`--level "${level}": use one of ${LOG_LEVELS.join(", ")}, or logger:level,...`);
  let levels: Map<string, string> | undefined;
  let note: string;
  try {
    levels = parseLogLevels(await readAdmin(pod, "logging", flags));
    note = "current levels (GET /logging)";
  } catch (error) {
    if (!needsPost(error)) throw error;
    // Envoy answers /logging only to POST; ktriage sends GETs only, so it shows the levels the proxy started with.
    note = "levels Envoy was started with (server_info); this Envoy lists current levels only on POST /logging, which ktriage does not send: run istioctl proxy-config log for them";
  }
  const change = level ? logLevelCommands(pod, flags.namespace, level) : [];
  if (json) return JSON.stringify({ proxy: where, source: note, levels: levels ? Object.fromEntries(levels) : undefined, startup: { logLevel: info.logLevel, componentLogLevel: info.componentLogLevel }, changeCommands: change }, null, 2) + "\n";
  const lines = [`${where}: ${note}`];
  if (levels) {
    lines.push("active loggers:");
    for (const [name, value] of [...levels].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`  ${name}: ${value}`);
  } else lines.push(`  --log-level ${info.logLevel ?? "(not given)"}${info.componentLogLevel ? `  --component-log-level ${info.componentLogLevel}` : ""}`);
  if (change.length) lines.push("", "Changing the level is a write; ktriage does not do it. Run one of:", ...change.map((command) => `  $ ${command}`));
  return lines.join("\n") + "\n";
}

/** Listener ports a request could be traced on, the proxy's own (15000-15090) left out when there are others. */
function proposedPorts(dump: ConfigDump): number[] {
  const ports = [...new Set(dump.listeners().map((listener) => listenerPort(listener.raw)))].filter((candidate) => candidate > 0).sort((a, b) => a - b);
  const application = ports.filter((candidate) => candidate < 15000 || candidate > 15090);
  return application.length > 0 ? application : ports;
}

function registerTrace(envoy: Command): void {
  const command = new Command("trace")
    .description("follow one request through a proxy's config: listener, filter chain, route, cluster, endpoints; stop at the first broken link")
    .option("-f, --filename <file>", "Envoy config dump of the proxy the request enters (any size); - for stdin")
    .option("--pod <name>", "read the dump from a live pod through the API server's pod proxy (pods/proxy get)")
    .requiredOption("--url <url>", "the request, e.g. http://catalog.istioinaction.io/items")
    .option("--port <port>", "the listener port on the proxy (default: the URL's port, turned into its Service's targetPort when the proxy's pod and Services are known: 80 -> 8080 on the ingress gateway)", port)
    .option("--method <method>", "HTTP method", "GET")
    .option("--header <key=value>", "request header; repeatable", collect, [])
    .option("--snapshot <dir>", "snapshot with pods, Services and DestinationRules: names the pod behind each endpoint and builds the fix")
    .option("--objects <path>", "kubectl YAML/JSON with pods, Services, DestinationRules (same use as --snapshot); repeatable", collect, [])
    .addOption(outputOption(["text", "json"]));
  addLiveOptions(command);
  command.addHelpText("after", `\nExample:\n  ktriage envoy trace -f gateway-dump.json --url http://catalog.istioinaction.io/items --port 8080 --snapshot snap/`);
  command.action(async (flags: { filename?: string; pod?: string; url: string; port?: number; method: string; header: string[]; snapshot?: string; objects: string[]; output: string } & LiveFlags) => {
    const dump = await readDump(flags);
    const headers: Record<string, string> = {};
    for (const header of flags.header) {
      const eq = header.indexOf("=");
      if (eq <= 0) throw new UsageError(`--header "${header}" is not KEY=VALUE`);
      headers[header.slice(0, eq)] = header.slice(eq + 1);
    }
    const view = contextView([...(flags.snapshot ? [flags.snapshot] : []), ...flags.objects]);
    const data = envoyData(view);
    const bootstrap = dump.bootstrap();
    const proxyLabel = flags.pod ? `${flags.pod}${flags.namespace ? `.${flags.namespace}` : ""}` : bootstrap?.podName ? `${bootstrap.podName}.${bootstrap.namespace}` : "the proxy";
    const proxyPodName = flags.pod ?? bootstrap?.podName;
    const proxyNamespace = flags.pod ? flags.namespace : bootstrap?.namespace;
    let proxyPod = view.kind("Pod").find((pod) => pod.metadata.name === proxyPodName && (!proxyNamespace || pod.metadata.namespace === proxyNamespace));
    let services = view.kind("Service");
    if (!proxyPod && flags.pod && flags.port === undefined) {
      // Live: the Service port in the URL reaches the proxy on the Service's targetPort.
      const admin = await openAdmin(flags);
      try {
        ({ pod: proxyPod, services } = await admin.podAndServices(flags.pod));
      } catch (error) {
        warn(`${(error as Error).message}: the URL's port is used as the listener port`);
      } finally {
        admin.close();
      }
    }
    let result: TraceResult;
    try {
      result = traceRequest(dump, { url: flags.url, port: flags.port, method: flags.method, headers }, { proxyPod, podsByIp: data.podsByIp, pods: view.kind("Pod"), services, destinationRules: view.kind("DestinationRule") }, proxyLabel);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (flags.port === undefined && result.broken?.stage === "listener") {
      // No --port and nothing listens on the URL's port: the question was not the one meant; propose the ports that exist.
      const ports = proposedPorts(dump);
      const again = ports.length > 0 ? `: trace again with ${ports.map((candidate) => `--port ${candidate}`).join(" or ")}` : "";
      warn(`no listener on port ${result.request.port}, the URL's port, and no --port given; ${proxyLabel} listens on ${ports.length > 0 ? ports.join(", ") : "no application port"}${again} (a gateway listens on the Service's targetPort, e.g. 8080 for port 80)`);
      envoy.parent?.setOptionValue("exitCode", EXIT_USAGE);
      return;
    }
    await writeStdout(flags.output === "json" ? JSON.stringify(result, null, 2) + "\n" : renderTrace(result));
    envoy.parent?.setOptionValue("exitCode", result.broken ? 1 : 0);
  });
  envoy.addCommand(command);
}

function registerLogs(envoy: Command): void {
  const command = new Command("logs")
    .description("summarise Envoy access logs (by response code, flag, upstream cluster and host with p50/p95/p99) and diagnose them")
    .argument("[files...]", "access-log files, or - for stdin; TEXT, JSON or --format; istio-proxy container logs are fine (agent lines are skipped)")
    .option("-f, --filename <file>", "an access-log file, or - for stdin (same as the positional FILES); repeatable", collect, [])
    .option("--format <format>", "the Envoy format string the logs use (meshConfig.accessLogFormat), when not Istio's default TEXT or JSON")
    .option("--pod <name>", "read a live pod's or gateway's istio-proxy log through the API server (pods/log get, as kubectl logs -c istio-proxy)")
    .option("--since <duration>", "live: only this recent (kubectl logs --since)", "1h")
    .option("--istio-namespace <ns>", "live: istiod's namespace (the istio ConfigMap, root-namespace Telemetry)", "istio-system")
    .option("--top <n>", "rows per table", (value) => Number(value), 10)
    .option("--snapshot <dir>", "snapshot with pods: maps upstream_host to its pod; VirtualServices give the route timeouts")
    .option("--objects <path>", "kubectl YAML/JSON with pods/VirtualServices (same use as --snapshot); repeatable", collect, [])
    .option("--dump <file>", "config dump of the same proxy: route timeouts and clusters for the findings")
    .addOption(outputOption(["text", "json", "html"], "text (summary and findings), json, or html (one page with the charts)"))
    .addOption(failOnOption("error"))
    .option("--no-color", "never colour the output");
  addLiveOptions(command);
  command.addHelpText(
    "after",
    `
Examples:
  ktriage envoy logs gateway.log --snapshot snap/
  ktriage envoy logs -f gateway.log -o json
  kubectl -n istio-system logs deploy/istio-ingressgateway | ktriage envoy logs -
  ktriage envoy logs --pod istio-ingressgateway-74df47f5f9-nv65v -n istio-system --since 10m
  ktriage envoy logs app.log --format '[%START_TIME%] %REQ(:METHOD)% %RESPONSE_CODE% %RESPONSE_FLAGS% %DURATION% %UPSTREAM_HOST% %UPSTREAM_CLUSTER%'`,
  );
  command.action(async (positional: string[], flags: { filename: string[]; format?: string; pod?: string; since: string; istioNamespace: string; top: number; snapshot?: string; objects: string[]; dump?: string; output: "text" | "json" | "html"; failOn: OutputOptions["failOn"]; color?: boolean } & LiveFlags) => {
    let files = [...positional, ...flags.filename];
    requireExistingPaths([...files, ...(flags.snapshot ? [flags.snapshot] : []), ...flags.objects, ...(flags.dump ? [flags.dump] : [])]);
    if (files.length === 0 && !flags.pod) {
      if (process.stdin.isTTY) throw new UsageError("give access-log files, - for stdin, or --pod NAME for a live proxy");
      files = ["-"];
    }
    const builder = new ViewBuilder();
    const paths = [...(flags.snapshot ? [flags.snapshot] : []), ...flags.objects, ...(flags.dump ? [flags.dump] : [])];
    if (paths.length > 0) loadPaths(paths, builder);
    await resolveLargeEnvoyInputs(builder.envoy, (origin, message) => builder.addProblem(origin, message));
    const sources: Array<{ name: string; proxy?: string; path?: string; open: () => Promise<{ stream: NodeJS.ReadableStream; done?: Promise<void> }> | { stream: NodeJS.ReadableStream; done?: Promise<void> } }> = [];
    for (const file of files) sources.push({ name: file, ...(file === "-" ? {} : { path: file }), open: () => ({ stream: file === "-" ? process.stdin : createReadStream(file) }) });
    if (flags.pod && !flags.snapshot) {
      // Whether the proxy logs requests at all: MeshConfig and Telemetry, read live.
      const admin = await openAdmin(flags);
      try {
        const objects = await admin.accessLoggingContext(flags.pod, flags.istioNamespace);
        const origin = { file: `api:${admin.server}` };
        for (const object of objects) builder.addObject(object, origin);
        addMeshConfigFromObjects(objects, origin.file, builder);
      } catch (error) {
        warn(`${(error as Error).message}: whether access logging is on is not checked`);
      } finally {
        admin.close();
      }
    }
    if (flags.pod) {
      const sinceSeconds = parseGoDuration(flags.since);
      if (sinceSeconds === undefined || sinceSeconds <= 0) throw new UsageError(`--since "${flags.since}" is not a duration (5s, 10m, 1h)`);
      const logs = await openAdmin(flags);
      sources.push({
        name: `logs of ${flags.pod} -c istio-proxy`,
        proxy: `${flags.pod}.${logs.namespace}`,
        open: async () => {
          try {
            const opened = await logs.proxyLog(flags.pod!, { sinceSeconds: Math.round(sinceSeconds) });
            return { stream: opened.stream, done: opened.done.finally(() => logs.close()) };
          } catch (error) {
            logs.close();
            throw error;
          }
        },
      });
    }
    const summaries: Array<{ name: string; reader: AccessLogReader; timeline?: TrafficTimeline; proxy?: string }> = [];
    let failed = 0;
    for (const source of sources) {
      const reader = new AccessLogReader({ format: flags.format, containerLog: Boolean(source.proxy) });
      const timeline = flags.output === "html" ? new (await import("../../report/html/traffic.js")).TrafficTimeline() : undefined;
      try {
        const onEntry = timeline ? (entry: AccessLogEntry) => timeline.add(entry) : undefined;
        if (source.path !== undefined) {
          if (onEntry) readAccessLogFile(reader, source.path, onEntry);
          else await readAccessLogFileInParallel(reader, source.path);
        } else {
          const opened = await source.open();
          await readAccessLogStream(reader, opened.stream as import("node:stream").Readable, onEntry);
          await opened.done;
        }
      } catch (error) {
        failed++;
        const code = (error as NodeJS.ErrnoException).code;
        warn(`${source.name}: ${code === "ENOENT" ? "no such file or directory" : (error as Error).message}`);
        continue;
      }
      builder.addSource(source.name);
      builder.envoy.accessLogs.push({ origin: { file: source.name }, proxy: source.proxy, summary: reader.summary });
      summaries.push({ name: source.name, reader, timeline, proxy: source.proxy });
      if (reader.summary.skipped.count > 0) warn(`${source.name}: skipped ${reader.summary.skipped.count} line(s) that match no access-log format; first at line ${reader.summary.skipped.samples[0]!.line}`);
    }
    if (summaries.length === 0) {
      envoy.parent?.setOptionValue("exitCode", failed > 0 ? EXIT_USAGE : 0);
      return;
    }
    const view = builder.build({ mode: flags.pod ? "live" : "offline" });
    const podOf = (host: string) => {
      const pod = podForAddress(view, host);
      return pod ? podLabel(pod) : undefined;
    };
    const result = runRules(envoyRules, view, { scope: "diagnose" });
    if (flags.output === "json") {
      await writeStdout(accessLogsJson(summaries.map(({ name, reader }) => ({ source: name, summary: reader.summary })), toReport("envoy logs", view, result, envoyRules), podOf));
      envoy.parent?.setOptionValue("exitCode", exitCodeFor(result.findings, flags.failOn));
      return;
    }
    if (flags.output === "html") {
      const traffic = summaries.map(({ name, reader, timeline, proxy }) => ({ source: name, proxy, summary: reader.summary, timeline: timeline!, podOf }));
      const code = await emit(toReport("envoy logs", view, result, envoyRules), { output: "html", failOn: flags.failOn }, { view, traffic });
      envoy.parent?.setOptionValue("exitCode", code);
      return;
    }
    for (const { name, reader } of summaries) await writeStdout(accessLogText({ source: name, summary: reader.summary }, flags.top, podOf));
    const code = await emit(toReport("envoy logs", view, result, envoyRules), { output: "text", failOn: flags.failOn, color: flags.color });
    envoy.parent?.setOptionValue("exitCode", code);
  });
  envoy.addCommand(command);
}

function registerStatus(envoy: Command): void {
  const command = new Command("status")
    .description("read istioctl proxy-status (any layout, or -o json) or istiod's /debug/syncz; flag STALE/ERROR/NOT SENT proxies and version skew")
    .option("-f, --filename <file>", "saved `istioctl proxy-status` output (text or JSON) or /debug/syncz JSON; - for stdin")
    .option("--istio-namespace <ns>", "live: istiod's namespace", "istio-system")
    .addOption(outputOption(["text", "json"], "text or json"))
    .addOption(failOnOption("error"))
    .option("--no-color", "never colour the output");
  addLiveOptions(command);
  command.action(async (flags: { filename?: string; istioNamespace: string; output: "text" | "json"; failOn: OutputOptions["failOn"]; color?: boolean } & LiveFlags) => {
    let text: string;
    let source: string;
    if (flags.filename) {
      source = flags.filename;
      try {
        text = flags.filename === "-" ? await readStdin() : await import("node:fs").then((fs) => fs.readFileSync(flags.filename!, "utf8"));
      } catch (error) {
        throw new UsageError(`cannot read ${flags.filename}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (error as Error).message}`);
      }
    } else {
      source = `api:GET ${istiodSynczPath(flags.istioNamespace)}`;
      const admin = await openAdmin(flags);
      try {
        text = await admin.syncz(flags.istioNamespace);
      } catch (error) {
        throw new UsageError(`${(error as Error).message} (or give saved output with -f)`);
      } finally {
        admin.close();
      }
    }
    const table = parseProxyStatus(text);
    for (const problem of table.problems) warn(`${source}:${problem.line}: ${problem.message}`);
    const builder = new ViewBuilder();
    builder.addSource(source);
    builder.envoy.proxyStatus.push({ origin: { file: source, line: 1 }, text, table });
    const view = builder.build({ mode: flags.filename ? "offline" : "live" });
    const result = runRules(envoyRules, view, { scope: "diagnose", only: ["envoy/proxy-status-stale", "envoy/proxy-version-skew", "envoy/proxy-subscriptions-missing", "envoy/proxy-sync-state-unknown"] });
    await writeStdout(flags.output === "json" ? proxyStatusJson(table, result.findings) : proxyStatusText(table));
    const code = flags.output === "json" ? exitCodeFor(result.findings, flags.failOn) : await emit(toReport("envoy status", view, result, envoyRules), { output: "text", failOn: flags.failOn, color: flags.color });
    envoy.parent?.setOptionValue("exitCode", code);
  });
  envoy.addCommand(command);
}

export function register(program: Command): void {
  const envoy = new Command("envoy").description("the Envoy data plane: proxy-status, config dumps, request tracing and access logs");
  envoy.addHelpText(
    "after",
    `
Examples:
  ktriage envoy status -f proxy-status.txt
  ktriage envoy config -f dump.json clusters --fqdn catalog.istioinaction.svc.cluster.local
  ktriage envoy trace -f dump.json --url http://catalog.istioinaction.io/items --port 8080
  ktriage envoy logs gateway.log --snapshot snap/`,
  );
  registerConfig(envoy);
  registerTrace(envoy);
  registerLogs(envoy);
  registerStatus(envoy);
  for (const command of envoy.commands) command.exitOverride();
  program.addCommand(envoy);
}
