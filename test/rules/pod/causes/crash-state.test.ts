import { describe, expect, it } from "vitest";
import { crashState, isSidecarAfterJob } from "../../../../src/rules/pod/causes/crash-state.js";
import { crashLoop, event, NOW, running } from "../fixtures.js";
import { containerContext, podContext } from "./contexts.js";

const now = new Date(NOW);

describe("is the container crashing now?", () => {
  it.each([
    ["CrashLoopBackOff", crashLoop({ exitCode: 1 }), true],
    ["running again after one old restart an hour ago", running("2025-06-02T09:10:00Z", 1, true, { terminated: { exitCode: 1, reason: "Error", startedAt: "2025-06-02T09:00:00Z", finishedAt: "2025-06-02T09:09:55Z" } }), false],
    ["running, restarted a minute ago, not ready", running("2025-06-02T10:14:00Z", 4, false, { terminated: { exitCode: 1, reason: "Error", finishedAt: "2025-06-02T10:13:58Z" } }), true],
    ["healthy", running(), false],
    ["Ready False with 5 restarts and no last state (a pasted fragment)", { state: { running: {} }, ready: false, restartCount: 5 }, true],
  ] as const)("%s", (_name, status, crashing) => {
    expect(crashState(containerContext({ containers: [{ status: status as Record<string, unknown> }] }), now).crashing).toBe(crashing);
  });

  it("events alone: a back-off of the container is a crash", () => {
    const container = containerContext({ containers: [{}] }, [event("BackOff", "Back-off restarting failed container app in pod api-7d9f8b6c5d-x2k9p_default(5b0c6f0e)", { count: 30 })]);
    expect(crashState(container, now).crashing).toBe(true);
  });
});

describe("a sidecar that ends after its Job's main container", () => {
  it("istio-proxy exiting after the job completed is not a failure", () => {
    const pod = podContext({
      owner: "Job/migrate",
      containers: [
        { name: "migrate", status: { state: { terminated: { exitCode: 0, reason: "Completed", finishedAt: "2025-06-02T10:10:00Z" } } } },
        { name: "istio-proxy", status: { state: { terminated: { exitCode: 255, reason: "Error", finishedAt: "2025-06-02T10:10:05Z" } } } },
      ],
    });
    expect(isSidecarAfterJob(pod.containers[1]!, { exitCode: 255, finishedAt: "2025-06-02T10:10:05Z" })).toBe(true);
    expect(isSidecarAfterJob(pod.containers[0]!, { exitCode: 0 })).toBe(false);
  });
});
