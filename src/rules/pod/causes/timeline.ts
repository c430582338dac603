import type { Evidence } from "../../../model/finding.js";
import type { ContainerStatus } from "./pod-types.js";
import { formatDuration, parseGoDuration } from "../../../k8s/durations.js";

/** Kubelet crash-loop back-off (pkg/kubelet/kubelet.go): 10s doubling to 300s, reset after 10 minutes of clean running. */
export const INITIAL_BACKOFF_SECONDS = 10;
export const MAX_BACKOFF_SECONDS = 300;
export const BACKOFF_RESET_SECONDS = 600;

export interface RestartTimeline {
  restartCount: number;
  lastStartedAt?: Date;
  lastFinishedAt?: Date;
  /** How long the last instance ran before it exited. */
  lastRunSeconds?: number;
  /** The back-off the kubelet applies before the next start. */
  backoffSeconds: number;
  /** Whether the back-off delay came from the kubelet's own waiting message. */
  backoffFromKubelet: boolean;
  /** When the next start is due (last finish + back-off), when the finish time is known. */
  nextRestartAt?: Date;
  /** Seconds between two crashes once the back-off is at its ceiling. */
  crashEverySeconds?: number;
}

function date(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  // containerd reports StartError containers as started at the epoch.
  return Number.isFinite(time) && time > 0 ? new Date(time) : undefined;
}

/**
 * The back-off after the n-th restart: 10s, 20s, 40s ... capped at 300s.
 * `restartCount` restarts have happened, so the next wait is 10s * 2^restartCount.
 */
export function backoffAfter(restartCount: number, initial = INITIAL_BACKOFF_SECONDS, max = MAX_BACKOFF_SECONDS): number {
  if (restartCount >= 30) return max;
  return Math.min(max, initial * 2 ** Math.max(0, restartCount));
}

/** Reads restart count, last start/finish and the back-off from a container status. */
export function restartTimeline(status: ContainerStatus | undefined): RestartTimeline | undefined {
  if (!status) return undefined;
  const restartCount = status.restartCount ?? 0;
  const last = status.state?.terminated ?? status.lastState?.terminated;
  const waitingMessage = status.state?.waiting?.message ?? "";
  const fromKubelet = /back-off (\S+) restarting failed container/i.exec(waitingMessage);
  const kubeletDelay = fromKubelet ? parseGoDuration(fromKubelet[1]!) : undefined;
  const timeline: RestartTimeline = {
    restartCount,
    backoffSeconds: kubeletDelay ?? backoffAfter(restartCount),
    backoffFromKubelet: kubeletDelay !== undefined,
  };
  const started = date(last?.startedAt);
  const finished = date(last?.finishedAt);
  if (started) timeline.lastStartedAt = started;
  if (finished) timeline.lastFinishedAt = finished;
  if (started && finished) timeline.lastRunSeconds = Math.max(0, (finished.getTime() - started.getTime()) / 1000);
  const nextRestart = finished && status.state?.waiting ? new Date(finished.getTime() + timeline.backoffSeconds * 1000) : undefined;
  // A back-off no clock can hold (a mangled waiting message) gives no next start.
  if (nextRestart && Number.isFinite(nextRestart.getTime())) timeline.nextRestartAt = nextRestart;
  timeline.crashEverySeconds = (timeline.lastRunSeconds ?? 0) + MAX_BACKOFF_SECONDS;
  return timeline;
}

function clock(value: Date): string {
  // A mutated or absurd restart count can push the next start past the last representable date.
  if (!Number.isFinite(value.getTime())) return "an unknown time";
  return value.toISOString().replace(".000Z", "Z");
}

/** The timeline as evidence lines, relative to `now`. */
export function timelineEvidence(timeline: RestartTimeline, now: Date, statusPath: string): Evidence[] {
  const parts: string[] = [`restarted ${timeline.restartCount} time${timeline.restartCount === 1 ? "" : "s"}`];
  if (timeline.lastStartedAt && timeline.lastFinishedAt) {
    parts.push(`last run ${formatDuration(timeline.lastRunSeconds ?? 0)} (${clock(timeline.lastStartedAt)} to ${clock(timeline.lastFinishedAt)})`);
  } else if (timeline.lastFinishedAt) {
    parts.push(`last exit at ${clock(timeline.lastFinishedAt)}`);
  }
  let backoff = `kubelet back-off now ${formatDuration(timeline.backoffSeconds)}${timeline.backoffFromKubelet ? " (from the waiting message)" : " (10s doubling per restart, capped at 5m)"}`;
  if (timeline.nextRestartAt) {
    const inSeconds = (timeline.nextRestartAt.getTime() - now.getTime()) / 1000;
    backoff += inSeconds > 0 ? `; next start due ${clock(timeline.nextRestartAt)} (in ${formatDuration(inSeconds)})` : `; next start was due ${clock(timeline.nextRestartAt)}`;
  }
  if (timeline.backoffSeconds >= MAX_BACKOFF_SECONDS && timeline.crashEverySeconds !== undefined) {
    backoff += `; at the cap it crashes about every ${formatDuration(timeline.crashEverySeconds)}`;
  }
  parts.push(backoff);
  return [{ source: "status", path: `${statusPath}.restartCount`, text: parts.join("; ") }];
}

/** Whether the container has run cleanly long enough for the kubelet to reset its back-off. */
export function isPastBackoffReset(timeline: RestartTimeline | undefined, now: Date): boolean {
  if (!timeline?.lastFinishedAt) return false;
  return (now.getTime() - timeline.lastFinishedAt.getTime()) / 1000 > BACKOFF_RESET_SECONDS;
}
