import { Command, Option } from "commander";
import { runRules, type EngineResult } from "../../engine/engine.js";
import { accessLogsJson, accessLogText } from "../../report/access-logs.js";
import { adminStatsJson, adminStatsText, logLevelsJson, logLevelsText, serverInfoJson, serverInfoText } from "../../report/envoy-admin.js";
import { liveEndpointTable } from "../../report/proxy-config-tables.js";
import type { ConfigDump } from "../../envoy/config-dump.js";
import { hostMatches, liveEndpointRows, logLevelCommands, LOG_LEVELS, parseAdminClusters, parseAdminStats, parseLogLevels, parseServerInfo } from "../../envoy/admin.js";
import { parseProxyStatus } from "../../envoy/proxy-status.js";
import { proxyStatusJson, proxyStatusText } from "../../report/proxy-status.js";
import { listenerPort } from "../../envoy/proxy-config.js";
import { isProxyConfigTable, proxyConfigSection } from "../../queries/proxy-config.js";
import { proxyConfigText } from "../../report/proxy-config.js";
import { traceRequest, type TraceResult } from "../../queries/trace.js";
import { renderTrace } from "../../report/trace.js";
import { envoyData, podForAddress, podLabel } from "../../envoy/view-data.js";
import { envoyRules } from "../../rules/envoy/index.js";
import { istiodSynczPath, needsPost } from "../../sources/live/envoy-admin.js";
import { ViewBuilder } from "../../view/builder.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { requireExistingPaths } from "../lookup.js";
import { accessLogContext, addLiveAccessLogging, contextView, fileAccessLogs, liveAccessLog, openAdmin, readAccessLogs, readAdmin, readDump, readTextInput, tracedProxy, type LiveFlags, type ReadAccessLog } from "../envoy-inputs.js";
import { addInputOptions, outputOption, failOnOption, collect, emit, exitCodeFor, EXIT_USAGE, setExitCode, toReport, UsageError, warn, writeStdout, type OutputOptions } from "../shared.js";

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0 || parsed > 65535) throw new UsageError(`"${value}" is not a port number`);
  return parsed;
}

/** The flags several envoy commands read, declared once; each command words them for what it reads. */
const flag = {
  filename: (description: string) => new Option("-f, --filename <file>", description),
  filenames: (description: string) => new Option("-f, --filename <file>", description).argParser(collect).default([]),
  pod: (description: string) => new Option("--pod <name>", description),
  port: (description: string) => new Option("--port <port>", description).argParser(port),
  snapshot: (description: string) => new Option("--snapshot <dir>", description),
  objects: (description: string) => new Option("--objects <path>", description).argParser(collect).default([]),
  istioNamespace: (description: string) => new Option("--istio-namespace <ns>", description).default("istio-system"),
};

/** How to reach a live proxy: -n, --context and --kubeconfig as every command reads them, and Envoy's admin port. */
function addLiveOptions(command: Command): Command {
  addInputOptions(command, { filename: null, snapshot: null, namespace: "namespace of --pod (live)", allNamespaces: null, selector: null, context: "kubeconfig context (live)", kubeconfig: "kubeconfig file (live)", timeout: null });
  return command.option("--admin-port <port>", "Envoy's admin port on the pod (live)", port, 15000);
}

/** The commands that report findings: --fail-on sets the exit code, text output may be coloured. */
function addFindingOptions(command: Command): Command {
  return command.addOption(failOnOption("error")).option("--no-color", "never colour the output");
}

type FindingFlags = Pick<OutputOptions, "failOn" | "color">;

interface ConfigFlags extends LiveFlags {
  filename?: string;
  pod?: string;
  level?: string;
  fqdn?: string;
  port?: number;
  subset?: string;
  direction?: string;
  address?: string;
  type?: string;
  name?: string;
  cluster?: string;
  status?: string;
  verbose?: boolean;
  withHeaders?: boolean;
  output: string;
}

