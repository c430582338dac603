import { parseGoDuration } from "../../k8s/durations.js";
import type { EventRecord } from "../../model/inputs.js";
import type { KubeObject } from "../../model/kube.js";
import { appliedNamespace } from "../../model/namespace.js";
import { own, safe } from "./escape.js";
import { clock, duration, round, svg, timeAxis, timeScale } from "./svg.js";

/**
 * The kubelet restarts a crashed container after an exponential back-off of 10 s, 20 s, 40 s ...
 * capped at 300 s (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts).
 */
export const BACKOFF_INITIAL_SECONDS = 10;
export const BACKOFF_MAX_SECONDS = 300;

export function backoffSeconds(failures: number): number {
  return Math.min(BACKOFF_INITIAL_SECONDS * 2 ** Math.max(0, failures - 1), BACKOFF_MAX_SECONDS);
}

/** One run of a container: from its start to its end (absent while it runs). */
export interface ContainerRun {
  start: number;
  end?: number;
  exitCode?: number;
  reason?: string;
  /** Placed by the back-off rule: the kubelet keeps only the last termination and the first and last start. */
  estimated: boolean;
}

export interface RestartTimeline {
  namespace: string;
  pod: string;
  container: string;
  init: boolean;
  restartCount: number;
  runs: ContainerRun[];
  /** The waiting reason now (CrashLoopBackOff ...), or `running`, `terminated`. */
  state: string;
  /** When the kubelet starts the container again (the last end plus the current back-off). */
  nextRestart?: number;
  /** The current back-off, from the waiting message (`back-off 5m0s`) or the back-off rule. */
  backoff?: number;
  now: number;
}

interface ContainerState {
  running?: { startedAt?: string };
  waiting?: { reason?: string; message?: string };
  terminated?: { startedAt?: string; finishedAt?: string; exitCode?: number; reason?: string };
}

interface ContainerStatus {
  name?: string;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

/** Go's zero time (`0001-01-01`) and the Unix epoch mean "never": a StartError run never started. */
const EARLIEST = Date.UTC(2000, 0, 1);

function time(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) && parsed >= EARLIEST ? parsed : undefined;
}

type Terminated = NonNullable<ContainerState["terminated"]>;

/** A terminated run; one that never started (StartError) lasts no time, at its end. */
function terminatedRun(terminated: Terminated): ContainerRun | undefined {
  const end = time(terminated.finishedAt);
  const start = time(terminated.startedAt) ?? end;
  if (start === undefined) return undefined;
  return { start, end: end !== undefined && end >= start ? end : start, exitCode: terminated.exitCode, reason: terminated.reason, estimated: false };
}

function startedEvent(events: readonly EventRecord[], container: string, init: boolean): EventRecord | undefined {
  const path = `spec.${init ? "initContainers" : "containers"}{${container}}`;
  return events.find((event) => event.reason === "Started" && event.involved.fieldPath === path);
}

/** The runs of one container that restarted, as exact as status and events allow. */
export function restartTimeline(pod: KubeObject, status: ContainerStatus, init: boolean, events: readonly EventRecord[], now: number): RestartTimeline | undefined {
  const restartCount = Number(status.restartCount ?? 0);
  const container = status.name ?? "";
  if (!(restartCount > 0) || container === "") return undefined;
  const state = status.state ?? {};
  const last = status.lastState?.terminated;
  const runs: ContainerRun[] = [];
  // The runs the kubelet still describes: the last termination, and the current run or termination.
  const known: ContainerRun[] = [];
  const lastRun = last ? terminatedRun(last) : undefined;
  if (lastRun) known.push(lastRun);
  if (state.running && time(state.running.startedAt) !== undefined) known.push({ start: time(state.running.startedAt)!, estimated: false });
  else if (state.terminated) {
    const run = terminatedRun(state.terminated);
    if (run) known.push(run);
  }
  const total = restartCount + 1;
  const started = startedEvent(events, container, init);
  const firstStart = time(started?.firstTimestamp) ?? time(pod.status?.startTime);
  const missing = Math.max(0, total - known.length);
  if (missing > 0 && known.length > 0) {
    const anchor = known[0]!;
    const typical = anchor.end !== undefined ? Math.max(0, anchor.end - anchor.start) : 0;
    let gaps = 0;
    for (let failure = 1; failure <= missing; failure++) gaps += backoffSeconds(failure) * 1000;
    // Spread the runs between the first start and the first known one; without a first start, assume the last run's length.
    const spread = firstStart !== undefined && firstStart < anchor.start ? (anchor.start - firstStart - gaps) / missing : -1;
    const length = spread >= 0 ? spread : typical;
    let start = spread >= 0 ? firstStart! : anchor.start - missing * typical - gaps;
    for (let index = 0; index < missing; index++) {
      runs.push({ start, end: start + length, estimated: true });
      start += length + backoffSeconds(index + 1) * 1000;
    }
  }
  runs.push(...known);
  let backoff: number | undefined;
  let nextRestart: number | undefined;
  const final = runs[runs.length - 1];
  if (state.waiting?.reason === "CrashLoopBackOff" && final?.end !== undefined) {
    const said = /back-off (\S+) restarting/.exec(state.waiting.message ?? "");
    backoff = (said ? parseGoDuration(said[1]!) : undefined) ?? backoffSeconds(restartCount);
    nextRestart = final.end + backoff * 1000;
  }
  const stateWord = state.waiting?.reason ?? (state.running ? "running" : state.terminated ? `terminated (${state.terminated.reason ?? state.terminated.exitCode})` : "unknown");
  return { namespace: appliedNamespace(pod.metadata.namespace), pod: pod.metadata.name ?? "", container, init, restartCount, runs, state: stateWord, nextRestart, backoff, now };
}

