// Faults of a real kube-apiserver (scripts/control-plane) during live reads, and the ones it cannot
// produce on demand injected by a loopback proxy in front of it (fault-proxy.ts). Each fault must give
// one clear line, keep what was read, and leave the rest analysed; the exit codes are those of
// docs/live-mode.md: 0/1 by --fail-on on what was read, 2 only when nothing could be read.
import { spawn } from "node:child_process";
import { rootCertificates } from "node:tls";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane } from "../../scripts/control-plane/cluster.mjs";
import { gatherLive, type LiveOptions } from "../../src/sources/live/index.js";
import { ViewBuilder } from "../../src/view/builder.js";
import type { ClusterView } from "../../src/view/cluster-view.js";
import { startFaultProxy, type Fault } from "./fault-proxy.js";
import { createScenario, type Plane, type Scenario } from "./scenario.js";
import { cliPath, ensureBuiltCli, repoRoot, STACK_TRACE, type CliRun } from "./support.js";

let plane: Plane;
let scenario: Scenario;
const work = mkdtempSync(join(tmpdir(), "ktriage-live-faults-"));
const status = (code: number, reason: string, message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });

beforeAll(async () => {
  plane = (await startControlPlane()) as Plane;
  scenario = await createScenario(plane);
  ensureBuiltCli();
}, 1_800_000);

afterAll(async () => {
  await plane?.stop();
  rmSync(work, { recursive: true, force: true });
});

const target = () => ({ server: plane.server, token: (plane as unknown as { token: string }).token, ca: (plane as unknown as { ca: string }).ca, dir: plane.dir });

async function live(options: Partial<LiveOptions> = {}): Promise<{ view: ClusterView; problems: string[] }> {
  const builder = new ViewBuilder();
  const result = await gatherLive(builder, { kubeconfig: plane.kubeconfig, namespace: "shop", ...options });
  const view = builder.build({ mode: "live", now: new Date(), namespaces: [result.namespace] });
  return { view, problems: view.inputs.problems.map((problem) => problem.message) };
}

async function withProxy<T>(faults: Fault[], body: (kubeconfig: string) => Promise<T>): Promise<T> {
  const proxy = await startFaultProxy(target(), faults, `faults-${Math.random().toString(16).slice(2, 8)}`);
  try {
    return await body(proxy.kubeconfig);
  } finally {
    await proxy.close();
  }
}

/** The built CLI, without blocking this process (the fault proxy runs in it). */
function runCliAsync(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: "1", KUBECONFIG: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ status: code, stdout, stderr });
    });
  });
}

const oneLineEach = (lines: string[]) => lines.every((line) => line.length > 0 && !line.includes("\n"));

