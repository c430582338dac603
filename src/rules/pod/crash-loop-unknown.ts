import type { Fix, Evidence } from "../../model/finding.js";
import { logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { templateFix } from "../workload-fixes.js";
import { UNEXPLAINED, UNHEALTHY_POD } from "./causes/competition.js";
import { detector, worded } from "./causes/detectors.js";
import { type Cause, type Diagnosis, MESH_CONTAINERS, displayContainer, events } from "./causes/cause.js";
import type { ContainerContext, PodContext } from "./causes/context.js";
import type { TerminatedState } from "./causes/pod-types.js";
import type { EventRecord } from "../../model/inputs.js";
import { eventEvidence, terminatedEvidence } from "./causes/evidence.js";

/** What is left when no detector names a cause: a crash with no known cause, a pod visibly broken. */

export function unknownCrash(container: ContainerContext, terminated: TerminatedState | undefined): Cause {
  const evidence: Evidence[] = [];
  if (terminated) evidence.push(terminatedEvidence(terminated, container.status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`));
  for (const event of events(container, /^BackOff$/, /restarting failed container/i).slice(0, 1)) evidence.push(eventEvidence(event));
  return {
    category: "unknown-crash",
    confidence: 0.3,
    severity: "error",
    summary: "",
    said: terminated
      ? terminated.reason
        ? { message: "crashes-with-exit-and-reason", data: { container: displayContainer(container), exitCode: String(terminated.exitCode), reason: terminated.reason } }
        : { message: "crashes-with-exit", data: { container: displayContainer(container), exitCode: String(terminated.exitCode) } }
      : { message: "crashes", data: { container: displayContainer(container) } },
    cause: "The container exits and is restarted, but neither its status, its events nor its logs name a known cause. The last log lines below are what it printed before it died.",
    evidence,
    terminated,
    detail: {},
  };
}


const QUIET_WAITING = new Set(["ContainerCreating", "PodInitializing"]);

/**
 * An event last seen before the container's current run started, on a container that is running and
 * ready: a failure it has recovered from (the kubelet's events outlive it by an hour).
 */
function beforeRecovery(event: EventRecord, status: ContainerContext["status"]): boolean {
  if (status?.ready !== true || !status.state?.running?.startedAt) return false;
  const started = Date.parse(status.state.running.startedAt);
  const last = Date.parse(event.lastTimestamp ?? event.firstTimestamp ?? "");
  return Number.isFinite(started) && Number.isFinite(last) && last < started;
}

/**
 * A pod no cause explains but that is plainly not well: a waiting reason, a
 * non-zero exit, restarts, Pending or Failed, a failing probe. It still gets a
 * finding that says exactly what is known.
 */
export function visiblyBroken(pod: PodContext): Diagnosis | undefined {
  if (MESH_CONTAINERS.has(pod.containers.find((c) => !c.init)?.name ?? "")) return undefined;
  const signs: Array<{ container?: ContainerContext; text: string; path: string }> = [];
  for (const container of pod.containers) {
    if (MESH_CONTAINERS.has(container.name)) continue;
    const status = container.status;
    const waiting = status?.state?.waiting?.reason;
    const terminated = status?.state?.terminated ?? status?.lastState?.terminated;
    if (waiting && !QUIET_WAITING.has(waiting)) signs.push({ container, text: `waiting: ${waiting}${status?.state?.waiting?.message ? ` (${status.state.waiting.message})` : ""}`, path: `${container.statusPath}.state.waiting` });
    else if (terminated && (terminated.exitCode ?? 0) !== 0 && pod.status?.phase !== "Succeeded" && (status?.state?.terminated || status?.ready === false)) signs.push({ container, text: `terminated: exit ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ""}`, path: `${container.statusPath}.${status?.state?.terminated ? "state" : "lastState"}.terminated` });
    else if ((status?.restartCount ?? 0) > 0 && status?.ready === false) signs.push({ container, text: `not ready after ${status?.restartCount} restarts`, path: `${container.statusPath}.restartCount` });
    else if ((status?.restartCount ?? 0) > 0 && !status?.lastState?.terminated) signs.push({ container, text: `restarted ${status?.restartCount} times, and the evidence keeps no last state`, path: "restarts" });
    const probe = container.events.find((e) => e.type === "Warning" && !beforeRecovery(e, status) && (/^(?:BackOff|Failed)$/.test(e.reason) || (e.reason === "Unhealthy" && /^(?:Liveness|Startup) probe/.test(e.message))));
    if (probe && !signs.some((sign) => sign.container === container)) signs.push({ container, text: `${probe.reason}: ${probe.message}`, path: "events" });
  }
  const phase = pod.status?.phase;
  if (signs.length === 0 && (phase === "Pending" || phase === "Failed" || phase === "Unknown")) signs.push({ text: `phase ${phase}${pod.status?.reason ? ` (${pod.status.reason})` : ""}${pod.status?.message ? `: ${pod.status.message}` : ""}`, path: "status.phase" });
  if (signs.length === 0) return undefined;
  const first = signs[0]!;
  const evidence: Evidence[] = signs.slice(0, 4).map((sign) => ({ source: sign.path === "events" ? "event" : "status", path: sign.path === "restarts" ? `${sign.container?.statusPath ?? "status"}.restartCount` : sign.path, text: `${sign.container?.name ? `${sign.container.name}: ` : ""}${sign.text}` }));
  const cause: Cause = {
    category: "unknown-crash",
    confidence: 0.3,
    severity: first.path === "events" || first.path === "restarts" || (phase === "Pending" && !first.container) ? "warning" : "error",
    summary: "",
    said: first.container
      ? { message: "container-not-healthy", data: { container: displayContainer(first.container), sign: first.text.slice(0, 120) } }
      : { message: "pod-not-healthy", data: { pod: pod.name, sign: first.text.slice(0, 120) } },
    cause: "The pod is visibly broken, but what was given (status, events, logs) names no known cause. The evidence below is everything known; the previous log and the pod's events usually hold the rest.",
    evidence,
    detail: {},
  };
  return { pod, ...(first.container ? { container: first.container } : {}), cause };
}

/** A crash no other detector explains; given as a log alone (no status, no events), it is only a warning. */
function unexplainedCrash(container: ContainerContext, terminated: TerminatedState | undefined): Cause {
  const cause = unknownCrash(container, terminated);
  if (!container.status && container.events.length === 0) cause.severity = "warning";
  return cause;
}

function fix(context: FixContext): Fix {
  const n = context.names;
  const commands = [
    logsCommand(n),
    `kubectl describe pod ${n.pod}${n.ns}`,
    `kubectl get events${n.ns} --sort-by=.lastTimestamp | tail -n 50`,
    `kubectl debug pod/${n.pod}${n.ns} -c debug --image=busybox:1.36 --target=${n.container || "<CONTAINER>"} -it -- sh`,
    // A copy of the pod whose container sleeps instead of crashing: its files, env and mounts can be inspected at leisure.
    `kubectl debug pod/${n.pod}${n.ns} --copy-to=${n.pod.slice(0, 56)}-debug --container=${n.container || "<CONTAINER>"} -- sleep 3600`,
    `kubectl exec -it ${n.pod.slice(0, 56)}-debug${n.ns} -c ${n.container || "<CONTAINER>"} -- sh   # then: kubectl delete pod ${n.pod.slice(0, 56)}-debug${n.ns}`,
  ];
  const description = "No known cause in the evidence: read the previous log in full, then keep the last lines in the status for next time (terminationMessagePolicy: FallbackToLogsOnError) and debug inside the pod (an ephemeral container that shares its process namespace), or in a copy whose command is replaced by sleep.";
  if (context.owner && context.current && context.d.container) {
    return templateFix(context.owner, { containers: [{ name: context.d.container.name, terminationMessagePolicy: context.current.terminationMessagePolicy ?? "File" }] }, { containers: [{ name: context.d.container.name, terminationMessagePolicy: "FallbackToLogsOnError" }] }, description, commands);
  }
  return { description, commands };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "crashes-with-exit-and-reason": "{container} keeps crashing (exit {exitCode}, {reason}); no known cause in the evidence",
  "crashes-with-exit": "{container} keeps crashing (exit {exitCode}); no known cause in the evidence",
  "crashes": "{container} keeps crashing; no known cause in the evidence",
  "container-not-healthy": "{container} is not healthy ({sign}); the evidence does not say why",
  "pod-not-healthy": "pod {pod} is not healthy ({sign}); the evidence does not say why",
};

export const crashLoopUnknown = podCauseRule({
  id: "pod/crash-loop-unknown",
  messages,
  category: "unknown-crash",
  detectors: [
    worded(messages, ["crashes-with-exit-and-reason", "crashes-with-exit", "crashes"], detector(UNEXPLAINED, "unknown-crash", ({ container, terminated }) => unexplainedCrash(container, terminated))),
    worded(messages, ["container-not-healthy", "pod-not-healthy"], detector(UNHEALTHY_POD, "visibly-broken", visiblyBroken), (found: Diagnosis) => found.cause),
  ],
  title: "Container crash-loops and the evidence names no known cause",
  fallback: true,
  docs: {
    cause: "The container keeps exiting and being restarted, but neither its last state, its events nor its logs match a known cause. The finding shows the last state, the exit code and the last meaningful log lines so a human can take it from there.",
    fix: "Read the previous log in full, set terminationMessagePolicy: FallbackToLogsOnError, and debug inside the pod with an ephemeral container.",
    verify: ["kubectl logs <POD> -c <CONTAINER> --previous", "kubectl describe pod <POD>", "kubectl get events --sort-by=.lastTimestamp"],
    references: ["https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/"],
  },
  equivalents: ["popeye:POP-203", "k8sgpt:Pod"],
  fix,
  verify: (n) => [logsCommand(n), ...restartVerify(n)],
});