/** Every restarted container of a pod, init containers first. */
export function podRestartTimelines(pod: KubeObject, events: readonly EventRecord[], now: number): RestartTimeline[] {
  const status = pod.status ?? {};
  const out: RestartTimeline[] = [];
  for (const [list, init] of [[status.initContainerStatuses, true], [status.containerStatuses, false]] as const) {
    if (!Array.isArray(list)) continue;
    for (const item of list as ContainerStatus[]) {
      const timeline = restartTimeline(pod, item, init, events, now);
      if (timeline) out.push(timeline);
    }
  }
  return out;
}

/** Runs drawn one by one; earlier ones share one band (a container crash-looping for days restarts hundreds of times). */
export const RUNS_DRAWN = 40;

/** The runs drawn, and the earlier ones folded into one band. */
export function drawnRuns(timeline: RestartTimeline): { earlier?: { start: number; end: number; count: number }; runs: ContainerRun[]; first: number } {
  const runs = timeline.runs;
  if (runs.length <= RUNS_DRAWN) return { runs, first: 1 };
  const folded = runs.slice(0, runs.length - RUNS_DRAWN);
  return { earlier: { start: folded[0]!.start, end: folded[folded.length - 1]!.end ?? folded[folded.length - 1]!.start, count: folded.length }, runs: runs.slice(-RUNS_DRAWN), first: folded.length + 1 };
}

const WIDTH = 880;
const LEFT = 12;
const LANE_Y = 34;
const LANE_HEIGHT = 22;

function runLabel(run: ContainerRun): string {
  if (run.end === undefined) return "running";
  if (run.reason && run.exitCode !== undefined) return `${run.reason} ${run.exitCode}`;
  return run.reason ?? (run.exitCode !== undefined ? `exit ${run.exitCode}` : "");
}