function registerConfig(envoy: Command): void {
  const command = new Command("config")
    .description("print a proxy's clusters, listeners, routes, endpoints or secrets from its config dump, as istioctl proxy-config does")
    .argument("[what]", "clusters | listeners | routes | endpoints | secrets | ecds | bootstrap | all; live (--pod) also stats | server_info | log", "all")
    .addOption(flag.filename("Envoy config dump (admin :15000/config_dump or istioctl proxy-config all -o json); - for stdin; any size"))
    .addOption(flag.pod("read a live proxy through the API server's pod proxy (pods/proxy get): config_dump; /clusters for endpoints (STATUS, OUTLIER CHECK); stats, server_info, log"))
    .option("--level <level>", `log: the level to set (${LOG_LEVELS.join(", ")}, or logger:level,...); a write, so the command is printed, never run`)
    .option("--fqdn <host>", "clusters: only names containing this FQDN")
    .addOption(flag.port("clusters/listeners/endpoints: only this port"))
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
  command.action(async (what: string, flags: ConfigFlags) => {
    const kind = what.toLowerCase().replace(/s$/, "");
    const { pod } = flags;
    if (kind === "stat" || kind === "server_info" || kind === "server-info" || kind === "log") {
      if (!pod || flags.filename) throw new UsageError(`${what} is read from a live proxy: give --pod NAME (-n NAMESPACE)`);
      await writeStdout(await liveAdminTable(kind, pod, flags, flags.output === "json"));
      return;
    }
    if (kind === "endpoint" && pod && !flags.filename) {
      await writeStdout(await liveEndpoints(pod, flags));
      return;
    }
    await writeStdout(dumpTable(await readDump(flags), what, kind, flags));
  });
  envoy.addCommand(command);
}

