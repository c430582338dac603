import { resolveLargeEnvoyInputs } from "../sources/envoy-load.js";
import { summariseLateProxyLogs } from "../sources/envoy.js";
import { loadPaths, type LoadOptions } from "../sources/files.js";
import { gatherLive, LiveUnavailableError, type LiveOptions, type LiveResult } from "../sources/live/index.js";
import { labelSelectorMatches, parseLabelSelector, type LabelSelector } from "../k8s/selectors.js";
import { ViewBuilder } from "../view/builder.js";
import type { ClusterView } from "../view/cluster-view.js";
import type { Finding } from "../model/finding.js";
import { ensureHeapFor } from "./heap.js";
import { requireExistingPaths, requireNamespace } from "./lookup.js";
import { UsageError } from "./shared.js";

/** Which cluster to read live, and how much of it (`addInputOptions` declares the flags). */
export interface ClusterFlags {
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  context?: string;
  kubeconfig?: string;
  timeout?: number;
}

export interface InputFlags extends ClusterFlags {
  filename?: string[];
  snapshot?: string;
}

/** The live read the cluster flags ask for, with progress on a terminal; a --timeout that is not a positive number is a usage error. */
export function liveOptions(flags: ClusterFlags): LiveOptions {
  if (flags.timeout !== undefined && !(flags.timeout > 0)) throw new UsageError("--timeout takes a number of seconds greater than 0");
  return {
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    namespace: flags.namespace,
    allNamespaces: flags.allNamespaces,
    selector: flags.selector,
    timeoutMs: flags.timeout ? flags.timeout * 1000 : undefined,
    progress: process.stderr.isTTY ? (message) => process.stderr.write(`\r\x1b[2K${message}`) : undefined,
  };
}

/** Clears the progress line `liveOptions` writes. */
export function clearProgress(): void {
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
}

export interface Gathered {
  view: ClusterView;
  live?: LiveResult;
}

export function hasOfflineInputs(flags: InputFlags): boolean {
  return Boolean(flags.snapshot) || (flags.filename?.length ?? 0) > 0;
}

/**
 * Offline when -f or --snapshot is given, live otherwise. The builder may be
 * pre-filled (extra logs and events given to `pod`).
 */
export async function gather(flags: InputFlags, extra: { pod?: string; builder?: ViewBuilder; load?: LoadOptions; istiodLogs?: boolean; timelines?: boolean } = {}): Promise<Gathered> {
  const live = liveOptions(flags);
  const builder = extra.builder ?? new ViewBuilder();
  if (extra.timelines) builder.trafficTimelines = true;
  if (hasOfflineInputs(flags) || extra.builder) {
    const paths = [...(flags.snapshot ? [flags.snapshot] : []), ...(flags.filename ?? [])];
    requireExistingPaths(paths);
    loadPaths(paths, builder, { ...extra.load, onListed: ensureHeapFor });
    await resolveLargeEnvoyInputs(builder.envoy, (origin, message) => builder.addProblem(origin, message), { timelines: builder.trafficTimelines });
    const namespaces = flags.namespace && !flags.allNamespaces ? [flags.namespace] : undefined;
    const view = builder.build({ mode: "offline", namespaces });
    if (builder.trafficTimelines) summariseLateProxyLogs(view.logs);
    if (flags.namespace && !flags.allNamespaces) requireNamespace(view, flags.namespace, flags.snapshot ? "the snapshot" : "the inputs");
    return { view };
  }
  const started = new Date();
  try {
    const result = await gatherLive(builder, { ...live, pod: extra.pod, ...(extra.istiodLogs ? { istiodLogs: true } : {}) });
    clearProgress();
    const namespaces = flags.allNamespaces ? undefined : [result.namespace];
    const view = builder.build({ mode: "live", now: started, namespaces });
    if (builder.trafficTimelines) summariseLateProxyLogs(view.logs);
    const missingNamespace = flags.namespace && !flags.allNamespaces ? view.inputs.problems.find((problem) => problem.message.startsWith(`namespace "${flags.namespace}" does not exist`)) : undefined;
    if (missingNamespace) {
      const suggestion = /; did you mean .*\?$/.exec(missingNamespace.message)?.[0] ?? "";
      throw new UsageError(`no namespace ${flags.namespace} in the cluster${result.context ? ` of context ${result.context}` : ""}${suggestion} (kubectl get namespaces lists them)`);
    }
    return { view, live: result };
  } catch (error) {
    if (error instanceof LiveUnavailableError) throw new UsageError(error.message);
    throw error;
  }
}

/** Keeps findings whose resource carries labels matching -l (offline; live lists are already selected). */
export function filterBySelector(view: ClusterView, findings: Finding[], selector: string | undefined): Finding[] {
  if (!selector) return findings;
  let matches: LabelSelector;
  try {
    matches = parseLabelSelector(selector);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return findings.filter((finding) => {
    const object = view.get(finding.resource.kind, finding.resource.namespace, finding.resource.name);
    return object ? labelSelectorMatches(matches, object.metadata.labels, { absent: "everything" }) : false;
  });
}
