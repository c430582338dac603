import { describe, expect, it } from "vitest";
import { backoffAfter, isPastBackoffReset, restartTimeline, timelineEvidence } from "../../src/rules/pod/causes/timeline.js";

describe("kubelet crash-loop back-off", () => {
  it("doubles from 10s and caps at 300s", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoffAfter(n))).toEqual([10, 20, 40, 80, 160, 300, 300, 300]);
  });

  it("with ReduceDefaultCrashLoopBackOffDecay (1s initial, 60s max)", () => {
    expect([0, 3, 6, 7].map((n) => backoffAfter(n, 1, 60))).toEqual([1, 8, 60, 60]);
  });

  it("reads the delay from the kubelet's waiting message when present", () => {
    const timeline = restartTimeline({
      name: "app",
      restartCount: 7,
      state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s restarting failed container=app pod=api-7d9f8b6c5d-x2k9p_default(5b0c)" } },
      lastState: { terminated: { exitCode: 1, startedAt: "2025-06-02T10:12:03Z", finishedAt: "2025-06-02T10:12:09Z" } },
    })!;
    expect(timeline).toMatchObject({ restartCount: 7, backoffSeconds: 300, backoffFromKubelet: true, lastRunSeconds: 6 });
    expect(timeline.nextRestartAt?.toISOString()).toBe("2025-06-02T10:17:09.000Z");
    const text = timelineEvidence(timeline, new Date("2025-06-02T10:15:00Z"), "status.containerStatuses[0]")[0]!.text;
    expect(text).toMatch(/restarted 7 times; last run 6s/);
    expect(text).toMatch(/next start due 2025-06-02T10:17:09Z \(in 2m9s\)/);
    expect(text).toMatch(/crashes about every 5m6s/);
  });

  it("treats the epoch start of a StartError as unknown", () => {
    const timeline = restartTimeline({ name: "c", restartCount: 2, lastState: { terminated: { exitCode: 128, reason: "StartError", startedAt: "1970-01-01T00:00:00Z", finishedAt: "2025-06-02T10:12:09Z" } } })!;
    expect(timeline.lastStartedAt).toBeUndefined();
    expect(timeline.backoffSeconds).toBe(40);
  });

  it("resets after 10 minutes of clean running", () => {
    const timeline = restartTimeline({ name: "app", restartCount: 1, state: { running: { startedAt: "2025-06-01T09:00:30Z" } }, lastState: { terminated: { exitCode: 1, finishedAt: "2025-06-01T09:00:20Z" } } });
    expect(isPastBackoffReset(timeline, new Date("2025-06-02T10:15:00Z"))).toBe(true);
    expect(isPastBackoffReset(timeline, new Date("2025-06-01T09:05:00Z"))).toBe(false);
  });
});