/** One table of a config dump, filtered as istioctl proxy-config filters it. */
function dumpTable(dump: ConfigDump, what: string, kind: string, flags: ConfigFlags): string {
  const verbose = flags.verbose !== false;
  const filters = {
    cluster: { fqdn: flags.fqdn, port: flags.port, subset: flags.subset, direction: flags.direction },
    listener: { address: flags.address, port: flags.port, type: flags.type, verbose },
    route: { name: flags.name, verbose },
    endpoint: { address: flags.address, port: flags.port, cluster: flags.cluster, status: flags.status },
  };
  if (!isProxyConfigTable(kind)) throw new UsageError(`unknown table "${what}": clusters, listeners, routes, endpoints, secrets, ecds, bootstrap or all`);
  if (flags.output === "json") {
    const section = proxyConfigSection(dump, kind, filters);
    if (section === undefined) throw new UsageError("config dump has no bootstrap section");
    return JSON.stringify(section, null, 2) + "\n";
  }
  try {
    return proxyConfigText(dump, kind, filters, { withHeaders: Boolean(flags.withHeaders) });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A live proxy's endpoints from its /clusters (STATUS and OUTLIER CHECK, which the config dump lacks). */
async function liveEndpoints(pod: string, flags: ConfigFlags): Promise<string> {
  const filter = { address: flags.address, port: flags.port, cluster: flags.cluster, status: flags.status };
  const text = await readAdmin(pod, "clusters", flags);
  try {
    const hosts = parseAdminClusters(text);
    return flags.output === "json" ? JSON.stringify(hosts.filter((host) => hostMatches(host, filter)), null, 2) + "\n" : liveEndpointTable(liveEndpointRows(hosts, filter));
  } catch (error) {
    throw new UsageError(`pod ${pod}: ${(error as Error).message}`);
  }
}

/** stats, server_info and log of a live proxy. */
async function liveAdminTable(kind: string, pod: string, flags: ConfigFlags, json: boolean): Promise<string> {
  const where = `${pod}${flags.namespace ? `.${flags.namespace}` : ""}`;
  if (kind === "stat") {
    const stats = parseAdminStats(await readAdmin(pod, "stats", flags));
    return json ? adminStatsJson(where, stats) : adminStatsText(where, stats);
  }
  const info = parseServerInfo(await readAdmin(pod, "server_info", flags));
  if (kind !== "log") return json ? serverInfoJson(where, info) : serverInfoText(where, info);
  const { level } = flags;
  if (level !== undefined && !level.split(",").every((part) => LOG_LEVELS.includes(part.includes(":") ? part.slice(part.indexOf(":") + 1) : part))) throw new UsageError(`--level "${level}": use one of ${LOG_LEVELS.join(", ")}, or logger:level,...`);
  let levels: Map<string, string> | undefined;
  let source: string;
  try {
    levels = parseLogLevels(await readAdmin(pod, "logging", flags));
    source = "current levels (GET /logging)";
  } catch (error) {
    if (!needsPost(error)) throw error;
    // Envoy answers /logging only to POST; ktriage sends GETs only, so it shows the levels the proxy started with.
    source = "levels Envoy was started with (server_info); this Envoy lists current levels only on POST /logging, which ktriage does not send: run istioctl proxy-config log for them";
  }
  const logLevels = { proxy: where, source, levels, startup: info, changeCommands: level ? logLevelCommands(pod, flags.namespace, level) : [] };
  return json ? logLevelsJson(logLevels) : logLevelsText(logLevels);
}

/** Listener ports a request could be traced on, the proxy's own (15000-15090) left out when there are others. */
function proposedPorts(dump: ConfigDump): number[] {
  const ports = [...new Set(dump.listeners().map((listener) => listenerPort(listener.raw)))].filter((candidate) => candidate > 0).sort((a, b) => a - b);
  const application = ports.filter((candidate) => candidate < 15000 || candidate > 15090);
  return application.length > 0 ? application : ports;
}

function headersOf(pairs: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const header of pairs) {
    const eq = header.indexOf("=");
    if (eq <= 0) throw new UsageError(`--header "${header}" is not KEY=VALUE`);
    headers[header.slice(0, eq)] = header.slice(eq + 1);
  }
  return headers;
}

interface TraceFlags extends LiveFlags {
  filename?: string;
  pod?: string;
  url: string;
  port?: number;
  method: string;
  header: string[];
  snapshot?: string;
  objects: string[];
  output: string;
}

function registerTrace(envoy: Command): void {
  const command = new Command("trace")
    .description("follow one request through a proxy's config: listener, filter chain, route, cluster, endpoints; stop at the first broken link")
    .addOption(flag.filename("Envoy config dump of the proxy the request enters (any size); - for stdin"))
    .addOption(flag.pod("read the dump from a live pod through the API server's pod proxy (pods/proxy get)"))
    .requiredOption("--url <url>", "the request, e.g. http://catalog.istioinaction.io/items")
    .addOption(flag.port("the listener port on the proxy (default: the URL's port, turned into its Service's targetPort when the proxy's pod and Services are known: 80 -> 8080 on the ingress gateway)"))
    .option("--method <method>", "HTTP method", "GET")
    .option("--header <key=value>", "request header; repeatable", collect, [])
    .addOption(flag.snapshot("snapshot with pods, Services and DestinationRules: names the pod behind each endpoint and builds the fix"))
    .addOption(flag.objects("kubectl YAML/JSON with pods, Services, DestinationRules (same use as --snapshot); repeatable"))
    .addOption(outputOption(["text", "json"]));
  addLiveOptions(command);
  command.addHelpText("after", `\nExample:\n  ktriage envoy trace -f gateway-dump.json --url http://catalog.istioinaction.io/items --port 8080 --snapshot snap/`);
  command.action(async (flags: TraceFlags) => {
    const dump = await readDump(flags);
    const headers = headersOf(flags.header);
    const view = contextView([...(flags.snapshot ? [flags.snapshot] : []), ...flags.objects]);
    const proxy = await tracedProxy(dump, view, flags);
    let result: TraceResult;
    try {
      result = traceRequest(dump, { url: flags.url, port: flags.port, method: flags.method, headers }, { proxyPod: proxy.pod, podsByIp: envoyData(view).podsByIp, pods: view.kind("Pod"), services: proxy.services, destinationRules: view.kind("DestinationRule") }, proxy.label);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (flags.port === undefined && result.broken?.stage === "listener") {
      // No --port and nothing listens on the URL's port: the question was not the one meant; propose the ports that exist.
      const ports = proposedPorts(dump);
      const again = ports.length > 0 ? `: trace again with ${ports.map((candidate) => `--port ${candidate}`).join(" or ")}` : "";
      warn(`no listener on port ${result.request.port}, the URL's port, and no --port given; ${proxy.label} listens on ${ports.length > 0 ? ports.join(", ") : "no application port"}${again} (a gateway listens on the Service's targetPort, e.g. 8080 for port 80)`);
      setExitCode(envoy, EXIT_USAGE);
      return;
    }
    await writeStdout(flags.output === "json" ? JSON.stringify(result, null, 2) + "\n" : renderTrace(result));
    setExitCode(envoy, result.broken ? 1 : 0);
  });
  envoy.addCommand(command);
}

interface LogsFlags extends LiveFlags, FindingFlags {
  filename: string[];
  format?: string;
  pod?: string;
  since: string;
  istioNamespace: string;
  top: number;
  snapshot?: string;
  objects: string[];
  dump?: string;
  output: "text" | "json" | "html";
}

function registerLogs(envoy: Command): void {
  const command = new Command("logs")
    .description("summarise Envoy access logs (by response code, flag, upstream cluster and host with p50/p95/p99) and diagnose them")
    .argument("[files...]", "access-log files, or - for stdin; TEXT, JSON or --format; istio-proxy container logs are fine (agent lines are skipped)")
    .addOption(flag.filenames("an access-log file, or - for stdin (same as the positional FILES); repeatable"))
    .option("--format <format>", "the Envoy format string the logs use (meshConfig.accessLogFormat), when not Istio's default TEXT or JSON")
    .addOption(flag.pod("read a live pod's or gateway's istio-proxy log through the API server (pods/log get, as kubectl logs -c istio-proxy)"))
    .option("--since <duration>", "live: only this recent (kubectl logs --since)", "1h")
    .addOption(flag.istioNamespace("live: istiod's namespace (the istio ConfigMap, root-namespace Telemetry)"))
    .option("--top <n>", "rows per table", (value) => Number(value), 10)
    .addOption(flag.snapshot("snapshot with pods: maps upstream_host to its pod; VirtualServices give the route timeouts"))
    .addOption(flag.objects("kubectl YAML/JSON with pods/VirtualServices (same use as --snapshot); repeatable"))
    .option("--dump <file>", "config dump of the same proxy: route timeouts and clusters for the findings")
    .addOption(outputOption(["text", "json", "html"], "text (summary and findings), json, or html (one page with the charts)"));
  addFindingOptions(command);
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
  command.action(async (positional: string[], flags: LogsFlags) => {
    let files = [...positional, ...flags.filename];
    const contextPaths = [...(flags.snapshot ? [flags.snapshot] : []), ...flags.objects, ...(flags.dump ? [flags.dump] : [])];
    requireExistingPaths([...files, ...contextPaths]);
    if (files.length === 0 && !flags.pod) {
      if (process.stdin.isTTY) throw new UsageError("give access-log files, - for stdin, or --pod NAME for a live proxy");
      files = ["-"];
    }
    const builder = await accessLogContext(contextPaths);
    const inputs = fileAccessLogs(files);
    if (flags.pod && !flags.snapshot) await addLiveAccessLogging(builder, flags.pod, flags.istioNamespace, flags);
    if (flags.pod) inputs.push(await liveAccessLog(flags.pod, flags.since, flags));
    const { logs, failed } = await readAccessLogs(inputs, builder, { format: flags.format, timelines: flags.output === "html" });
    if (logs.length === 0) {
      setExitCode(envoy, failed > 0 ? EXIT_USAGE : 0);
      return;
    }
    const view = builder.build({ mode: flags.pod ? "live" : "offline" });
    setExitCode(envoy, await emitLogs(view, runRules(envoyRules, view, { scope: "diagnose" }), logs, flags));
  });
  envoy.addCommand(command);
}

/** The summaries and findings in the chosen format; returns the exit code. */
async function emitLogs(view: ClusterView, result: EngineResult, logs: ReadAccessLog[], flags: LogsFlags): Promise<number> {
  const podOf = (host: string) => {
    const pod = podForAddress(view, host);
    return pod ? podLabel(pod) : undefined;
  };
  const report = toReport("envoy logs", view, result, envoyRules);
  if (flags.output === "json") {
    await writeStdout(accessLogsJson(logs.map(({ name, reader }) => ({ source: name, summary: reader.summary })), report, podOf));
    return exitCodeFor(result.findings, flags.failOn);
  }
  if (flags.output === "html") {
    const traffic = logs.map(({ name, reader, timeline, proxy }) => ({ source: name, proxy, summary: reader.summary, timeline: timeline!, podOf }));
    return emit(report, { output: "html", failOn: flags.failOn }, { view, traffic });
  }
  for (const { name, reader } of logs) await writeStdout(accessLogText({ source: name, summary: reader.summary }, flags.top, podOf));
  return emit(report, { output: "text", failOn: flags.failOn, color: flags.color });
}

interface StatusFlags extends LiveFlags, FindingFlags {
  filename?: string;
  istioNamespace: string;
  output: "text" | "json";
}

function registerStatus(envoy: Command): void {
  const command = new Command("status")
    .description("read istioctl proxy-status (any layout, or -o json) or istiod's /debug/syncz; flag STALE/ERROR/NOT SENT proxies and version skew")
    .addOption(flag.filename("saved `istioctl proxy-status` output (text or JSON) or /debug/syncz JSON; - for stdin"))
    .addOption(flag.istioNamespace("live: istiod's namespace"))
    .addOption(outputOption(["text", "json"], "text or json"));
  addFindingOptions(command);
  addLiveOptions(command);
  command.action(async (flags: StatusFlags) => {
    const source = flags.filename ?? `api:GET ${istiodSynczPath(flags.istioNamespace)}`;
    const text = flags.filename ? await readTextInput(flags.filename) : await readSyncz(flags);
    const table = parseProxyStatus(text);
    for (const problem of table.problems) warn(`${source}:${problem.line}: ${problem.message}`);
    const builder = new ViewBuilder();
    builder.addSource(source);
    builder.envoy.proxyStatus.push({ origin: { file: source, line: 1 }, text, table });
    const view = builder.build({ mode: flags.filename ? "offline" : "live" });
    const result = runRules(envoyRules, view, { scope: "diagnose", only: ["envoy/proxy-status-stale", "envoy/proxy-version-skew", "envoy/proxy-subscriptions-missing", "envoy/proxy-sync-state-unknown"] });
    await writeStdout(flags.output === "json" ? proxyStatusJson(table, result.findings) : proxyStatusText(table));
    const code = flags.output === "json" ? exitCodeFor(result.findings, flags.failOn) : await emit(toReport("envoy status", view, result, envoyRules), { output: "text", failOn: flags.failOn, color: flags.color });
    setExitCode(envoy, code);
  });
  envoy.addCommand(command);
}

/** istiod's /debug/syncz, read live. */
async function readSyncz(flags: StatusFlags): Promise<string> {
  const admin = await openAdmin(flags);
  try {
    return await admin.syncz(flags.istioNamespace);
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (or give saved output with -f)`);
  } finally {
    admin.close();
  }
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
