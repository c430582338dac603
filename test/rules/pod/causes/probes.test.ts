import { describe, expect, it } from "vitest";
import { probeBudgetSeconds, probeKillCause, probeMode, startupFromLogs } from "../../../../src/rules/pod/causes/probes.js";
import { crashLoop, event } from "../fixtures.js";
import { appLog, containerContext } from "./contexts.js";

/** Unhealthy messages of the kubelet's prober (pkg/kubelet/prober), with the mode each one means. */
const modes: Array<[string, string, number | undefined]> = [
  ["Liveness probe failed: HTTP probe failed with statuscode: 404", "status-4xx", 404],
  ["Readiness probe failed: HTTP probe failed with statuscode: 503", "status-5xx", 503],
  ['Liveness probe failed: Get "http://10.244.1.17:8080/healthz": dial tcp 10.244.1.17:8080: connect: connection refused', "refused", undefined],
  ['Liveness probe failed: Get "http://10.244.1.17:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', "timeout", undefined],
  ['Liveness probe failed: Get "https://10.244.1.17:8443/healthz": http: server gave HTTP response to HTTPS client', "scheme", undefined],
];

describe("probe messages", () => {
  it.each(modes)("%s", (message, mode, statusCode) => {
    expect(probeMode(message)).toEqual({ mode, ...(statusCode ? { statusCode } : {}) });
  });

  it("the budget is initialDelay + period x failureThreshold, with the API defaults", () => {
    expect(probeBudgetSeconds({ initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 3 })).toBe(20);
    expect(probeBudgetSeconds(undefined)).toBe(30);
  });

  it("start-up time and port from a Spring Boot log", () => {
    const container = containerContext({ containers: [{}] }, [], appLog("2025-06-02T10:12:03.120Z  INFO 1 --- [main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port(s): 8081 (http) with context path ''\n2025-06-02T10:12:48.400Z  INFO 1 --- [main] com.example.shop.ShopApplication : Started ShopApplication in 45.2 seconds (process running for 46.1)\n"));
    expect(startupFromLogs(container)).toEqual({ seconds: 45.2, statedSeconds: 45.2, port: 8081 });
  });
});

const probe = { httpGet: { path: "/healthz", port: 8080 }, initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 3 };
const killed = (message: string, extra: Record<string, unknown> = {}) =>
  probeKillCause(
    containerContext({ containers: [{ livenessProbe: probe, ports: [{ containerPort: 8080 }], status: crashLoop({ exitCode: 137 }), ...extra }] }, [event("Unhealthy", message, { count: 12 }), event("Killing", "Container app failed liveness probe, will be restarted", { type: "Normal", count: 4 })]),
    { exitCode: 137, reason: "Error" },
  );

describe("probe kills: which cause the probe's answer points at", () => {
  it.each([
    ["a path the app does not serve", modes[0]![0], {}, "bad-probe-config"],
    ["a timeout on a slow start", modes[3]![0], {}, "liveness-probe-failure"],
    ["a timeout under a tiny CPU limit", modes[3]![0], { resources: { limits: { cpu: "100m" } } }, "cpu-throttling"],
  ] as const)("%s", (_name, message, extra, category) => {
    expect(killed(message, extra)?.category).toBe(category);
  });

  it("an exit no probe kill gives (3, OOMKilled) is not the probe's doing", () => {
    const events = [event("Unhealthy", modes[3]![0], { count: 3 })];
    expect(probeKillCause(containerContext({ containers: [{ livenessProbe: probe, status: crashLoop({ exitCode: 3 }) }] }, events), { exitCode: 3 })).toBeUndefined();
    expect(probeKillCause(containerContext({ containers: [{ livenessProbe: probe, status: crashLoop({ exitCode: 137, reason: "OOMKilled" }) }] }, events), { exitCode: 137, reason: "OOMKilled" })).toBeUndefined();
  });
});

describe("a port opened is not a start-up finished", () => {
  it("Tomcat initialized on its port gives a time to listen, never a stated start-up time", () => {
    const container = containerContext({ containers: [{}] }, [], appLog("2025-06-02T10:40:05.870Z  INFO 1 --- [main] c.a.inventory.InventoryApplication : Starting InventoryApplication v2.3.0\n2025-06-02T10:40:10.012Z  INFO 1 --- [main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port(s): 8080 (http)\n"));
    const startup = startupFromLogs(container);
    expect(startup.port).toBe(8080);
    expect(startup.statedSeconds).toBeUndefined();
  });
});
