import { describe, expect, it } from "vitest";
import { runRules } from "../../../src/engine/engine.js";
import { podRules } from "../../../src/rules/pod/index.js";
import { buildView, type RuleCase } from "../../helpers/rule-tester.js";
import { crashLoop, deployment, event, list, NOW, pod, running } from "./fixtures.js";

function diagnose(testCase: Omit<RuleCase, "name">) {
  return runRules(podRules, buildView({ name: "case", ...testCase }), { scope: "diagnose" });
}

describe("pod diagnosis as a whole: findings[0] is the root cause", () => {
  it("OOMKilled beats the generic crash loop and folds it", () => {
    const result = diagnose({ files: { "pod.json": list(pod({ containers: [{ resources: { limits: { memory: "256Mi" } }, status: crashLoop({ exitCode: 137, reason: "OOMKilled" }) }] })) }, now: NOW });
    expect(result.failures).toEqual([]);
    expect(result.findings[0]!.category).toBe("oom-killed");
    expect(result.findings.filter((f) => f.resource.container === "app")).toHaveLength(1);
  });

  it("exit 137 after Killing: failed liveness probe is the probe, not memory", () => {
    const result = diagnose({
      files: {
        "pod.json": list(
          pod({ containers: [{ resources: { limits: { memory: "512Mi", cpu: "1" } }, livenessProbe: { httpGet: { path: "/healthz", port: 8080 }, initialDelaySeconds: 5, periodSeconds: 5 }, ports: [{ containerPort: 8080 }], status: crashLoop({ exitCode: 137 }) }] }),
          event("Unhealthy", 'Liveness probe failed: Get "http://10.244.1.17:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', { count: 21 }),
          event("Killing", "Container app failed liveness probe, will be restarted", { type: "Normal", count: 7 }),
        ),
      },
      now: NOW,
    });
    expect(result.findings[0]!.category).toBe("liveness-probe-failure");
  });

  it("a Java heap OutOfMemoryError beats the liveness kill it caused", () => {
    const result = diagnose({
      files: {
        "pod.json": list(
          pod({ containers: [{ image: "eclipse-temurin:21-jre", resources: { limits: { memory: "1Gi" } }, livenessProbe: { httpGet: { path: "/actuator/health", port: 8080 } }, ports: [{ containerPort: 8080 }], status: crashLoop({ exitCode: 143 }) }] }),
          event("Unhealthy", 'Liveness probe failed: Get "http://10.244.1.17:8080/actuator/health": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', { count: 9 }),
          event("Killing", "Container app failed liveness probe, will be restarted", { type: "Normal", count: 3 }),
        ),
      },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: 'Exception in thread "http-nio-8080-exec-7" java.lang.OutOfMemoryError: Java heap space\n' }],
      now: NOW,
    });
    expect(result.findings[0]!.category).toBe("oom-killed");
  });

  it("the previous log's cause wins over the current log's", () => {
    const result = diagnose({
      files: { "pod.json": list(pod({ containers: [{ status: crashLoop({ exitCode: 1 }) }] })) },
      logs: [
        { pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: false, text: "2025-06-02T10:14:58Z INFO starting\n2025-06-02T10:14:59Z WARN dial tcp 10.96.12.7:5432: connect: connection refused, retrying\n" },
        { pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "2025-06-02T10:12:08Z FATAL open /etc/app/config.yaml: no such file or directory\n" },
      ],
      now: NOW,
    });
    expect(result.findings[0]!.category).toBe("config-file-missing");
    expect(result.findings[0]!.evidence.some((e) => e.source === "previous-log" && e.line === 1)).toBe(true);
  });

  it("multi-container pod: names the failing container and says the others are fine", () => {
    const result = diagnose({
      files: { "pod.json": list(pod({ containers: [{ status: running() }, { name: "worker", status: crashLoop({ exitCode: 137, reason: "OOMKilled" }, 5, "2m40s", "worker") }] })) },
      now: NOW,
    });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]!.resource.container).toBe("worker");
    expect(result.findings[0]!.evidence.some((e) => /the other containers are fine: app Running, Ready/.test(e.text))).toBe(true);
  });

  it("a log given without a container name goes to the container in trouble", () => {
    const result = diagnose({
      files: { "pod.json": list(pod({ containers: [{ status: running() }, { name: "worker", status: crashLoop({ exitCode: 1 }, 5, "2m40s", "worker") }] })) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: undefined as unknown as string, previous: true, text: "KeyError: 'REDIS_URL'\n" }],
      now: NOW,
    });
    expect(result.findings[0]).toMatchObject({ category: "missing-config-reference", resource: { container: "worker" } });
  });

  it("a new ReplicaSet crashing while the old one is Ready offers rollout undo", () => {
    const result = diagnose({
      files: {
        "pods.json": list(
          pod({ name: "api-5c6d7e8f9a-new01", owner: "Deployment/api", hash: "5c6d7e8f9a", containers: [{ status: crashLoop({ exitCode: 1 }, 5, "2m40s", "app", "api-5c6d7e8f9a-new01") }] }),
          pod({ name: "api-7d9f8b6c5d-old01", owner: "Deployment/api", hash: "7d9f8b6c5d", containers: [{ status: running() }] }),
          deployment("api", [{}]),
        ),
      },
      logs: [{ pod: "api-5c6d7e8f9a-new01", container: "app", previous: true, text: "Error: Cannot find module '/app/dist/main.js'\n" }],
      now: NOW,
    });
    const top = result.findings[0]!;
    expect(top.category).toBe("image-build-error");
    expect(top.evidence.some((e) => /recent rollout: new ReplicaSet api-5c6d7e8f9a crashes while api-7d9f8b6c5d/.test(e.text))).toBe(true);
    // A rollback is a change the engine cannot apply to the view: it is offered as guidance, not as a command that runs as printed.
    expect(top.fix?.commands[0]).toMatch(/^# kubectl rollout undo deployment\/api -n default.*<not proven/);
    expect(top.fix?.proven).toBe(false);
  });

  it("a log file alone gives a log-based diagnosis on the <pod> placeholder, never a made-up name", () => {
    const view = buildView({ name: "log only", files: { "app.log": "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space\n" } });
    const result = runRules(podRules, view, { scope: "diagnose" });
    expect(result.findings[0]).toMatchObject({ category: "oom-killed", resource: { kind: "Pod", name: "<pod>" } });
    const commands = [...(result.findings[0]!.fix?.commands ?? []), ...result.findings[0]!.verify];
    expect(commands.some((command) => command.includes("<pod>"))).toBe(true);
    expect(commands.join("\n")).not.toMatch(/\bunknown\b/);
  });

  it("a log file with no known line gives unknown-crash with its tail", () => {
    const view = buildView({ name: "log only", files: { "app.log": "booting\nready\nbye\n" } });
    const result = runRules(podRules, view, { scope: "diagnose" });
    expect(result.findings[0]).toMatchObject({ category: "unknown-crash", severity: "warning" });
    expect(result.findings[0]!.evidence.map((e) => e.text)).toContain("log line 3: bye");
  });

  it("the offline contract: events text without namespace plus a log for NAME in -n default is one pod", () => {
    const builder = buildView({
      name: "contract",
      files: { "events.txt": "LAST SEEN   TYPE      REASON    OBJECT                     MESSAGE\n40s         Warning   BackOff   pod/api-7d9f8b6c5d-x2k9p   Back-off restarting failed container app in pod api-7d9f8b6c5d-x2k9p_default(5b0c)\n" },
      logs: [{ namespace: "default", pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1b5140d]\n" }],
    });
    const result = runRules(podRules, builder, { scope: "diagnose" });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ category: "app-runtime-error", resource: { kind: "Pod", name: "api-7d9f8b6c5d-x2k9p", container: "app" } });
  });

  it("Init:CrashLoopBackOff: the init container is named, the waiting app container is not reported", () => {
    const result = diagnose({
      files: { "pod.json": list(pod({ phase: "Pending", initContainers: [{ name: "wait-db", image: "busybox:1.36", status: crashLoop({ exitCode: 1 }, 3, "40s", "wait-db") }], containers: [{ status: { state: { waiting: { reason: "PodInitializing" } }, ready: false, restartCount: 0 } }] })) },
      now: NOW,
    });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ category: "init-container-failure", resource: { container: "wait-db" } });
  });
});

