import type { ClusterView } from "../../../view/cluster-view.js";
import { type ContainerContext, type PodContext, podContexts } from "../../support/pod-context.js";
import { type Cause, type Diagnosis, MESH_CONTAINERS, restartPolicyOf } from "./cause.js";
import { configReferenceCause } from "./config-reference.js";
import { crashState, isSidecarAfterJob } from "./crash-state.js";
import { admissionCause, evictionCause } from "./eviction.js";
import { exitCodeCause } from "./exit-code.js";
import { imagePullCause } from "./image-pull.js";
import { asInitFailure } from "./init-container.js";
import { causeFromLog, primaryMatch, runningLogCause } from "./log-cause.js";
import { oomKilledCause } from "./oom.js";
import { probeKillCause } from "./probes.js";
import { readinessCause, starvedCpuCause } from "./readiness.js";
import { sandboxCause } from "./sandbox.js";
import { schedulingCause } from "./scheduling.js";
import { startFailureCause } from "./start-failure.js";
import { unknownCrash, visiblyBroken } from "./unknown.js";

/**
 * Arbitration between the pod causes, in one place. Each detector in this folder
 * answers one question about a pod or a container; the precedence below decides
 * which answer names the cause when several could.
 */

/** Pod-level causes, first match wins: a pod that never got a node or was evicted has no container cause. */
const POD_PRECEDENCE: ReadonlyArray<(pod: PodContext, now: Date) => Cause | undefined> = [evictionCause, admissionCause, schedulingCause, sandboxCause];

/** Causes that keep a container from being created at all: checked before anything it could have done. */
const BEFORE_START_PRECEDENCE: ReadonlyArray<(container: ContainerContext) => Cause | undefined> = [imagePullCause, configReferenceCause, startFailureCause];

/** A container that does not crash but is not well: readiness first, then a starved CPU limit, then a logged failure. */
function quietCause(container: ContainerContext, now: Date): Cause | undefined {
  if (container.init) return undefined;
  return readinessCause(container, now) ?? starvedCpuCause(container) ?? runningLogCause(container);
}

/**
 * A crashing container: OOMKilled; then a decisive log line (a resource exhausted, or a specific
 * reason with exit 1/2); then a probe kill; then any log line; then the exit code alone.
 */
function crashCause(container: ContainerContext, terminated: Cause["terminated"]): Cause | undefined {
  let cause = oomKilledCause(container, terminated);
  // The app exited on its own (1/2) with a specific reason in its log: that reason beats probe failures seen around it.
  const logged = primaryMatch(container);
  // A runtime out of memory (or disk) makes the app unresponsive before any probe gives up on it: that is the root cause.
  const resourceExhausted = logged && (logged.signature.category === "oom-killed" || logged.signature.category === "disk-full");
  if (!cause && logged && (resourceExhausted || (logged.signature.weight >= 80 && (terminated?.exitCode === 1 || terminated?.exitCode === 2)))) {
    cause = causeFromLog(container, logged, terminated, !!container.status);
  }
  cause ??= probeKillCause(container, terminated);
  if (!cause && logged) cause = causeFromLog(container, logged, terminated, !!container.status);
  if (!cause && terminated) cause = exitCodeCause(container, terminated);
  // Exit 0 under restartPolicy Always beats a weak log line: the process finished, nothing failed.
  if (cause && terminated?.exitCode === 0 && cause.category !== "exits-zero-under-always" && restartPolicyOf(container) === "Always" && (cause.match?.signature.weight ?? 100) < 60) {
    cause = exitCodeCause(container, terminated) ?? cause;
  }
  return cause;
}

function diagnoseContainer(container: ContainerContext, now: Date): Cause | undefined {
  if (container.pod.status?.phase === "Succeeded") return undefined;
  for (const detect of BEFORE_START_PRECEDENCE) {
    const cause = detect(container);
    if (cause) return cause;
  }
  // Istio's own containers crash, go unready or fail to set up capture for mesh reasons: the sidecar rules explain those.
  if (MESH_CONTAINERS.has(container.name)) return undefined;
  const state = crashState(container, now);
  const terminated = state.terminated;
  if (!state.crashing) return quietCause(container, now);
  if (isSidecarAfterJob(container, terminated)) return undefined;
  if (container.pod.status && container.status?.state?.terminated && restartPolicyOf(container) !== "Always" && terminated?.exitCode === 0) return undefined;
  let cause = crashCause(container, terminated);
  if (container.init && !container.nativeSidecar && cause?.category !== "oom-killed") return asInitFailure(container, cause, terminated);
  if (!cause) {
    cause = unknownCrash(container, terminated);
    if (!container.status && container.events.length === 0) cause.severity = "warning";
  }
  if (!state.recent || (container.status && (container.status.restartCount ?? 0) <= 1 && container.status.state?.running)) {
    cause.severity = "warning";
    cause.confidence = Math.min(cause.confidence, 0.6);
  }
  return cause;
}

function diagnosePod(pod: PodContext, now: Date): Cause | undefined {
  for (const detect of POD_PRECEDENCE) {
    const cause = detect(pod, now);
    if (cause) return cause;
  }
  return undefined;
}

const diagnosisCache = new WeakMap<ClusterView, Diagnosis[]>();

/** The cause of every unhealthy pod and container in the view, computed once per view and shared by the pod rules. */
export function diagnoseView(view: ClusterView): Diagnosis[] {
  const cached = diagnosisCache.get(view);
  if (cached) return cached;
  const out: Diagnosis[] = [];
  for (const pod of podContexts(view)) {
    if (!view.inScope(pod.namespace)) continue;
    const podCause = diagnosePod(pod, view.now);
    if (podCause) {
      out.push({ pod, cause: podCause, container: podCause.category === "container-runtime-error" || podCause.category === "storage-unavailable" ? pod.containers.find((c) => !c.init) : undefined });
      continue;
    }
    const before = out.length;
    for (const container of pod.containers) {
      // App containers wait in PodInitializing until every init container has exited 0: never a cause of their own.
      if (!container.init && container.status?.state?.waiting?.reason === "PodInitializing") continue;
      const cause = diagnoseContainer(container, view.now);
      if (cause) out.push({ pod, container, cause });
    }
    if (out.length === before) {
      const broken = visiblyBroken(pod);
      if (broken) out.push(broken);
    }
  }
  diagnosisCache.set(view, out);
  return out;
}
