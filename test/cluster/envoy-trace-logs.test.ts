// `envoy trace --pod` and `envoy logs --pod` against the real kube-apiserver: the ingress gateway's
// Envoy admin is reached through the pod proxy (the kwok pod's podIP points at a local server that
// serves the gateway's config dump), its istio-proxy log through pods/log (kwok serves it as a kubelet).
import { readFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane } from "../../scripts/control-plane/cluster.mjs";
import { create, createNamespace, createNode, createPod, setContainerLogs, setPodStatus, waitForLog } from "../../scripts/control-plane/fixtures.mjs";
import { catalogGatewayDump } from "../envoy/fixtures/catalog-gateway-dump.js";
import { startEnvoyAdmin, type AdminServer } from "./envoy-admin-server.js";
import type { Plane } from "./scenario.js";
import { cliPath, ensureBuiltCli, repoRoot, STACK_TRACE, type CliRun } from "./support.js";

function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: "1", KUBECONFIG: "", PATH: "/usr/local/bin:/bin" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const GATEWAY = "istio-ingressgateway-74df47f5f9-nv65v";
/** The lab gateway's access log (Istio's default TEXT format): 200s, and 504 UT from catalog v2 under a 0.5 s timeout. */
const ACCESS_LOG = readFileSync(join(repoRoot, "examples/lab/envoy/istio-system", GATEWAY, "access.log"), "utf8").trim().split("\n");
let plane: Plane;
let admin: AdminServer;

beforeAll(async () => {
  plane = (await startControlPlane()) as Plane;
  admin = await startEnvoyAdmin({ configDump: JSON.stringify(catalogGatewayDump({ withSubsets: false })) });
  await createNamespace(plane, "istio-system");
  await createNode(plane);
  const labels = { app: "istio-ingressgateway", istio: "ingressgateway" };
  await createPod(plane, "istio-system", GATEWAY, { spec: { containers: [{ name: "istio-proxy", image: "docker.io/istio/proxyv2:1.27.0", ports: [{ containerPort: 8080, protocol: "TCP" }, { containerPort: 8443, protocol: "TCP" }, { containerPort: 15090, name: "http-envoy-prom", protocol: "TCP" }] }] }, labels });
  await setPodStatus(plane, "istio-system", GATEWAY, { phase: "Running", podIP: admin.address, podIPs: [{ ip: admin.address }], hostIP: "127.0.0.1", conditions: [{ type: "Ready", status: "True" }] });
  await create(plane, "/api/v1/namespaces/istio-system/services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "istio-ingressgateway", namespace: "istio-system", labels },
    spec: { type: "ClusterIP", selector: labels, ports: [{ name: "status-port", port: 15021, targetPort: 15021 }, { name: "http2", port: 80, targetPort: 8080 }, { name: "https", port: 443, targetPort: 8443 }] },
  });
  await setContainerLogs(plane, "istio-system", GATEWAY, { "istio-proxy": { current: ACCESS_LOG } });
  await waitForLog(plane, "istio-system", GATEWAY, "istio-proxy");
  ensureBuiltCli();
}, 1_800_000);

afterAll(async () => {
  await admin?.close();
  await plane?.stop();
});

const live = (...args: string[]) => runCli([...args, "--pod", GATEWAY, "-n", "istio-system", "--kubeconfig", plane.kubeconfig]);

describe("envoy trace --pod through the real API server", () => {
  it("port 80 of the gateway Service becomes listener 8080 (its targetPort) and the trace stops at the subset no DestinationRule defines", async () => {
    const run = await live("envoy", "trace", "--url", "http://catalog.istioinaction.io/items", "--admin-port", String(admin.port), "-o", "json");
    expect(run.stderr).toBe("");
    const result = JSON.parse(run.stdout) as { request: { port: number }; steps: Array<{ stage: string; ok: boolean; summary: string }>; broken?: { stage: string } };
    expect(result.steps[0]).toMatchObject({ stage: "service", ok: true, summary: `Service istio-system/istio-ingressgateway port 80 (http2) -> targetPort 8080 on ${GATEWAY}` });
    expect(result.request.port).toBe(8080);
    expect(result.steps.find((step) => step.stage === "listener")).toMatchObject({ ok: true });
    expect(result.broken?.stage).toBe("cluster");
    expect(run.status).toBe(1);
    expect(admin.requests).toContain("GET /config_dump?include_eds=true");
  });

  it("a pod that does not exist: one line naming the call, exit 2", async () => {
    const run = await runCli(["envoy", "trace", "--url", "http://catalog.istioinaction.io/items", "--pod", "gone-0", "-n", "istio-system", "--kubeconfig", plane.kubeconfig]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/gone-0.*404/);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });
});

describe("envoy logs --pod through the real API server (pods/log, no kubectl on the PATH)", () => {
  it("reads the gateway's istio-proxy log and names the 504 UT from the slow upstream", async () => {
    // kwok stamps the lines from 2025-06-02 on and honours sinceSeconds as a kubelet does: reach back far enough.
    const since = `${Math.ceil((Date.now() - Date.parse("2025-06-01T00:00:00Z")) / 3_600_000)}h`;
    const recent = await live("envoy", "logs", "--since", "1h", "-o", "json");
    expect((JSON.parse(recent.stdout) as { findings: unknown[] }).findings).toEqual([]);
    const run = await live("envoy", "logs", "--since", since, "-o", "json");
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(run.stdout, run.stderr).not.toBe("");
    const report = JSON.parse(run.stdout) as { findings: Array<{ rule: string }>; traffic?: unknown };
    expect(report.findings.map((finding) => finding.rule)).toContain("envoy/upstream-timeout");
    expect(run.status).toBe(1);
    const text = await live("envoy", "logs", "--since", since);
    expect(text.stdout).toContain(`logs of ${GATEWAY} -c istio-proxy`);
    expect(text.stdout).toMatch(/504/);
  });

  it("--since that is not a duration is a usage error", async () => {
    const run = await live("envoy", "logs", "--since", "yesterday");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--since "yesterday" is not a duration');
  });
});