describe("live faults", () => {
  it("the real API server stopped mid-scan: what was read is analysed, the calls after it are named in one line, exit by --fail-on", async () => {
    // One request at a time, so the order is the scan's own: pods, the namespace, then events, when the API server is stopped.
    const stopAtEvents: Fault = { match: (url) => url.startsWith("/api/v1/namespaces/shop/events"), times: 1, before: () => plane.stopApiServer() };
    try {
      const { view, problems } = await withProxy([stopAtEvents], (kubeconfig) => live({ kubeconfig, limits: { concurrency: 1 } }));
      expect(view.kind("Pod")).toHaveLength(5);
      expect(view.get("Namespace", undefined, "shop")).toBeDefined();
      expect(view.events).toEqual([]);
      expect(view.logs).toEqual([]);
      // The calls retried while the server went away each have their line (retries give way to the calls queued behind them) ...
      const own = problems.slice(0, -1);
      expect(own.length, problems.join("\n")).toBeLessThanOrEqual(8);
      expect(own.every((message) => / not read: (API server \S+ stopped answering: )?GET \/\S+: http:\/\/127\.0\.0\.1:\d+ closed the connection$/.test(message)), own.join("\n")).toBe(true);
      // ... and every call made after it is named in one line, the crashed pod's previous log among them.
      expect(problems.at(-1)).toMatch(/^not read either, the API server had stopped answering: .*; and \d+ more$/);
    } finally {
      await plane.startApiServer();
    }
    // As it runs by default (16 requests at once), through the CLI: stopped at the crashed pod's previous log.
    const stopAtFirstLog = (): Fault => ({ match: (url) => url.includes("/log?"), times: 1, before: () => plane.stopApiServer() });
    try {
      const run = await withProxy([stopAtFirstLog()], (kubeconfig) => runCliAsync(["scan", "--kubeconfig", kubeconfig, "--fail-on", "error"]));
      expect(run.stderr).not.toMatch(STACK_TRACE);
      // The OOMKilled pod was read before the stop: its error is reported, so exit 1, not 2.
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/OOMKilled/);
      expect(run.stderr.split("\n").filter((line) => line.includes("not read either, the API server had stopped answering: ")).length).toBeLessThanOrEqual(1);
      expect(run.stderr.split("\n").filter((line) => /closed the connection|stopped answering/.test(line)).length).toBeGreaterThan(0);
    } finally {
      await plane.startApiServer();
    }
  });

  it("403 on some kinds (a real Role without them): each is one missing-evidence line with the permission, the rest is diagnosed", async () => {
    await plane.request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "ktriage-faults" } });
    await plane.request("POST", "/api/v1/namespaces/ktriage-faults/serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "partial" } });
    await plane.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "partial" },
      rules: [{ apiGroups: [""], resources: ["pods", "pods/log", "events", "services"], verbs: ["get", "list"] }],
    });
    await plane.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "partial" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "partial" },
      subjects: [{ kind: "ServiceAccount", name: "partial", namespace: "ktriage-faults" }],
    });
    const token = await plane.request("POST", "/api/v1/namespaces/ktriage-faults/serviceaccounts/partial/token", { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } });
    const kubeconfig = plane.writeKubeconfig("partial", token.body.status.token, "shop");
    const json = await runCliAsync(["scan", "--kubeconfig", kubeconfig, "-o", "json", "--fail-on", "error"]);
    expect(json.stderr).not.toMatch(STACK_TRACE);
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout) as { inputs: { missing: Array<{ permission: string; status: number }> }; findings: Array<{ rule: string; resource: { name: string } }> };
    const permissions = report.inputs.missing.map((missing) => missing.permission);
    for (const needed of ["list configmaps in namespace shop", "list secrets in namespace shop", "list deployments.apps in namespace shop", "list networkpolicies.networking.k8s.io in namespace shop", "list nodes (cluster-wide)"]) expect(permissions).toContain(needed);
    expect(report.inputs.missing.every((missing) => missing.status === 403)).toBe(true);
    expect(report.findings.some((finding) => finding.rule === "pod/oom-killed" && finding.resource.name === scenario.pods.orders!.name)).toBe(true);
    const text = await runCliAsync(["scan", "--kubeconfig", kubeconfig, "--fail-on", "error"]);
    const missingLines = text.stderr.split("\n").filter((line) => line.includes("missing evidence:"));
    expect(missingLines).toHaveLength(report.inputs.missing.length);
    expect(missingLines.every((line) => /\(GET \/\S+ → 403\); needs (get|list) /.test(line))).toBe(true);
  });

  it("a slow call past the per-request timeout (no --timeout): that call is one line, the server is not given up on", async () => {
    const { view, problems } = await withProxy([{ match: (url) => url.startsWith("/api/v1/namespaces/shop/events"), times: 10, delayMs: 4000 }], (kubeconfig) =>
      live({ kubeconfig, limits: { requestTimeoutMs: 1000, attempts: 2 } }),
    );
    expect(problems).toEqual([expect.stringMatching(/^Event objects in namespace shop not read: GET \/api\/v1\/namespaces\/shop\/events\?limit=500: no answer within 1 s$/)]);
    expect(view.events).toEqual([]);
    expect(view.kind("Pod")).toHaveLength(5);
    expect(view.kind("Service")).toHaveLength(4);
    expect(view.logs).toHaveLength(1);
  });

  it("429 with and without Retry-After, 500/502/504 retried; retries exhausted is one line and the rest is read", async () => {
    const tooMany = status(429, "TooManyRequests", "Too many requests, please try again later.");
    const faults: Fault[] = [
      { match: (url) => url.startsWith("/api/v1/namespaces/shop/configmaps"), times: 1, status: 429, headers: { "Retry-After": "1" }, body: tooMany },
      { match: (url) => url.startsWith("/api/v1/namespaces/shop/serviceaccounts"), times: 1, status: 429, body: tooMany },
      { match: (url) => url.startsWith("/api/v1/namespaces/shop/events"), times: 1, status: 500, body: status(500, "InternalError", "Internal error occurred: etcdserver: leader changed") },
      { match: (url) => url.startsWith("/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies"), times: 1, status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>" },
      { match: (url) => url.startsWith("/api/v1/namespaces/shop/persistentvolumeclaims"), times: 1, status: 504, body: status(504, "Timeout", "request timed out") },
      { match: (url) => url.startsWith("/api/v1/namespaces/shop/services"), times: 100, status: 429, body: tooMany },
    ];
    const { view, problems } = await withProxy(faults, (kubeconfig) => live({ kubeconfig }));
    expect(faults.map((fault) => fault.times)).toEqual([0, 0, 0, 0, 0, 96]);
    expect(problems).toEqual(["Service objects in namespace shop not read: GET /api/v1/namespaces/shop/services?limit=500: 429 Too many requests, please try again later."]);
    expect(view.kind("Service")).toEqual([]);
    expect(view.events.length).toBeGreaterThan(0);
    expect(view.kind("NetworkPolicy")).toHaveLength(1);
    expect(view.kind("Pod")).toHaveLength(5);
  });

  it("401, then the rotated token: the credentials are read again once and the run goes on", async () => {
    // The real API server rejects the old token; the token file is rotated as the request is in flight (as a projected token is).
    const tokenFile = join(work, "rotating-token");
    writeFileSync(tokenFile, "expired-token-0000\n");
    const admin = (plane as unknown as { token: string }).token;
    const rotate: Fault = { match: () => true, times: 1, before: async () => writeFileSync(tokenFile, `${admin}\n`) };
    const proxy = await startFaultProxy(target(), [rotate], "rotating", { passAuthorization: true });
    try {
      const kubeconfig = join(work, "rotating.kubeconfig");
      writeFileSync(kubeconfig, readFileSync(proxy.kubeconfig, "utf8").replace("    token: via-proxy", `    tokenFile: ${tokenFile}`));
      const { view, problems } = await live({ kubeconfig, limits: { concurrency: 1 } });
      expect(rotate.times).toBe(0);
      expect(problems).toEqual([]);
      expect(view.kind("Pod")).toHaveLength(5);
      // The first call went out twice (401, then 200 with the new token); every other call once.
      expect(proxy.seen.filter((url) => url === proxy.seen[0])).toHaveLength(2);
      expect(new Set(proxy.seen).size).toBe(proxy.seen.length - 1);
    } finally {
      await proxy.close();
    }
    writeFileSync(tokenFile, "expired-token-0000\n");
    const proxyAgain = await startFaultProxy(target(), [], "rotating-bad", { passAuthorization: true });
    let stillBad: CliRun;
    try {
      const kubeconfig = join(work, "rotating-bad.kubeconfig");
      writeFileSync(kubeconfig, readFileSync(proxyAgain.kubeconfig, "utf8").replace("    token: via-proxy", `    tokenFile: ${tokenFile}`));
      stillBad = await runCliAsync(["scan", "--kubeconfig", kubeconfig]);
    } finally {
      await proxyAgain.close();
    }
    expect(stillBad.status).toBe(2);
    expect(stillBad.stderr.trim().split("\n")).toHaveLength(1);
    expect(stillBad.stderr).toMatch(/rejected the credentials of context rotating-bad \(401 Unauthorized\): log in again or renew the token/);
  });

  it("410 Expired more than twice: the list is kept in part and named in one line", async () => {
    const { view, problems } = await withProxy(
      [{ match: (url) => url.startsWith("/api/v1/namespaces/shop/pods?") && url.includes("continue="), times: 100, status: 410, body: status(410, "Expired", "The provided continue parameter is too old to display a consistent list result.") }],
      (kubeconfig) => live({ kubeconfig, pageSize: 2 }),
    );
    expect(problems).toEqual([expect.stringMatching(/^Pod objects in namespace shop read only in part \(2 before the error\): GET \/api\/v1\/namespaces\/shop\/pods\?limit=2: 410 The provided continue parameter is too old/)]);
    expect(view.kind("Pod")).toHaveLength(2);
  });

  it("an answer that is not JSON (a proxy's error page with 200) is one line", async () => {
    const { view, problems } = await withProxy([{ match: (url) => url.startsWith("/api/v1/namespaces/shop/services"), times: 10, status: 200, body: "<html><body>Please log in to the corporate proxy</body></html>" }], (kubeconfig) => live({ kubeconfig }));
    expect(problems).toEqual(["Service objects in namespace shop not read: GET /api/v1/namespaces/shop/services: the API server answered with something that is not JSON"]);
    expect(view.kind("Pod")).toHaveLength(5);
  });

  it("huge list answers: pages shrink under the response size limit; one object over it is one line, the rest is read", async () => {
    await plane.request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "bulk" } });
    // Three ConfigMaps of 900 KB each (the real API server's list of them is 2.7 MB, sent gzip-compressed).
    for (const name of ["dashboards-a", "dashboards-b", "dashboards-c"]) {
      const created = await plane.request("POST", "/api/v1/namespaces/bulk/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { "dashboard.json": `{"panels":"${"x".repeat(900_000)}"}` } });
      expect(created.status).toBe(201);
    }
    const pagesShrink = await live({ namespace: "bulk", limits: { maxResponseBytes: 2 * 1024 * 1024 } });
    expect(pagesShrink.problems).toEqual([]);
    expect(pagesShrink.view.kind("ConfigMap").map((configMap) => configMap.metadata.name).sort()).toEqual(["dashboards-a", "dashboards-b", "dashboards-c"]);
    const overLimit = await live({ namespace: "bulk", limits: { maxResponseBytes: 512 * 1024 } });
    expect(overLimit.problems).toEqual([expect.stringMatching(/^ConfigMap objects in namespace bulk not read: GET \/api\/v1\/namespaces\/bulk\/configmaps\?limit=1: the answer is larger than 0\.5 MiB \(the response size limit\)$/)]);
    expect(overLimit.view.kind("ConfigMap")).toEqual([]);
    expect(overLimit.view.get("Namespace", undefined, "bulk")).toBeDefined();
  });

  it("a kubeconfig whose CA is not the server's: one TLS line, exit 2", async () => {
    const token = (plane as unknown as { token: string }).token;
    const kubeconfig = plane.writeKubeconfig("wrong-ca", token, "shop");
    const wrongCa = Buffer.from(rootCertificates[0]!).toString("base64");
    writeFileSync(kubeconfig, readFileSync(kubeconfig, "utf8").replace(/certificate-authority-data: .*/, `certificate-authority-data: ${wrongCa}`));
    const run = await runCliAsync(["scan", "--kubeconfig", kubeconfig]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/TLS: .*check certificate-authority in the kubeconfig/);
    expect(run.stdout).toBe("");
  });
});

