import type { ViewBuilder } from "../../view/builder.js";
import { DEFAULT_LIMITS, KubeClient, type ClientLimits } from "./client.js";
import { collectIstiodLogs, collectPod, collectScan, type ScanStats } from "./collect.js";
import { LiveUnavailableError } from "./errors.js";
import { Gatherer } from "./gatherer.js";
import { resolveKubeConfig } from "./kubeconfig.js";
import { builderSink, teeSink, type LiveSink } from "./sink.js";

export { LiveUnavailableError } from "./errors.js";

/** A problem line of a call made after the server stopped answering: `<what> not read: API server ... stopped answering: ...`. */
const STOPPED_ANSWERING = /^(.*?) not read: API server \S+ stopped answering: /;
export type { LiveSink, GatheredLog } from "./sink.js";

export interface LiveOptions {
  kubeconfig?: string;
  context?: string;
  /** Namespace from -n; the context's namespace (or "default") when absent. */
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  /** `ktriage pod NAME`: gather one pod in depth. */
  pod?: string;
  /** Bounds the whole run, in milliseconds. */
  timeoutMs?: number;
  /** Progress lines for stderr (only called when stderr is a TTY). */
  progress?: (message: string) => void;
  /** Request limits (concurrency, client-side QPS and burst, per-request timeout); defaults suit clusters of 10k pods. */
  limits?: Partial<ClientLimits>;
  /** Items per list page (limit/continue); 500 by default. */
  pageSize?: number;
  /** Also read istiod's pods and logs (mesh readiness). */
  istiodLogs?: boolean;
  /** Also send everything read to this sink (the snapshot writer). */
  sink?: LiveSink;
}

export interface LiveResult {
  /** The namespace the context resolved to. */
  namespace: string;
  context?: string;
  requests: number;
  /** API server URL. */
  server?: string;
  /** Pods read, pods found failing, and container logs asked for. */
  stats?: ScanStats;
  /** Wall time of the gathering, in milliseconds. */
  durationMs?: number;
  /** The run was cut short by --timeout; what was read is still used. */
  timedOut?: boolean;
}

/** Gathers evidence from the cluster in the kubeconfig into the builder. */
export async function gatherLive(builder: ViewBuilder, options: LiveOptions): Promise<LiveResult> {
  const started = Date.now();
  const kube = await resolveKubeConfig({ kubeconfig: options.kubeconfig, context: options.context });
  const namespace = options.namespace ?? kube.namespace;
  const deadline = options.timeoutMs !== undefined ? started + options.timeoutMs : undefined;
  const client = new KubeClient(kube, { ...DEFAULT_LIMITS, ...options.limits }, deadline);
  const sink = options.sink ? teeSink(builderSink(builder), options.sink) : builderSink(builder);
  const problems: string[] = [];
  // Once the server has stopped answering, every later call fails the same way: one line names them all.
  const cutOff: string[] = [];
  const gatherer = new Gatherer(client, {
    ...sink,
    problem(call, message) {
      problems.push(message);
      const unanswered = STOPPED_ANSWERING.exec(message);
      if (unanswered && cutOff.length > 0) cutOff.push(unanswered[1]!);
      else {
        if (unanswered) cutOff.push(unanswered[1]!);
        sink.problem(call, message);
      }
    },
  }, options.pageSize);
  builder.addSource(`cluster ${kube.server}${kube.context ? ` (context ${kube.context})` : ""}`);
  let stats: ScanStats;
  let timedOut = false;
  try {
    stats = options.pod
      ? await collectPod(gatherer, namespace, options.pod)
      : await collectScan(gatherer, { namespace: options.allNamespaces ? undefined : namespace, selector: options.selector, progress: options.progress });
    if (options.istiodLogs) stats = { ...stats, logs: stats.logs + (await collectIstiodLogs(gatherer, options.allNamespaces === true || namespace === "istio-system")) };
  } finally {
    client.close();
  }
  if (cutOff.length > 1) {
    const named = cutOff.slice(1);
    sink.problem(`api:${kube.server}`, `not read either, the API server had stopped answering: ${named.slice(0, 6).join("; ")}${named.length > 6 ? `; and ${named.length - 6} more` : ""}`);
  }
  if (deadline !== undefined && Date.now() >= deadline) {
    timedOut = true;
    builder.addProblem({ file: `api:${kube.server}` }, `--timeout of ${Math.round((options.timeoutMs ?? 0) / 100) / 10} s reached: the findings below come from what was read before it`);
  }
  // Nothing at all could be read: say why once instead of analysing an empty cluster.
  if (stats.pods === 0 && problems.length > 0) {
    const unauthorized = problems.find((message) => /: 401 /.test(message));
    if (unauthorized) throw new LiveUnavailableError(`${kube.server} rejected the credentials of ${kube.context ? `context ${kube.context}` : kube.source} (401 Unauthorized): log in again or renew the token`);
    if (problems.every((message) => /stopped answering|connection refused|no answer within|--timeout ran out|cannot resolve|closed the connection|TLS: /.test(message))) throw new LiveUnavailableError(problems[0]!);
  }
  return { namespace, context: kube.context, requests: client.requests, server: kube.server, stats, durationMs: Date.now() - started, timedOut };
}
