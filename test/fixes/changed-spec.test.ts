import { describe, expect, it } from "vitest";
import { runRules } from "../../src/engine/engine.js";
import type { Finding } from "../../src/model/finding.js";
import { allRules } from "../../src/rules/index.js";
import { buildView, type RuleCase } from "../helpers/rule-tester.js";
import { crashLoop, deployment, event, list, NOW, pod, type ContainerInput } from "../rules/pod/fixtures.js";
import { expectSafe } from "./expect-safe.js";

/**
 * Pod fixes proven against the spec they change: the observed status stays, and the rule judges
 * whether the changed spec answers the cause, from what the evidence shows. Where the evidence
 * cannot tell, the fix stays guidance.
 */
function finding(rule: string, container: ContainerInput, extra: { objects?: unknown[]; logs?: RuleCase["logs"]; volumes?: unknown[] } = {}): Finding {
  const { status, ...spec } = container;
  const text = list(pod({ owner: "Deployment/api", containers: [container], ...(extra.volumes ? { volumes: extra.volumes as never } : {}) }), deployment("api", [spec], extra.volumes ? { volumes: extra.volumes as never } : {}), ...((extra.objects ?? []) as never[]));
  const view = buildView({ name: "case", files: { "case.json": text }, logs: extra.logs ?? [], now: NOW });
  const found = runRules(allRules, view, { scope: "diagnose" }).findings.find((f) => f.rule === rule);
  expect(found, `${rule} fires`).toBeDefined();
  expectSafe(found!);
  void status;
  return found!;
}

const previousLog = (text: string, container = "app"): RuleCase["logs"] => [{ pod: "api-7d9f8b6c5d-x2k9p", container, previous: true, text }];
const oomStatus = crashLoop({ exitCode: 137, reason: "OOMKilled" });

describe("memory: proven only when the evidence states what the container needs", () => {
  it("the log states the size it loads: the raised limit holds it, so the fix is proven", () => {
    const f = finding("pod/oom-killed", { resources: { limits: { memory: "128Mi" } }, status: oomStatus }, { logs: previousLog("INFO loading product index into memory (2.1 GiB)\n") });
    expect(f.fix!.proven).toBe(true);
    expect(f.fix!.commands.join("\n")).toContain('"memory":"2816Mi"');
  });

  it("no size in the evidence: doubling the limit may or may not be enough, so it stays guidance", () => {
    const f = finding("pod/oom-killed", { resources: { limits: { memory: "128Mi" } }, status: oomStatus });
    expect(f.fix!.proven).toBe(false);
    // The OOMKilled status stays in the changed view: the re-check shows the change safe, not the kill gone.
    expect(f.fix!.checkedSafe).toBe(true);
    expect(f.fix!.proof).toBe("applied to Deployment default/api in the view, the change brings no new error or warning; this finding rests on status recorded before the change, so run the verify commands once it is rolled out");
    expect(f.fix!.proof).not.toMatch(/does not make this finding go away/);
    const patch = f.fix!.commands.find((command) => command.startsWith("kubectl patch"));
    expect(patch).toContain("'<the change shown above, once checked>'");
  });

  it("a JVM heap set in the spec above its limit: the new limit holds heap and non-heap, so it is proven", () => {
    const f = finding("pod/oom-killed", { image: "eclipse-temurin:21-jre", env: [{ name: "JAVA_OPTS", value: "-Xmx1024m" }], resources: { limits: { memory: "768Mi" } }, status: oomStatus });
    expect(f.fix!.proven).toBe(true);
  });
});

const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "db-secret", namespace: "default" }, type: "Opaque", data: { password: "czNjcjN0", username: "YXBw" } };

describe("config references: proven when the object and key the fix names are in the inputs", () => {
  it("a misspelt key renamed to the key the Secret holds", () => {
    const f = finding(
      "pod/missing-config-reference",
      { env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db-secret", key: "passwrod" } } }], status: { state: { waiting: { reason: "CreateContainerConfigError", message: "couldn't find key passwrod in Secret default/db-secret" } }, ready: false, restartCount: 0 } },
      { objects: [secret] },
    );
    expect(f.fix!.proven).toBe(true);
  });
});

describe("writable paths and config files: proven when the new mount covers the path the log names", () => {
  it("an emptyDir at the directory the log could not write", () => {
    const f = finding("pod/read-only-filesystem", { securityContext: { readOnlyRootFilesystem: true }, status: crashLoop({ exitCode: 1 }) }, { logs: previousLog("2025/06/02 10:40:01 open /app/logs/app.log: read-only file system\n") });
    expect(f.fix!.proven).toBe(true);
  });

  const config = (data: Record<string, string>) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "default" }, data });
  const mounted = { volumeMounts: [{ name: "cfg", mountPath: "/etc/appconf" }], status: crashLoop({ exitCode: 1 }) };
  const volumes = [{ name: "cfg", configMap: { name: "settings" } }];
  const log = previousLog("2025/06/02 10:42:29 load config: open /etc/app/config.yaml: no such file or directory\n");

  it("the ConfigMap holds config.yaml and the mount moves to /etc/app", () => {
    expect(finding("pod/config-file-missing", mounted, { objects: [config({ "config.yaml": "port: 8080\n" })], volumes, logs: log }).fix!.proven).toBe(true);
  });

  it("the ConfigMap has no config.yaml key: moving the mount would not provide the file, so it stays guidance", () => {
    expect(finding("pod/config-file-missing", mounted, { objects: [config({ "settings.yaml": "port: 8080\n" })], volumes, logs: log }).fix!.proven).toBe(false);
  });

  it("the ConfigMap is not in the inputs: the re-check cannot tell", () => {
    expect(finding("pod/config-file-missing", mounted, { volumes, logs: log }).fix!.proven).toBe(false);
  });
});

describe("probes: proven when the start-up time the log shows fits what the new probes allow", () => {
  const probed = { livenessProbe: { httpGet: { path: "/healthz", port: 8080 }, initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 3 }, ports: [{ containerPort: 8080 }], resources: { limits: { cpu: "1", memory: "1Gi" } }, status: crashLoop({ exitCode: 143 }) };
  const killed = [event("Unhealthy", 'Liveness probe failed: Get "http://10.244.1.17:8080/healthz": dial tcp 10.244.1.17:8080: connect: connection refused', { count: 24 }), event("Killing", "Container app failed liveness probe, will be restarted", { type: "Normal", count: 8 })];

  it("the log says start-up takes 45s: a startupProbe allowing more is proven", () => {
    const f = finding("pod/liveness-probe-failure", probed, { objects: killed, logs: previousLog("2025-06-02T10:12:48.400Z  INFO 1 --- [main] com.example.shop.ShopApplication : Started ShopApplication in 45.2 seconds (process running for 46.1)\n") });
    expect(f.fix!.proven).toBe(true);
  });

  it("no start-up time in the evidence (no log, no run times in the status): a longer probe may still be too short, so it stays guidance", () => {
    const untimed = { ...probed, status: { state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { exitCode: 143, reason: "Error" } }, ready: false, restartCount: 8 } };
    expect(finding("pod/liveness-probe-failure", untimed, { objects: killed }).fix!.proven).toBe(false);
  });
});
