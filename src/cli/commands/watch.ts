import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { Command, Option } from "commander";
import { allRules } from "../../rules/index.js";
import { LiveUnavailableError } from "../../sources/live/index.js";
import { resolveKubeConfig } from "../../sources/live/kubeconfig.js";
import { EventPublisher } from "../../watch/events.js";
import { jsonLinesOutput } from "../../watch/json-lines.js";
import { DEFAULT_LEASE, LeaseElector } from "../../watch/lease.js";
import { createMetrics, serveHealth, type HealthServer, type WatchMetrics } from "../../watch/metrics.js";
import { Watcher, type Output } from "../../watch/watcher.js";
import { outputOption, collect, ruleSelection, UsageError, warn } from "../shared.js";

interface WatchFlags {
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  output: "jsonl" | "none";
  rule: string[];
  enable: string[];
  suppress: string[];
  coalesce: number;
  events?: boolean;
  eventsSeverity: "error" | "warning" | "info";
  listen?: string;
  leaderElect?: boolean;
  leaseNamespace?: string;
  leaseName: string;
  leaseDuration: number;
  identity?: string;
}

export function register(program: Command): void {
  const command = new Command("watch")
    .description("keep diagnosing a cluster: list and watch it, re-diagnose what each change touches, print new, changed and resolved findings")
    .addHelpText(
      "after",
      `
Runs until stopped (SIGTERM or Ctrl-C). In a pod it uses the pod's service account;
elsewhere the kubeconfig, as every live command. Read-only unless --events is given.

Examples:
  ktriage watch                                  # every namespace, JSON lines on stdout
  ktriage watch -n shop --context prod           # one namespace
  ktriage watch --events --listen :8080 --leader-elect
                                                 # in the cluster (deploy/helm/ktriage)

Each stdout line is one JSON object: change (new, changed, resolved), id, rule,
severity, category, kind, namespace, name, summary, cause, action, and the whole
finding (not for resolved). See docs/watch-mode.md.`,
    )
    .option("-n, --namespace <ns>", "watch only this namespace (default: every namespace)")
    .option("--context <name>", "kubeconfig context")
    .option("--kubeconfig <file>", "kubeconfig file (default $KUBECONFIG, ~/.kube/config, else the in-cluster service account)")
    .addOption(outputOption(["jsonl", "none"], "stdout: JSON lines, or nothing", "jsonl"))
    .option("--rule <id>", "run only this rule, or the rules under a prefix such as istio/; repeatable", collect, [])
    .option("--enable <id>", "also run this opt-in rule; repeatable", collect, [])
    .option("--suppress <code=resource>", "do not report a code or rule on a resource; repeatable", collect, [])
    .option("--coalesce <ms>", "changes within this many milliseconds are diagnosed together", (value) => Number(value), 250)
    .option("--events", "write each diagnosis as a Kubernetes Event on the object (reason Diagnosed): the only write, needs events create/patch")
    .addOption(new Option("--events-severity <severity>", "the least severe finding that gets an Event").choices(["error", "warning", "info"]).default("warning"))
    .option("--listen <host:port>", "serve /metrics (Prometheus), /healthz and /readyz, e.g. :8080")
    .option("--leader-elect", "several replicas: only the holder of a coordination.k8s.io Lease publishes")
    .option("--lease-namespace <ns>", "namespace of the Lease (default: the pod's, or the context's)")
    .option("--lease-name <name>", "name of the Lease", DEFAULT_LEASE.name)
    .option("--lease-duration <seconds>", "a follower takes over this long after the leader stops renewing", (value) => Number(value), DEFAULT_LEASE.leaseDurationSeconds)
    .option("--identity <name>", "this replica's name in the Lease and its Events (default: host name and a random suffix)");
  command.action(async (flags: WatchFlags) => {
    if (!(flags.coalesce >= 0)) throw new UsageError("--coalesce takes a number of milliseconds (0 or more)");
    const selection = await ruleSelection(flags, allRules);
    let kube;
    try {
      kube = await resolveKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context });
    } catch (error) {
      if (error instanceof LiveUnavailableError) throw new UsageError(error.message);
      throw error;
    }
    if (!(flags.leaseDuration >= 2)) throw new UsageError("--lease-duration takes a number of seconds (2 or more)");
    const identity = flags.identity ?? `${process.env.POD_NAME ?? hostname()}_${randomUUID().slice(0, 8)}`;
    const outputs: Output[] = [];
    if (flags.output === "jsonl") outputs.push(jsonLinesOutput((text) => process.stdout.write(text)));
    let elector: LeaseElector | undefined;
    let metrics: WatchMetrics | undefined;
    let stopping = false;
    const watcher: Watcher = new Watcher({
      kube,
      rules: allRules,
      selection,
      ...(flags.namespace ? { namespace: flags.namespace } : {}),
      outputs,
      coalesceMs: flags.coalesce,
      log: (message) => warn(message),
      isLeader: () => elector?.isLeader ?? true,
      onRequest: (verb, code) => metrics?.apiRequests.inc({ verb, code }),
      onLogRead: (previous, outcome) => metrics?.logsRead.inc({ previous: String(previous), outcome }),
      onRestart: (resource, reason) => metrics?.watchRestarts.inc({ resource: resource.resource, reason }),
      onDiagnosis: (_namespace, _changes, latencies) => {
        for (const latency of latencies) metrics?.diagnosisSeconds.observe(latency / 1000);
      },
    });
    let events: EventPublisher | undefined;
    if (flags.events) {
      events = new EventPublisher(watcher.api, watcher.store, identity, (message) => warn(message), 2000, flags.eventsSeverity);
      events.onWrite = (action) => metrics?.eventsWritten.inc({ action });
      outputs.push(events);
    }
    let server: HealthServer | undefined;
    if (flags.listen) {
      metrics = await createMetrics({ current: () => watcher.current(), isLeader: () => elector?.isLeader ?? true, objects: () => watcher.store.objectCount() });
      outputs.push(metrics.output);
      try {
        server = await serveHealth(flags.listen, metrics, { ready: () => watcher.ready, healthy: () => !stopping });
      } catch (error) {
        throw new UsageError(`--listen ${flags.listen}: ${error instanceof Error ? error.message : String(error)}`);
      }
      warn(`serving /metrics, /healthz and /readyz on ${server.address.address}:${server.address.port}`);
    }
    if (flags.leaderElect) {
      elector = new LeaseElector(watcher.api, { ...DEFAULT_LEASE, namespace: flags.leaseNamespace ?? kube.namespace, name: flags.leaseName, identity, leaseDurationSeconds: flags.leaseDuration, retryPeriodMs: Math.max(500, (flags.leaseDuration * 1000) / 7.5), renewDeadlineMs: (flags.leaseDuration * 1000 * 2) / 3 }, (message) => warn(message));
      elector.onChange = () => {
        if (watcher.ready) void watcher.leadershipChanged();
      };
    }
    const stopped = new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
    });
    elector?.start();
    await watcher.start();
    warn(`watching ${kube.server}${flags.namespace ? ` (namespace ${flags.namespace})` : ""}: ${watcher.stats.objects} objects, ${watcher.stats.findings} findings${elector ? `; ${elector.isLeader ? "leading" : "following"} as ${identity}` : ""}`);
    await watcher.leadershipChanged();
    await stopped;
    stopping = true;
    events?.stop();
    await elector?.stop();
    await watcher.stop();
    await server?.close();
  });
  program.addCommand(command);
}
