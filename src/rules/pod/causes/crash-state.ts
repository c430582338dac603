import type { ContainerContext } from "./context.js";
import type { TerminatedState } from "./pod-types.js";
import { BACKOFF_RESET_SECONDS } from "./timeline.js";
import { events, isJobPod, restartPolicyOf, seconds } from "./cause.js";

/** Whether a container is crashing now, from its status or, without one, its events and logs. */

const SIDECAR_NAMES = /(?:^istio-proxy$|^linkerd-proxy$|proxy|sidecar|envoy|^vault-agent|fluent|log|^cloud-sql|^cloudsql)/i;

export type CrashState = { crashing: boolean; recent: boolean; terminated?: TerminatedState; reason?: string };

export function crashState(container: ContainerContext, now: Date): CrashState {
  const status = container.status;
  if (!status) {
    const backoff = events(container, /^BackOff$/, /restarting failed container/i).length > 0;
    const killed = events(container, /^Killing$/, /failed (liveness|startup) probe/i).length > 0;
    // A log given alone (no Pod, no events) is the log of the container the user is asking about.
    const logOnly = !container.pod.object && container.pod.events.length === 0 && container.logs.length > 0;
    const probing = events(container, /^Unhealthy$/, /^(?:Liveness|Startup) probe (?:failed|errored)/).length > 0;
    return { crashing: backoff || killed || probing || container.matches.length > 0 || logOnly, recent: true };
  }
  const waiting = status.state?.waiting;
  const current = status.state?.terminated;
  const last = status.lastState?.terminated;
  const terminated = current ?? last;
  const policy = restartPolicyOf(container);
  if (waiting?.reason === "CrashLoopBackOff" || waiting?.reason === "RunContainerError") return { crashing: true, recent: true, terminated };
  if (current) {
    if (current.exitCode === 0) return { crashing: policy === "Always" && (status.restartCount ?? 0) > 0, recent: true, terminated: current };
    return { crashing: true, recent: true, terminated: current };
  }
  if (last && (status.restartCount ?? 0) > 0) {
    const since = seconds(last.finishedAt, now);
    const recent = since === undefined ? (status.restartCount ?? 0) >= 3 : since < BACKOFF_RESET_SECONDS;
    if (!recent) return { crashing: false, recent: false, terminated: last };
    // Running and Ready again: without a back-off event, a restart is only current when the
    // reference time is clearly after this start (offline, "now" may be this very timestamp).
    const runningFor = seconds(status.state?.running?.startedAt, now);
    const backoff = events(container, /^BackOff$/, /restarting failed container/i).length > 0;
    if (status.state?.running && status.ready !== false && !backoff && (runningFor === undefined || runningFor < 5)) {
      // Repeated failures with no start time to tell how long it has run since (a pasted excerpt): still worth naming, as a warning.
      const repeated = runningFor === undefined && (status.restartCount ?? 0) >= 3 && (last.reason === "OOMKilled" || (last.exitCode ?? 0) !== 0);
      return { crashing: repeated, recent: false, terminated: last };
    }
    return { crashing: true, recent: true, terminated: last };
  }
  // Restarts without a last state (kubectl before 1.2, a status fragment): a back-off, a probe kill or a container that is not ready make them current.
  if (!last && (status.restartCount ?? 0) > 0) {
    const backoff = events(container, /^BackOff$/, /restarting failed container/i).length > 0;
    const killed = events(container, /^Killing$/, /failed (liveness|startup) probe/i).length > 0;
    if (backoff || killed || status.ready === false) return { crashing: true, recent: true };
  }
  return { crashing: false, recent: false };
}

/** A sidecar (istio-proxy ...) that ended after the main container of a Job pod completed: the Job is done, not failing. */
export function isSidecarAfterJob(container: ContainerContext, terminated: TerminatedState | undefined): boolean {
  if (!isJobPod(container.pod) || container.init) return false;
  const others = container.pod.containers.filter((c) => c !== container && !c.init);
  const mainCompleted = others.some((c) => c.status?.state?.terminated?.exitCode === 0);
  if (!mainCompleted) return false;
  const mainFinished = Math.max(...others.map((c) => Date.parse(c.status?.state?.terminated?.finishedAt ?? "") || 0));
  const finished = Date.parse(terminated?.finishedAt ?? "") || 0;
  return SIDECAR_NAMES.test(container.name) || (finished > 0 && mainFinished > 0 && finished >= mainFinished);
}

