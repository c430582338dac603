// Envoy admin reads through the real kube-apiserver's pod proxy
// (/api/v1/namespaces/NS/pods/NAME:PORT/proxy/...). kwok pods run no Envoy, so
// the pod's status.podIP points at a local server that answers with recorded
// Envoy admin responses; every byte goes through the API server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane } from "../../scripts/control-plane/cluster.mjs";
import { create, createNamespace, createNode, createPod, setPodStatus } from "../../scripts/control-plane/fixtures.mjs";
import { EnvoyAdminSource } from "../../src/sources/live/envoy-admin.js";
import { startEnvoyAdmin, type AdminServer } from "./envoy-admin-server.js";
import type { Plane } from "./scenario.js";
import { spawn } from "node:child_process";
import { cliPath, ensureBuiltCli, repoRoot, STACK_TRACE, type CliRun } from "./support.js";

/** The CLI run without blocking this process: the admin server answers from this same event loop. */
function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: "1", KUBECONFIG: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

let plane: Plane;
let admin: AdminServer;
const POD = "catalog-5899bbc954-xnq22";

beforeAll(async () => {
  plane = (await startControlPlane()) as Plane;
  admin = await startEnvoyAdmin();
  await createNamespace(plane, "istioinaction", { "istio-injection": "enabled" });
  await createNode(plane);
  await createPod(plane, "istioinaction", POD, { spec: { containers: [{ name: "catalog", image: "istioinaction/catalog:latest" }, { name: "istio-proxy", image: "docker.io/istio/proxyv2:1.27.0" }] }, labels: { app: "catalog" } });
  await setPodStatus(plane, "istioinaction", POD, { phase: "Running", podIP: admin.address, podIPs: [{ ip: admin.address }], hostIP: "127.0.0.1", conditions: [{ type: "Ready", status: "True" }] });
  // istiod's Service, its Endpoints pointing at the same local server: the services/proxy path istioctl uses for /debug/syncz.
  await createNamespace(plane, "istio-system");
  // The API server proxies to an Endpoints address only when its targetRef is a pod with that IP.
  const istiod = await createPod(plane, "istio-system", "istiod-85798b5866-8ptm6", { spec: { containers: [{ name: "discovery", image: "docker.io/istio/pilot:1.24.2" }] }, labels: { app: "istiod" } });
  await setPodStatus(plane, "istio-system", istiod.metadata.name, { phase: "Running", podIP: admin.address, podIPs: [{ ip: admin.address }], hostIP: "127.0.0.1" });
  await create(plane, "/api/v1/namespaces/istio-system/services", { apiVersion: "v1", kind: "Service", metadata: { name: "istiod", namespace: "istio-system" }, spec: { ports: [{ name: "http-monitoring", port: 15014, targetPort: admin.port }] } });
  await create(plane, "/api/v1/namespaces/istio-system/endpoints", { apiVersion: "v1", kind: "Endpoints", metadata: { name: "istiod", namespace: "istio-system" }, subsets: [{ addresses: [{ ip: admin.address, targetRef: { kind: "Pod", namespace: "istio-system", name: istiod.metadata.name, uid: istiod.metadata.uid } }], ports: [{ name: "http-monitoring", port: admin.port }] }] });
  ensureBuiltCli();
}, 1_800_000);

afterAll(async () => {
  await admin?.close();
  await plane?.stop();
});

const live = (...args: string[]): Promise<CliRun> => runCli([...args, "--pod", POD, "-n", "istioinaction", "--kubeconfig", plane.kubeconfig, "--admin-port", String(admin.port)]);

describe("Envoy admin through the API server's pod proxy", () => {
  it("library: reads config_dump with endpoints, through the API server", async () => {
    const source = await EnvoyAdminSource.open({ kubeconfig: plane.kubeconfig, namespace: "istioinaction", adminPort: admin.port });
    try {
      const dump = JSON.parse(await source.read(POD, "config_dump")) as { configs: unknown[] };
      expect(dump.configs.length).toBeGreaterThan(3);
    } finally {
      source.close();
    }
    expect(admin.requests).toContain("GET /config_dump?include_eds=true");
  });

  it("endpoints from /clusters fill STATUS and OUTLIER CHECK as istioctl prints them", async () => {
    const run = await live("envoy", "config", "endpoints");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ENDPOINT\s+STATUS\s+OUTLIER CHECK\s+CLUSTER$/);
    expect(lines.some((line) => /\sHEALTHY\s+FAILED\s+outbound\|/.test(line))).toBe(true);
    expect(lines.some((line) => /^127\.0\.0\.1:15020\s+HEALTHY\s+OK\s+agent$/.test(line))).toBe(true);
    expect(admin.requests).toContain("GET /clusters?format=json");
  });

  it("config tables from the live dump", async () => {
    const run = await live("envoy", "config", "clusters");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^SERVICE FQDN\s+PORT\s+SUBSET\s+DIRECTION\s+TYPE\s+DESTINATION RULE/);
  });

  it("stats name rejected configuration and ejected hosts; server_info gives version and state", async () => {
    const stats = await live("envoy", "config", "stats");
    expect(stats.status).toBe(0);
    expect(stats.stdout).toContain("listener_manager.lds.update_rejected: 2   configuration from istiod rejected by Envoy (NACK)");
    expect(stats.stdout).toContain("outlier_detection.ejections_active: 1   hosts ejected by outlier detection right now");
    const info = JSON.parse((await live("envoy", "config", "server_info", "-o", "json")).stdout);
    expect(info).toMatchObject({ version: expect.stringContaining("/1.35.3/"), state: "LIVE", logLevel: "warning", componentLogLevel: "misc:error" });
  });

  it("log levels: GET only (Envoy wants POST for /logging), so the startup levels and the change command are printed, nothing is written", async () => {
    const before = admin.requests.length;
    const run = await live("envoy", "config", "log", "--level", "http:debug,router:debug");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("--log-level warning  --component-log-level misc:error");
    expect(run.stdout).toContain("$ istioctl proxy-config log catalog-5899bbc954-xnq22 -n istioinaction --level http:debug,router:debug");
    expect(admin.requests.slice(before).every((request) => request.startsWith("GET "))).toBe(true);
  });

  it("envoy status live reads istiod's /debug/syncz through the Service proxy and reports the NACK", async () => {
    const run = await runCli(["envoy", "status", "--kubeconfig", plane.kubeconfig, "-o", "json"]);
    expect(run.stderr).toBe("");
    const document = JSON.parse(run.stdout);
    expect(document.layout).toBe("syncz");
    expect(document.findings.map((finding: { rule: string; resource: { name: string } }) => [finding.rule, finding.resource.name])).toEqual([["envoy/proxy-status-stale", "catalog-v2-7cc6f578cd-rjrms"]]);
    expect(document.findings[0].summary).toContain("LDS ERROR (Error adding/updating listener(s) 0.0.0.0_3000: duplicate listener 0.0.0.0_3000 found)");
    expect(run.status).toBe(1);
    expect(admin.requests).toContain("GET /debug/syncz");
  });

  it("a pod that does not exist: one line naming the call, exit 2", async () => {
    const run = await runCli(["envoy", "config", "clusters", "--pod", "gone-0", "-n", "istioinaction", "--kubeconfig", plane.kubeconfig]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/pods\/gone-0:15000\/proxy\/config_dump.*404/);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });
});