describe("no finding of severity error on a healthy pod", () => {
  const cases: Array<[string, Omit<RuleCase, "name">]> = [
    ["healthy Deployment pod", { files: { "pod.json": list(pod({ owner: "Deployment/api", containers: [{ status: running() }] }), deployment("api", [{}])) }, now: NOW }],
    ["Completed Job pod", { files: { "pod.json": list(pod({ name: "report-28934120-7xk2p", owner: "Job/report-28934120", phase: "Succeeded", containers: [{ name: "report", status: { state: { terminated: { reason: "Completed", exitCode: 0, startedAt: "2025-06-02T10:00:03Z", finishedAt: "2025-06-02T10:02:41Z" } }, ready: false, restartCount: 0 } }] })) }, now: NOW }],
    ["restarted once a day ago", { files: { "pod.json": list(pod({ containers: [{ status: running("2025-06-01T09:00:30Z", 1, true, { terminated: { reason: "Error", exitCode: 1, startedAt: "2025-05-30T08:00:00Z", finishedAt: "2025-06-01T09:00:20Z" } }) }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "panic: runtime error: index out of range [5] with length 5\n" }], now: NOW }],
    ["restarted 4 times, Ready since, and no other timestamp to compare with (offline now = its own start)", { files: { "pod.json": list(pod({ created: "2025-05-28T08:00:00Z", containers: [{ status: running("2025-06-01T09:00:30Z", 4, true, { terminated: { reason: "Error", exitCode: 1, startedAt: "2025-06-01T08:59:00Z", finishedAt: "2025-06-01T09:00:20Z" } }) }] })).replace(/"startTime": "[^"]+",/, "") } }],
    ["sidecar exits 255 after its Job finished", { files: { "pod.json": list(pod({ name: "backup-29112340-q8w2x", owner: "Job/backup-29112340", phase: "Running", containers: [{ name: "backup", status: { state: { terminated: { reason: "Completed", exitCode: 0, startedAt: "2025-06-02T10:00:05Z", finishedAt: "2025-06-02T10:04:40Z" } }, ready: false, restartCount: 0 } }, { name: "istio-proxy", image: "docker.io/istio/proxyv2:1.27.1", status: { state: { terminated: { reason: "Error", exitCode: 255, startedAt: "2025-06-02T10:00:02Z", finishedAt: "2025-06-02T10:04:45Z" } }, ready: false, restartCount: 0 } }] })) }, now: NOW }],
    [
      "rollout in progress: new pod creating, old one ready",
      {
        files: {
          "pods.json": list(
            pod({ name: "api-5c6d7e8f9a-new01", owner: "Deployment/api", hash: "5c6d7e8f9a", phase: "Pending", created: "2025-06-02T10:14:50Z", containers: [{ status: { state: { waiting: { reason: "ContainerCreating" } }, ready: false, restartCount: 0 } }] }),
            pod({ name: "api-7d9f8b6c5d-old01", owner: "Deployment/api", hash: "7d9f8b6c5d", containers: [{ status: running() }] }),
            event("Pulling", 'Pulling image "registry.example.com/shop/api:1.4.3"', { type: "Normal", name: "api-5c6d7e8f9a-new01" }),
          ),
        },
        now: NOW,
      },
    ],
    ["rollout in progress: new pod running, not ready for 10s", { files: { "pod.json": list(pod({ containers: [{ readinessProbe: { httpGet: { path: "/ready", port: 8080 } }, status: running("2025-06-02T10:14:50Z", 0, false) }] }), event("Unhealthy", 'Readiness probe failed: Get "http://10.244.1.30:8080/ready": dial tcp 10.244.1.30:8080: connect: connection refused', { count: 1 })) }, now: NOW }],
    ["pod scheduled seconds ago, pulling", { files: { "pod.json": list(pod({ phase: "Pending", created: "2025-06-02T10:14:55Z", containers: [{ status: { state: { waiting: { reason: "ContainerCreating" } }, ready: false, restartCount: 0 } }] })) }, now: NOW }],
  ];
  for (const [name, testCase] of cases) {
    it(name, () => {
      const result = diagnose(testCase);
      expect(result.failures).toEqual([]);
      expect(result.findings.filter((f) => f.severity === "error")).toEqual([]);
    });
  }
});