/** Runs as bars, back-off gaps between them, now, and the next restart, on one time axis. */
export function restartChart(timeline: RestartTimeline): string {
  const { runs, earlier, first } = drawnRuns(timeline);
  if (runs.length === 0) return "";
  const from = earlier?.start ?? runs[0]!.start;
  const to = Math.max(timeline.now, timeline.nextRestart ?? 0, ...runs.map((run) => run.end ?? timeline.now));
  const pad = Math.max(1000, (to - from) * 0.02);
  const scale = timeScale(from - pad, to + pad, LEFT, WIDTH - 2 * LEFT);
  const parts: string[] = [];
  if (earlier) {
    const x = scale.x(earlier.start);
    parts.push(`<rect data-mark="earlier" data-count="${earlier.count}" class="run estimated earlier" x="${x}" y="${LANE_Y}" width="${round(Math.max(2, scale.x(earlier.end) - x))}" height="${LANE_HEIGHT}"><title>${own(`runs 1 to ${earlier.count}: ${clock(earlier.start)} to ${clock(earlier.end)}, placed by the back-off rule`)}</title></rect><text class="run-label" x="${x}" y="${LANE_Y - 6}">${own(`${earlier.count} earlier runs`)}</text>`);
  }
  runs.forEach((run, index) => {
    index += first - 1;
    const x = scale.x(run.start);
    const end = scale.x(run.end ?? timeline.now);
    const width = round(Math.max(2, end - x));
    const label = runLabel(run);
    const title = `run ${index + 1}: ${clock(run.start)}${run.end !== undefined ? ` to ${clock(run.end)} (${duration((run.end - run.start) / 1000)})` : " (running)"}${label ? `, ${label}` : ""}${run.estimated ? ", placed by the back-off rule (the kubelet keeps only the last termination)" : ""}`;
    parts.push(`<rect data-mark="run" class="run${run.estimated ? " estimated" : ""}${run.end === undefined ? " running" : ""}" x="${x}" y="${LANE_Y}" width="${width}" height="${LANE_HEIGHT}"><title>${safe(title)}</title></rect>`);
    if (label && !run.estimated) parts.push(`<text class="run-label" x="${x}" y="${LANE_Y - 6}">${safe(label)}</text>`);
    const next = runs[index - first + 2];
    if (run.end !== undefined && next) {
      const gap = (next.start - run.end) / 1000;
      const gx = scale.x(run.end);
      const nx = scale.x(next.start);
      parts.push(`<line data-mark="gap" class="gap" x1="${gx}" y1="${LANE_Y + LANE_HEIGHT / 2}" x2="${nx}" y2="${LANE_Y + LANE_HEIGHT / 2}"><title>${own(`back-off ${duration(gap)} before run ${index + 2}`)}</title></line>`);
      if (nx - gx > 24) parts.push(`<text class="gap-label" x="${round((gx + nx) / 2)}" y="${LANE_Y + LANE_HEIGHT + 14}" text-anchor="middle">${own(duration(gap))}</text>`);
    }
  });
  if (timeline.nextRestart !== undefined) {
    const lastEnd = runs[runs.length - 1]!.end!;
    const x1 = scale.x(lastEnd);
    const x2 = scale.x(timeline.nextRestart);
    parts.push(`<line data-mark="pending" class="gap pending" x1="${x1}" y1="${LANE_Y + LANE_HEIGHT / 2}" x2="${x2}" y2="${LANE_Y + LANE_HEIGHT / 2}"/>`);
    parts.push(`<rect data-mark="next" class="next" x="${round(x2 - 1)}" y="${LANE_Y - 2}" width="3" height="${LANE_HEIGHT + 4}"><title>${own(`next restart due ${clock(timeline.nextRestart)} (back-off ${duration(timeline.backoff ?? 0)})`)}</title></rect>`);
    parts.push(`<text class="next-label" x="${x2}" y="${LANE_Y + LANE_HEIGHT + 28}" text-anchor="end">${own(`next restart ${clock(timeline.nextRestart)}`)}</text>`);
  }
  const nowX = scale.x(timeline.now);
  parts.push(`<line class="now" x1="${nowX}" y1="12" x2="${nowX}" y2="${LANE_Y + LANE_HEIGHT + 4}"/><text class="now-label" x="${nowX}" y="10" text-anchor="middle">now</text>`);
  parts.push(timeAxis(scale, LANE_Y + LANE_HEIGHT + 34));
  const label = `restart timeline of container ${timeline.container} in pod ${timeline.pod}: ${timeline.runs.length} runs`;
  return svg(WIDTH, LANE_Y + LANE_HEIGHT + 56, safe(label), parts.join(""));
}

/** The chart with its caption and the numbers behind it (a table that prints and reads without the picture). */
export function restartFigure(timeline: RestartTimeline): string {
  const estimated = timeline.runs.filter((run) => run.estimated).length;
  const caption = `Container ${timeline.container}${timeline.init ? " (init)" : ""} of ${timeline.namespace}/${timeline.pod}: ${timeline.restartCount} restart${timeline.restartCount === 1 ? "" : "s"}, now ${timeline.state}${timeline.nextRestart !== undefined ? `, next restart due ${clock(timeline.nextRestart)} UTC` : ""}`;
  const note = estimated > 0 ? `<p class="note">${own(`${estimated} of ${timeline.runs.length} runs (dashed) are placed by the kubelet's back-off rule, 10s doubling to 5m: the pod status keeps only the last termination, the events the first and last start.`)}</p>` : "";
  const { runs, earlier, first } = drawnRuns(timeline);
  const folded = earlier ? `<tr><td>1-${earlier.count}</td><td>${own(clock(earlier.start))}</td><td>${own(clock(earlier.end))}</td><td></td><td></td><td>estimated</td></tr>` : "";
  const rows = folded + runs
    .map((run, index) => `<tr><td>${index + first}</td><td>${own(clock(run.start))}</td><td>${run.end !== undefined ? own(clock(run.end)) : "running"}</td><td>${run.end !== undefined ? own(duration((run.end - run.start) / 1000)) : ""}</td><td>${safe(runLabel(run))}</td><td>${run.estimated ? "estimated" : "recorded"}</td></tr>`)
    .join("");
  return `<figure class="figure restarts" data-chart="restarts" data-runs="${timeline.runs.length}" data-drawn="${runs.length}"><figcaption>${safe(caption)}</figcaption>${restartChart(timeline)}${note}<details class="data"><summary>Runs</summary><table><thead><tr><th>run</th><th>start</th><th>end</th><th>ran</th><th>exit</th><th></th></tr></thead><tbody>${rows}</tbody></table></details></figure>`;
}
