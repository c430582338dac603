// `mesh readiness` and `mesh describe pod` against the real kube-apiserver: istiod's log is read
// through pods/log (kwok serves it as a kubelet), the Istio resources through their CRDs.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane } from "../../scripts/control-plane/cluster.mjs";
import { create, createNamespace, createNode, createPod, installIstioCrds, setContainerLogs, setPodStatus, waitForLog } from "../../scripts/control-plane/fixtures.mjs";
import type { Plane } from "./scenario.js";
import { cliPath, ensureBuiltCli, repoRoot, STACK_TRACE, type CliRun } from "./support.js";

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

const ISTIOD = "istiod-85798b5866-8ptm6";
// Lines as istiod prints them (istio/istio#61097): a push the proxy rejected.
const ISTIOD_LOG = [
  "2026-08-03T03:41:47.101224Z\tinfo\tads\tADS: new connection for node:catalog-5899bbc954-xnq22.istioinaction-3",
  "2026-08-03T03:41:48.503582Z\twarn\tads\tADS:CDS: ACK ERROR catalog-5899bbc954-xnq22.istioinaction Internal:Proto constraint validation failed (ClusterValidationError.OutlierDetection: embedded message failed validation | caused by OutlierDetectionValidationError.Interval: value must be greater than 0s)",
];
let plane: Plane;

beforeAll(async () => {
  plane = (await startControlPlane()) as Plane;
  await installIstioCrds(plane);
  await createNode(plane);
  await createNamespace(plane, "istio-system");
  await createNamespace(plane, "istioinaction", { "istio-injection": "enabled" });
  await createPod(plane, "istio-system", ISTIOD, { spec: { containers: [{ name: "discovery", image: "docker.io/istio/pilot:1.27.0" }] }, labels: { app: "istiod", istio: "pilot" } });
  await setPodStatus(plane, "istio-system", ISTIOD, { phase: "Running", podIP: "10.244.1.5", conditions: [{ type: "Ready", status: "True" }], containerStatuses: [{ name: "discovery", ready: true, restartCount: 0, image: "docker.io/istio/pilot:1.27.0", imageID: "", state: { running: { startedAt: "2026-08-03T03:00:00Z" } } }] });
  await setContainerLogs(plane, "istio-system", ISTIOD, { discovery: { current: ISTIOD_LOG } });
  await waitForLog(plane, "istio-system", ISTIOD, "discovery");
  const catalog = { app: "catalog", version: "v1" };
  await createPod(plane, "istioinaction", "catalog-5899bbc954-xnq22", { spec: { containers: [{ name: "catalog", image: "istioinaction/catalog:latest", ports: [{ containerPort: 3000, name: "http" }] }, { name: "istio-proxy", image: "docker.io/istio/proxyv2:1.27.0" }] }, labels: catalog });
  await setPodStatus(plane, "istioinaction", "catalog-5899bbc954-xnq22", { phase: "Running", podIP: "10.244.1.17", conditions: [{ type: "Ready", status: "True" }] });
  await create(plane, "/api/v1/namespaces/istioinaction/services", { apiVersion: "v1", kind: "Service", metadata: { name: "catalog", namespace: "istioinaction" }, spec: { selector: { app: "catalog" }, ports: [{ name: "http", port: 80, targetPort: 3000 }] } });
  await create(plane, "/apis/security.istio.io/v1/namespaces/istioinaction/peerauthentications", { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "default", namespace: "istioinaction" }, spec: { mtls: { mode: "STRICT" } } });
  await create(plane, "/apis/security.istio.io/v1/namespaces/istioinaction/authorizationpolicies", { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: { name: "allow-get", namespace: "istioinaction" }, spec: { selector: { matchLabels: { app: "catalog" } }, action: "ALLOW", rules: [{ to: [{ operation: { methods: ["GET"] } }] }] } });
  ensureBuiltCli();
}, 1_800_000);

afterAll(async () => {
  await plane?.stop();
});

describe("mesh commands on a live cluster", () => {
  it("mesh readiness reads istiod's log through the API server and names the rejected push", async () => {
    const run = await runCli(["mesh", "readiness", "-A", "--kubeconfig", plane.kubeconfig, "-o", "json"]);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    const report = JSON.parse(run.stdout) as { cluster: { istiod: string }; checks: Array<{ id: string; status: string; items: string[] }> };
    expect(report.cluster.istiod).toBe("running");
    const check = report.checks.find((entry) => entry.id === "istiod-logs")!;
    expect(check.status).toBe("warn");
    expect(check.items).toEqual([expect.stringMatching(/^istiod-85798b5866-8ptm6 line 2: warn ads: ADS:CDS: ACK ERROR catalog-5899bbc954-xnq22/)]);
  });

  it("mesh readiness -n reads istiod's pods and log too, outside the namespace it plans for", async () => {
    const run = await runCli(["mesh", "readiness", "-n", "istioinaction", "--kubeconfig", plane.kubeconfig, "-o", "json"]);
    const report = JSON.parse(run.stdout) as { cluster: { istiod: string }; checks: Array<{ id: string; status: string }> };
    expect(report.cluster.istiod).toBe("running");
    expect(report.checks.find((entry) => entry.id === "istiod-logs")!.status).toBe("warn");
  });

  it("mesh describe pod reads the pod, its Service and the Istio policies live", async () => {
    const run = await runCli(["mesh", "describe", "pod", "catalog-5899bbc954-xnq22", "-n", "istioinaction", "--kubeconfig", plane.kubeconfig]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Service: catalog\n   Port: http 80/HTTP targets pod port 3000");
    expect(run.stdout).toContain("Workload mTLS mode: STRICT (namespace policy istioinaction/default)");
    expect(run.stdout).toContain("ALLOW istioinaction/allow-get (workload)");
  });
});
