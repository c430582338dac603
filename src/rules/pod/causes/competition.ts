import type { ClusterView } from "../../../view/cluster-view.js";
import type { Arbitration, Competition, Precedence } from "../../../contract/rule.js";
import type { LogMatch } from "../../../signatures/scan.js";
import { type ContainerContext, type PodContext, podContexts } from "./context.js";
import { type Cause, type Diagnosis, MESH_CONTAINERS, restartPolicyOf } from "./cause.js";
import { crashState, isSidecarAfterJob } from "./crash-state.js";
import { primaryMatch } from "./log-cause.js";

/**
 * The pod rules' competition: the precedences their detectors join, and the walk over a view's pods that
 * asks them. No detector lives here: each pod cause rule declares its own (stage and position) in its file,
 * and the engine arbitrates between every rule that joined.
 */

export interface PodSubject {
  pod: PodContext;
  now: Date;
}

export interface ContainerSubject {
  container: ContainerContext;
}

export interface CrashSubject {
  container: ContainerContext;
  terminated: Cause["terminated"];
  /** The log line the signature catalog picks for the container. */
  logged: LogMatch | undefined;
}

export interface QuietSubject {
  container: ContainerContext;
  now: Date;
}

export interface InitSubject {
  container: ContainerContext;
  /** The cause found inside the init container, when one was. */
  inner: Cause | undefined;
  terminated: Cause["terminated"];
}

export interface UnexplainedSubject {
  container: ContainerContext;
  terminated: Cause["terminated"];
}

/** Causes of the whole pod: a pod that never got a node or was evicted has no container cause. */
export const POD_WIDE: Precedence<PodSubject, Cause> = { id: "pod-wide", stages: ["eviction", "admission", "scheduling", "sandbox"] };

/** Causes that keep a container from being created at all: checked before anything it could have done. */
export const BEFORE_START: Precedence<ContainerSubject, Cause> = { id: "before-start", stages: ["image-pull", "config-reference", "start-failure"] };

/**
 * A crashing container: OOMKilled; then a decisive log line (a resource exhausted, or a specific reason
 * with exit 1/2, which beats probe failures seen around it); then a probe kill; then a log line; then
 * exit 0 under restartPolicy Always (the process finished, nothing failed) over a weak log line; then
 * the exit code alone. A decisive line always weighs at least WEAK_LOG_WEIGHT, so exit 0 never overrides it.
 */
export const CRASH: Precedence<CrashSubject, Cause> = {
  id: "crash",
  stages: ["oom-killed-reason", "decisive-log-line", "probe-kill", "log-line", "exit-zero-under-always", "weak-log-line", "exit-code"],
};

/** A container that does not crash but is not well: readiness first, then a starved CPU limit, then a logged failure. */
export const QUIET: Precedence<QuietSubject, Cause> = { id: "quiet", stages: ["readiness", "starved-cpu", "running-log"] };

/** An init container that fails holds the app containers back, whatever failed inside it (but memory: that is the memory limit's). */
export const INIT_FAILURE: Precedence<InitSubject, Cause> = { id: "init-failure", stages: ["init-container"] };

/** A crash no detector explains. */
export const UNEXPLAINED: Precedence<UnexplainedSubject, Cause> = { id: "unexplained", stages: ["unknown-crash"] };

/** A pod no cause explains but that is plainly not well. */
export const UNHEALTHY_POD: Precedence<PodContext, Diagnosis> = { id: "unhealthy-pod", stages: ["visibly-broken"] };

type Owned = { rule: string; cause: Cause };

function owned(answer: { rule: string; cause: Cause } | undefined): Owned | undefined {
  return answer && { rule: answer.rule, cause: answer.cause };
}

function diagnoseContainer(arbitration: Arbitration, container: ContainerContext, now: Date): Owned | undefined {
  if (container.pod.status?.phase === "Succeeded") return undefined;
  const beforeStart = owned(arbitration.firstCause(BEFORE_START, { container }));
  if (beforeStart) return beforeStart;
  // Istio's own containers crash, go unready or fail to set up capture for mesh reasons: the sidecar rules explain those.
  if (MESH_CONTAINERS.has(container.name)) return undefined;
  const state = crashState(container, now);
  const terminated = state.terminated;
  if (!state.crashing) return container.init ? undefined : owned(arbitration.firstCause(QUIET, { container, now }));
  if (isSidecarAfterJob(container, terminated)) return undefined;
  if (container.pod.status && container.status?.state?.terminated && restartPolicyOf(container) !== "Always" && terminated?.exitCode === 0) return undefined;
  let found = owned(arbitration.firstCause(CRASH, { container, terminated, logged: primaryMatch(container) }));
  const init = owned(arbitration.firstCause(INIT_FAILURE, { container, inner: found?.cause, terminated }));
  if (init) return init;
  found ??= owned(arbitration.firstCause(UNEXPLAINED, { container, terminated }));
  if (!found) return undefined;
  if (!state.recent || (container.status && (container.status.restartCount ?? 0) <= 1 && container.status.state?.running)) {
    found.cause.severity = "warning";
    found.cause.confidence = Math.min(found.cause.confidence, 0.6);
  }
  return found;
}

/** The cause of every unhealthy pod and container in the view, each owned by the rule whose detector named it. */
function diagnoseView(view: ClusterView, arbitration: Arbitration): Diagnosis[] {
  const out: Diagnosis[] = [];
  for (const pod of podContexts(view)) {
    if (!view.inScope(pod.namespace)) continue;
    const diagnoses = arbitration.wholeThenParts<PodContext, ContainerContext, Diagnosis>(
      pod,
      // App containers wait in PodInitializing until every init container has exited 0: never a cause of their own.
      pod.containers.filter((container) => container.init || container.status?.state?.waiting?.reason !== "PodInitializing"),
      (whole) => {
        const found = arbitration.firstCause(POD_WIDE, { pod: whole, now: view.now });
        if (!found) return undefined;
        const { cause, rule } = found;
        return { pod: whole, cause, rule, container: cause.category === "container-runtime-error" || cause.category === "storage-unavailable" ? whole.containers.find((c) => !c.init) : undefined };
      },
      (container) => {
        const found = diagnoseContainer(arbitration, container, view.now);
        return found && { pod, container, cause: found.cause, rule: found.rule };
      },
      (whole) => {
        const found = arbitration.firstCause(UNHEALTHY_POD, whole);
        return found && { ...found.cause, rule: found.rule };
      },
    );
    out.push(...diagnoses);
  }
  return out;
}

export const podCauses: Competition<Diagnosis> = {
  id: "pod-causes",
  precedences: [POD_WIDE, BEFORE_START, CRASH, QUIET, INIT_FAILURE, UNEXPLAINED, UNHEALTHY_POD] as Precedence<unknown, unknown>[],
  decide: diagnoseView,
  ownerOf: (diagnosis) => diagnosis.rule,
};
