import type { ClusterView } from "../../../view/cluster-view.js";
import type { Arbitration, Precedence } from "../../../engine/rule.js";
import type { LogMatch } from "../../../signatures/scan.js";
import { type ContainerContext, type PodContext, podContexts } from "./context.js";
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
 * The pod causes' precedence, declared once: each detector in this folder answers one question about a
 * pod or a container at a named stage, and the engine's arbitration walks the stages best first.
 */

interface PodSubject {
  pod: PodContext;
  now: Date;
}

/** Causes of the whole pod: a pod that never got a node or was evicted has no container cause. */
const POD_CAUSES: Precedence<PodSubject, Cause> = {
  stages: ["eviction", "admission", "scheduling", "sandbox"],
  detectors: [
    { stage: "eviction", detect: ({ pod }) => evictionCause(pod) },
    { stage: "admission", detect: ({ pod }) => admissionCause(pod) },
    { stage: "scheduling", detect: ({ pod, now }) => schedulingCause(pod, now) },
    { stage: "sandbox", detect: ({ pod }) => sandboxCause(pod) },
  ],
};

/** Causes that keep a container from being created at all: checked before anything it could have done. */
const BEFORE_START_CAUSES: Precedence<ContainerContext, Cause> = {
  stages: ["image-pull", "config-reference", "start-failure"],
  detectors: [
    { stage: "image-pull", detect: imagePullCause },
    { stage: "config-reference", detect: configReferenceCause },
    { stage: "start-failure", detect: startFailureCause },
  ],
};

/** Below this weight a log line names its cause less surely than an exit 0 under restartPolicy Always does. */
export const WEAK_LOG_WEIGHT = 60;
/** From this weight a log line with exit 1 or 2 names the reason the app exited on its own. */
const DECISIVE_LOG_WEIGHT = 80;

interface CrashSubject {
  container: ContainerContext;
  terminated: Cause["terminated"];
  /** The log line the signature catalog picks for the container. */
  logged: LogMatch | undefined;
}

const fromLog = ({ container, logged, terminated }: CrashSubject) => (logged ? causeFromLog(container, logged, terminated, !!container.status) : undefined);

/** A runtime out of memory (or disk) makes the app unresponsive before any probe gives up on it: that is the root cause. */
function resourceExhausted(logged: LogMatch): boolean {
  return logged.signature.category === "oom-killed" || logged.signature.category === "disk-full";
}

/**
 * A crashing container: OOMKilled; then a decisive log line (a resource exhausted, or a specific reason
 * with exit 1/2, which beats probe failures seen around it); then a probe kill; then a log line; then
 * exit 0 under restartPolicy Always (the process finished, nothing failed) over a weak log line; then
 * the exit code alone. A decisive line always weighs at least WEAK_LOG_WEIGHT, so exit 0 never overrides it.
 */
export const CRASH_CAUSES: Precedence<CrashSubject, Cause> = {
  stages: ["oom-killed-reason", "decisive-log-line", "probe-kill", "log-line", "exit-zero-under-always", "weak-log-line", "exit-code"],
  detectors: [
    { stage: "oom-killed-reason", detect: ({ container, terminated }) => oomKilledCause(container, terminated) },
    {
      stage: "decisive-log-line",
      detect: (subject) => {
        const { logged, terminated } = subject;
        const decisive = logged && (resourceExhausted(logged) || (logged.signature.weight >= DECISIVE_LOG_WEIGHT && (terminated?.exitCode === 1 || terminated?.exitCode === 2)));
        return decisive ? fromLog(subject) : undefined;
      },
    },
    { stage: "probe-kill", detect: ({ container, terminated }) => probeKillCause(container, terminated) },
    { stage: "log-line", detect: (subject) => (subject.logged && subject.logged.signature.weight >= WEAK_LOG_WEIGHT ? fromLog(subject) : undefined) },
    { stage: "exit-zero-under-always", detect: ({ container, terminated }) => (terminated?.exitCode === 0 && restartPolicyOf(container) === "Always" ? exitCodeCause(container, terminated) : undefined) },
    { stage: "weak-log-line", detect: fromLog },
    { stage: "exit-code", detect: ({ container, terminated }) => (terminated ? exitCodeCause(container, terminated) : undefined) },
  ],
};

/** A container that does not crash but is not well: readiness first, then a starved CPU limit, then a logged failure. */
const QUIET_CAUSES: Precedence<{ container: ContainerContext; now: Date }, Cause> = {
  stages: ["readiness", "starved-cpu", "running-log"],
  detectors: [
    { stage: "readiness", detect: ({ container, now }) => readinessCause(container, now) },
    { stage: "starved-cpu", detect: ({ container }) => starvedCpuCause(container) },
    { stage: "running-log", detect: ({ container }) => runningLogCause(container) },
  ],
};

function quietCause(arbitration: Arbitration, container: ContainerContext, now: Date): Cause | undefined {
  if (container.init) return undefined;
  return arbitration.firstCause(QUIET_CAUSES, { container, now })?.cause;
}

function crashCause(arbitration: Arbitration, container: ContainerContext, terminated: Cause["terminated"]): Cause | undefined {
  return arbitration.firstCause(CRASH_CAUSES, { container, terminated, logged: primaryMatch(container) })?.cause;
}

function diagnoseContainer(arbitration: Arbitration, container: ContainerContext, now: Date): Cause | undefined {
  if (container.pod.status?.phase === "Succeeded") return undefined;
  const beforeStart = arbitration.firstCause(BEFORE_START_CAUSES, container);
  if (beforeStart) return beforeStart.cause;
  // Istio's own containers crash, go unready or fail to set up capture for mesh reasons: the sidecar rules explain those.
  if (MESH_CONTAINERS.has(container.name)) return undefined;
  const state = crashState(container, now);
  const terminated = state.terminated;
  if (!state.crashing) return quietCause(arbitration, container, now);
  if (isSidecarAfterJob(container, terminated)) return undefined;
  if (container.pod.status && container.status?.state?.terminated && restartPolicyOf(container) !== "Always" && terminated?.exitCode === 0) return undefined;
  let cause = crashCause(arbitration, container, terminated);
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

const diagnosisCache = new WeakMap<ClusterView, Diagnosis[]>();

/** The cause of every unhealthy pod and container in the view, arbitrated by the engine, computed once per view and shared by the pod rules. */
export function diagnoseView(view: ClusterView, arbitration: Arbitration | undefined): Diagnosis[] {
  const cached = diagnosisCache.get(view);
  if (cached) return cached;
  if (!arbitration) throw new Error("internal error: the pod causes are arbitrated by the engine, and this rule context carries no arbitration");
  const out: Diagnosis[] = [];
  for (const pod of podContexts(view)) {
    if (!view.inScope(pod.namespace)) continue;
    const diagnoses = arbitration.wholeThenParts<PodContext, ContainerContext, Diagnosis>(
      pod,
      // App containers wait in PodInitializing until every init container has exited 0: never a cause of their own.
      pod.containers.filter((container) => container.init || container.status?.state?.waiting?.reason !== "PodInitializing"),
      (whole) => {
        const cause = arbitration.firstCause(POD_CAUSES, { pod: whole, now: view.now })?.cause;
        return cause && { pod: whole, cause, container: cause.category === "container-runtime-error" || cause.category === "storage-unavailable" ? whole.containers.find((c) => !c.init) : undefined };
      },
      (container) => {
        const cause = diagnoseContainer(arbitration, container, view.now);
        return cause && { pod, container, cause };
      },
      visiblyBroken,
    );
    out.push(...diagnoses);
  }
  diagnosisCache.set(view, out);
  return out;
}
