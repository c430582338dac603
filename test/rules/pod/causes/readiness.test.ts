import { describe, expect, it } from "vitest";
import { readinessCause } from "../../../../src/rules/pod/causes/readiness.js";
import { starvedCpuCause } from "../../../../src/rules/pod/cpu-throttling.js";
import { event, NOW, running } from "../fixtures.js";
import { containerContext } from "./contexts.js";

const notReady = running("2025-06-02T09:58:20Z", 0, false);

describe("readiness: a container that runs but never becomes Ready", () => {
  it.each([
    ["a dependency the health check needs is down", "Readiness probe failed: HTTP probe failed with statuscode: 503", "readiness-probe-failure"],
    ["the probe asks for a path the app does not serve", "Readiness probe failed: HTTP probe failed with statuscode: 404", "bad-probe-config"],
    ["the endpoint does not answer in time", 'Readiness probe failed: Get "http://10.244.1.17:8080/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', "readiness-probe-failure"],
  ])("%s", (_name, message, category) => {
    const container = containerContext({ containers: [{ readinessProbe: { httpGet: { path: "/ready", port: 8080 } }, ports: [{ containerPort: 8080 }], status: notReady }] }, [event("Unhealthy", message, { count: 40 })]);
    expect(readinessCause(container, new Date(NOW))?.category).toBe(category);
  });

  it("two failures are not a pattern yet", () => {
    const container = containerContext({ containers: [{ status: notReady }] }, [event("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", { count: 2 })]);
    expect(readinessCause(container, new Date(NOW))).toBeUndefined();
  });
});

describe("a CPU limit too small for any work", () => {
  it.each([
    ["10m", "cpu-throttling"],
    ["50m", "cpu-throttling"],
    ["500m", undefined],
  ])("limits.cpu %s", (cpu, category) => {
    expect(starvedCpuCause(containerContext({ containers: [{ resources: { limits: { cpu } }, status: running() }] }))?.category).toBe(category);
  });
});