describe("live lookups that fail say so, with the nearest names, as offline", () => {
  it("a pod name with one character missing, a namespace typo, and both", async () => {
    const orders = scenario.pods.orders!.name;
    const typo = await runCliAsync(["pod", orders.slice(0, -1), "-n", "shop", "--kubeconfig", plane.kubeconfig]);
    expect(typo.status).toBe(2);
    expect(typo.stdout).toBe("");
    expect(typo.stderr.trim().split("\n")).toHaveLength(1);
    expect(typo.stderr).toContain(`pod "${orders.slice(0, -1)}" not found in namespace "shop"`);
    expect(typo.stderr).toMatch(new RegExp(`did you mean ${orders}[,?]`));
    const namespace = await runCliAsync(["scan", "-n", "shpo", "--kubeconfig", plane.kubeconfig]);
    expect(namespace.status).toBe(2);
    expect(namespace.stderr.trim()).toBe("ktriage: no namespace shpo in the cluster of context ktriage-test; did you mean shop? (kubectl get namespaces lists them)");
    const both = await runCliAsync(["pod", orders, "-n", "shpo", "--kubeconfig", plane.kubeconfig]);
    expect(both.status).toBe(2);
    expect(both.stderr.trim()).toBe(`ktriage: pod "${orders}" not found: there is no namespace "shpo"; did you mean shop? (kubectl get namespaces lists them)`);
    const nothingNear = await runCliAsync(["pod", "zzz", "-n", "shop", "--kubeconfig", plane.kubeconfig]);
    expect(nothingNear.status).toBe(2);
    expect(nothingNear.stderr).toMatch(/pod "zzz" not found in namespace "shop" \(GET \/api\/v1\/namespaces\/shop\/pods\/zzz: 404\): it may have been deleted or replaced; list pods with: kubectl get pods -n shop/);
  });
});
