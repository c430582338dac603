// Kubelet restart timing: a container that dies after `runSeconds` is restarted after
// 10s, 20s, 40s ... capped at 300s (kubelet initialCrashLoopBackOff / MaxCrashLoopBackOff).

const MAX_BACKOFF_S = 300;

export function iso(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The instances of a crash-looping container from `firstStart` until `capturedAt`.
 * Returns { runs: [{start, end}], running: boolean, backOff: "5m0s" | "2m40s" ..., nextStart }.
 */
export function crashLoop(firstStart, runSeconds, capturedAt) {
  const captured = Date.parse(capturedAt);
  let start = Date.parse(firstStart);
  let delay = 10;
  const runs = [];
  let lastDelay = delay;
  while (start <= captured) {
    const end = start + runSeconds * 1000;
    runs.push({ start: iso(start), end: iso(end), startMs: start, endMs: end });
    lastDelay = delay;
    start = end + delay * 1000;
    delay = Math.min(delay * 2, MAX_BACKOFF_S);
  }
  const last = runs.at(-1);
  const running = last.endMs > captured;
  return { runs, running, backOff: formatDuration(lastDelay), nextStart: iso(start), restarts: runs.length - 1 };
}

/** Go's time.Duration formatting as kubelet prints back-off delays: 10s, 1m20s, 5m0s. */
export function formatDuration(seconds) {
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

/** How many BackOff events the kubelet records while a container waits out its delays (one per sync, about every 10s). */
export function backOffEventCount(loop, capturedAt) {
  const captured = Date.parse(capturedAt);
  let count = 0;
  for (let i = 0; i < loop.runs.length; i++) {
    const gapEnd = i + 1 < loop.runs.length ? loop.runs[i + 1].startMs : Math.min(captured, Date.parse(loop.nextStart));
    const gap = Math.max(0, gapEnd - loop.runs[i].endMs);
    count += Math.max(1, Math.floor(gap / 10_000));
  }
  return count;
}
