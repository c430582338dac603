// Live mode against a real kube-apiserver + etcd + kwok (scripts/control-plane).
// The binaries are built from their Go modules on first use and cached under
// ~/.cache/ktriage; a missing Go toolchain fails these tests, it never skips them.
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane } from "../../scripts/control-plane/cluster.mjs";
import { runRules } from "../../src/engine/engine.js";
import { allRules } from "../../src/rules/index.js";
import { loadPaths } from "../../src/sources/files.js";
import { gatherLive, LiveUnavailableError, type LiveOptions } from "../../src/sources/live/index.js";
import { SnapshotRecorder } from "../../src/sources/snapshot-writer.js";
import { ViewBuilder } from "../../src/view/builder.js";
import type { ClusterView } from "../../src/view/cluster-view.js";
import { startBlackHole, startFaultProxy } from "./fault-proxy.js";
import { createScenario, SECRET_VALUE, type Plane, type Scenario } from "./scenario.js";
import { cliPath, comparable, ensureBuiltCli, repoRoot, runCli, STACK_TRACE } from "./support.js";

let plane: Plane;
let scenario: Scenario;
const work = mkdtempSync(join(tmpdir(), "ktriage-live-test-"));

beforeAll(async () => {
  plane = (await startControlPlane()) as Plane;
  scenario = await createScenario(plane);
  ensureBuiltCli();
}, 1_800_000);

afterAll(async () => {
  await plane?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function live(options: Partial<LiveOptions> = {}): Promise<{ view: ClusterView; result: Awaited<ReturnType<typeof gatherLive>> }> {
  const builder = new ViewBuilder();
  const result = await gatherLive(builder, { kubeconfig: plane.kubeconfig, ...options });
  const namespaces = options.allNamespaces || options.pod ? undefined : [result.namespace];
  return { view: builder.build({ mode: "live", now: new Date(), namespaces }), result };
}

function findingsOf(view: ClusterView) {
  return runRules(allRules, view, { scope: "diagnose" }).findings;
}

function offlineView(dir: string, namespaces?: string[]): ClusterView {
  const builder = new ViewBuilder();
  loadPaths([dir], builder);
  return builder.build({ mode: "offline", namespaces });
}

describe("gathering from a real API server", () => {
  it("reads pods, events, owners, logs (current and previous), Services, NetworkPolicies, the node and Istio config of a namespace", async () => {
    const { view, result } = await live({ namespace: "shop" });
    expect(result.namespace).toBe("shop");
    expect(view.inputs.problems).toEqual([]);
    expect(view.inputs.missing).toEqual([]);
    expect(view.kind("Pod").filter((pod) => pod.metadata.namespace === "shop").map((pod) => pod.metadata.name).sort()).toEqual([
      "catalog-5f6b9d7c8-qm4lz",
      "frontend-6b5d4c3f2a-h7k2p",
      "frontend-6b5d4c3f2a-m3n8v",
      "orders-7c9d8b6f5-x2x9q",
      "payments-6d8f7b9c4-7wq2n",
    ]);

    const orders = view.get("Pod", "shop", scenario.pods.orders!.name)!;
    expect(orders.status.containerStatuses[0].lastState.terminated).toMatchObject({ exitCode: 137, reason: "OOMKilled" });
    expect(view.ownerChain(orders).map((owner) => `${owner.kind}/${owner.metadata.name}`)).toEqual(["ReplicaSet/orders-7c9d8b6f5", "Deployment/orders"]);
    const backOff = view.eventsFor("Pod", "shop", scenario.pods.orders!.name).find((event) => event.reason === "BackOff");
    expect(backOff).toMatchObject({ type: "Warning", count: 19, source: "kubelet" });
    expect(backOff!.message).toBe(`Back-off restarting failed container orders in pod ${scenario.pods.orders!.name}_shop(${scenario.pods.orders!.uid})`);

    const previous = view.logsFor("shop", scenario.pods.orders!.name, "orders");
    expect(previous).toHaveLength(1);
    expect(previous[0]!.previous).toBe(true);
    expect(previous[0]!.lines.at(-1)).toContain("building monthly report for 48211 orders");
    expect(previous[0]!.origin.file).toMatch(/^api:GET \/api\/v1\/namespaces\/shop\/pods\/orders-7c9d8b6f5-x2x9q\/log\?container=orders&previous=true&tailLines=\d+/);
    // Healthy pods and containers that never started cost no log request.
    expect(view.logs.map((stream) => `${stream.pod}/${stream.container}${stream.previous ? " (previous)" : ""}`)).toEqual(["orders-7c9d8b6f5-x2x9q/orders (previous)"]);
    expect(result.stats).toEqual({ pods: 5, failingPods: 3, logs: 1 });

    expect(view.kind("Service").map((service) => service.metadata.name).sort()).toEqual(["catalog", "frontend", "orders", "payments"]);
    expect(view.kind("NetworkPolicy").map((policy) => policy.metadata.name)).toEqual(["frontend-ingress"]);
    expect(view.kind("Node")[0]!.status.conditions.find((condition: { type: string }) => condition.type === "Ready").status).toBe("True");
    expect(view.get("Namespace", undefined, "shop")?.metadata.labels?.["kubernetes.io/metadata.name"]).toBe("shop");
  });

  it("reads the Istio configuration and the sidecar's log of a namespace in the mesh", async () => {
    const { view, result } = await live({ namespace: "storefront" });
    expect(view.inputs.problems).toEqual([]);
    expect(result.stats).toEqual({ pods: 1, failingPods: 1, logs: 1 });
    const proxyLog = view.logsFor("storefront", scenario.pods.cart!.name, "istio-proxy");
    expect(proxyLog.map((stream) => stream.previous)).toEqual([false]);
    expect(proxyLog[0]!.lines.some((line) => line.includes("dial tcp 10.96.0.10:15012: i/o timeout"))).toBe(true);
    expect(view.kind("VirtualService").map((vs) => `${vs.apiVersion} ${vs.metadata.namespace}/${vs.metadata.name}`)).toEqual(["networking.istio.io/v1 storefront/cart"]);
    expect(view.kind("DestinationRule")).toHaveLength(1);
    expect(view.get("Namespace", undefined, "storefront")?.metadata.labels?.["istio-injection"]).toBe("enabled");
  });

  it("keeps Secret names and keys and never a value", async () => {
    const { view } = await live({ namespace: "shop" });
    const secret = view.get("Secret", "shop", "payments-db")!;
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(["password", "username"]);
    expect(Object.values(secret.data ?? {})).toEqual(["", ""]);
    expect(view.get("Secret", "shop", "sh.helm.release.v1.shop.v3")).toBeUndefined(); // Helm release Secrets are never read
    const everything = JSON.stringify(view.objects.map((loaded) => loaded.object)) + JSON.stringify(view.logs) + JSON.stringify(view.events);
    expect(everything).not.toContain(SECRET_VALUE);
    expect(everything).not.toContain(Buffer.from(SECRET_VALUE).toString("base64"));
  });

  it("reads every namespace with -A and only the selected pods with -l", async () => {
    const all = await live({ allNamespaces: true });
    expect(all.view.kind("Pod").map((pod) => pod.metadata.namespace).filter((ns, index, list) => list.indexOf(ns) === index).sort()).toEqual(["billing", "shop", "storefront"]);
    expect(all.view.logsFor("billing", scenario.pods.invoices!.name, "invoices")[0]!.lines).toContain("Error: connect ECONNREFUSED 127.0.0.1:6379");
    const selected = await live({ namespace: "shop", selector: "app in (orders,catalog)" });
    expect(selected.view.kind("Pod").map((pod) => pod.metadata.name).sort()).toEqual([scenario.pods.catalog!.name, scenario.pods.orders!.name]);
  });

  it("says so when the namespace does not exist", async () => {
    const { view } = await live({ namespace: "shpo" });
    expect(view.kind("Pod")).toEqual([]);
    expect(view.inputs.problems.map((problem) => problem.message)).toEqual(['namespace "shpo" does not exist (kubectl get namespaces lists them); did you mean shop?']);
  });

  it("takes the namespace from the kubeconfig context when -n is not given", async () => {
    const kubeconfig = plane.writeKubeconfig("admin-billing", (plane as unknown as { token: string }).token, "billing");
    const { result, view } = await live({ kubeconfig });
    expect(result.namespace).toBe("billing");
    expect(view.kind("Pod").map((pod) => pod.metadata.name)).toEqual([scenario.pods.invoices!.name]);
  });

  it("authenticates through a kubeconfig exec plugin (the @kubernetes/client-node path)", async () => {
    const token = (plane as unknown as { token: string }).token;
    const credential = JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token } });
    const admin = readFileSync(plane.kubeconfig, "utf8");
    const kubeconfig = join(work, "exec.kubeconfig");
    writeFileSync(
      kubeconfig,
      admin.replace(
        /    token: .*\n/,
        `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${JSON.stringify(process.execPath)}\n      args: ["-e", ${JSON.stringify(`console.log(${JSON.stringify(credential)})`)}]\n      interactiveMode: Never\n`,
      ),
    );
    expect(readFileSync(kubeconfig, "utf8")).toContain("exec:");
    const { view } = await live({ kubeconfig, namespace: "billing" });
    expect(view.inputs.problems).toEqual([]);
    expect(view.kind("Pod").map((pod) => pod.metadata.name)).toEqual([scenario.pods.invoices!.name]);
  });

  it("reads a missing CRD group as absent, not as an error", async () => {
    // The scenario installs networking.istio.io only: security.istio.io is not served.
    const discovery = await plane.request("GET", "/apis/security.istio.io/v1");
    expect(discovery.status).toBe(404);
    const { view } = await live({ namespace: "storefront" });
    expect(view.inputs.problems).toEqual([]);
    expect(view.kind("PeerAuthentication")).toEqual([]);
    expect(view.kind("VirtualService")).toHaveLength(1);
  });
});

describe("`ktriage pod NAME`", () => {
  it("reads one pod in depth in a bounded number of requests", async () => {
    const { view, result } = await live({ namespace: "shop", pod: scenario.pods.orders!.name });
    // pod, namespace, discovery, events, ReplicaSet, Deployment, previous log, Services, NetworkPolicies, node
    expect(result.requests).toBeLessThanOrEqual(15);
    expect(view.ownerChain(view.get("Pod", "shop", scenario.pods.orders!.name)!).map((owner) => owner.kind)).toEqual(["ReplicaSet", "Deployment"]);
    expect(view.logsFor("shop", scenario.pods.orders!.name, "orders")[0]!.previous).toBe(true);
    expect(view.eventsFor("Pod", "shop", scenario.pods.orders!.name).map((event) => event.reason).sort()).toEqual(["BackOff", "Created", "Pulled", "Started"]);
    expect(view.kind("Node")).toHaveLength(1);
    expect(view.kind("Pod")).toHaveLength(1);
  });

  it("reads the Secret a pod references (keys only) and Istio config for a pod in the mesh", async () => {
    const payments = await live({ namespace: "shop", pod: scenario.pods.payments!.name });
    expect(Object.keys(payments.view.get("Secret", "shop", "payments-db")!.data ?? {}).sort()).toEqual(["password", "username"]);
    expect(JSON.stringify(payments.view.objects.map((loaded) => loaded.object))).not.toContain(Buffer.from(SECRET_VALUE).toString("base64"));
    expect(payments.view.kind("VirtualService")).toEqual([]); // Istio configuration is read for pods with a sidecar only
    const cart = await live({ namespace: "storefront", pod: scenario.pods.cart!.name });
    expect(cart.view.kind("VirtualService").map((vs) => vs.metadata.name)).toEqual(["cart"]);
    expect(cart.view.logsFor("storefront", scenario.pods.cart!.name, "istio-proxy")).toHaveLength(1);
  });

  it("says the pod is gone (404) in one line", async () => {
    await expect(live({ namespace: "shop", pod: "orders-7c9d8b6f5-gone1" })).rejects.toThrow(LiveUnavailableError);
    await expect(live({ namespace: "shop", pod: "orders-7c9d8b6f5-gone1" })).rejects.toThrow(/pod "orders-7c9d8b6f5-gone1" not found in namespace "shop"/);
  });
});

describe("live findings equal offline findings", () => {
  it("library: live and the snapshot written from the same reads give identical findings", async () => {
    const recorder = new SnapshotRecorder();
    const builder = new ViewBuilder();
    const capturedAt = new Date();
    const result = await gatherLive(builder, { kubeconfig: plane.kubeconfig, allNamespaces: true, sink: recorder });
    const liveView = builder.build({ mode: "live", now: capturedAt });
    const dir = join(work, "library-snapshot");
    recorder.write(dir, { capturedAt: capturedAt.toISOString(), context: result.context, namespaces: "all", tool: "test" });

    const liveFindings = findingsOf(liveView);
    expect(liveFindings.length).toBeGreaterThan(0);
    const snapshotView = offlineView(dir);
    expect(snapshotView.inputs.problems).toEqual([]);
    expect(snapshotView.kind("Pod")).toHaveLength(liveView.kind("Pod").length);
    expect(snapshotView.events).toHaveLength(liveView.events.length);
    const logsOf = (view: ClusterView) =>
      view.logs.map((stream) => ({ at: `${stream.namespace}/${stream.pod}/${stream.container}/${stream.previous}`, lines: stream.lines })).sort((a, b) => a.at.localeCompare(b.at));
    expect(logsOf(snapshotView)).toEqual(logsOf(liveView));
    expect(comparable(findingsOf(snapshotView))).toEqual(comparable(liveFindings));
    expect(readFileSync(join(dir, "namespaces", "shop", "secrets.json"), "utf8")).not.toContain(Buffer.from(SECRET_VALUE).toString("base64"));
  });

  it("library: the failing pods get findings about them, healthy pods none", async () => {
    const { view } = await live({ allNamespaces: true });
    const findings = findingsOf(view);
    const about = (name: string) => findings.filter((finding) => finding.resource.name === name || finding.resource.name.startsWith(name.replace(/-[a-z0-9]{5}$/, "")));
    for (const pod of [scenario.pods.orders!, scenario.pods.catalog!, scenario.pods.payments!, scenario.pods.cart!]) {
      expect(about(pod.name).length, `findings about ${pod.name}`).toBeGreaterThan(0);
    }
    expect(findings.filter((finding) => finding.resource.name.startsWith("frontend-6b5d4c3f2a-"))).toEqual([]);
  });

  it("CLI: `ktriage scan` live and `ktriage snapshot` + `scan --snapshot` print the same findings", () => {
    const dir = join(work, "cli-snapshot");
    const snapshot = runCli(["snapshot", "-o", dir, "-A", "--kubeconfig", plane.kubeconfig]);
    expect(snapshot.stderr).toMatch(/wrote .*cli-snapshot: \d+ objects, 3 logs/);
    expect(snapshot.status).toBe(0);
    expect(existsSync(join(dir, "ktriage-snapshot.json"))).toBe(true);
    expect(readdirSync(join(dir, "logs")).sort()).toEqual(["billing", "shop", "storefront"]);
    expect(readdirSync(join(dir, "logs", "storefront", scenario.pods.cart!.name))).toEqual(["istio-proxy.log"]);
    expect(readFileSync(join(dir, "logs", "shop", scenario.pods.orders!.name, "orders.previous.log"), "utf8")).toContain("building monthly report for 48211 orders");

    const liveRun = runCli(["scan", "-A", "-o", "json", "--fail-on", "none", "--kubeconfig", plane.kubeconfig]);
    const offlineRun = runCli(["scan", "--snapshot", dir, "-A", "-o", "json", "--fail-on", "none"]);
    expect(liveRun.stderr).not.toMatch(STACK_TRACE);
    expect(liveRun.status).toBe(0);
    expect(offlineRun.status).toBe(0);
    const liveReport = JSON.parse(liveRun.stdout);
    const offlineReport = JSON.parse(offlineRun.stdout);
    expect(liveReport.findings.length).toBeGreaterThan(0);
    // Two commands run one after the other: durations measured from "now" may differ, nothing else.
    expect(comparable(offlineReport.findings, { atDifferentTimes: true })).toEqual(comparable(liveReport.findings, { atDifferentTimes: true }));
  });

  it("CLI: `ktriage pod NAME` live prints the findings about that pod", () => {
    const run = runCli(["pod", scenario.pods.payments!.name, "-n", "shop", "-o", "json", "--fail-on", "none", "--kubeconfig", plane.kubeconfig]);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((finding: { resource: { name: string } }) => finding.resource.name.startsWith("payments"))).toBe(true);
    expect(run.stdout).not.toContain(Buffer.from(SECRET_VALUE).toString("base64"));
    expect(run.stdout).not.toContain(SECRET_VALUE);
  });

  it("CLI: a pod that is gone, a bad context and an unreachable server each give one line and exit 2", async () => {
    const gone = runCli(["pod", "orders-7c9d8b6f5-gone1", "-n", "shop", "--kubeconfig", plane.kubeconfig]);
    expect(gone.status).toBe(2);
    expect(gone.stderr).toMatch(/not found in namespace "shop"/);
    expect(gone.stderr).not.toMatch(STACK_TRACE);
    const context = runCli(["scan", "--context", "nope", "--kubeconfig", plane.kubeconfig]);
    expect(context.status).toBe(2);
    expect(context.stderr).toMatch(/context "nope" is not in/);
    const badToken = plane.writeKubeconfig("bad-token", "not-a-valid-token", "shop");
    const rejected = runCli(["scan", "--kubeconfig", badToken]);
    expect(rejected.status).toBe(2);
    expect(rejected.stderr).toMatch(/rejected the credentials of context ktriage-test \(401 Unauthorized\)/);
    expect(rejected.stderr.trim().split("\n")).toHaveLength(1);
    const missing = runCli(["scan", "--kubeconfig", join(work, "no-such-kubeconfig")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no-such-kubeconfig: no such file/);
  });
});

describe("permissions", () => {
  async function serviceAccountToken(namespace: string, name: string): Promise<string> {
    const response = await plane.request("POST", `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { expirationSeconds: 3600 },
    });
    expect(response.status).toBe(201);
    return response.body.status.token;
  }

  beforeAll(async () => {
    // deploy/rbac.yaml as shipped, applied object by object.
    const documents = parseAllDocuments(readFileSync(join(repoRoot, "deploy", "rbac.yaml"), "utf8")).map((doc) => doc.toJSON());
    const paths: Record<string, string> = {
      Namespace: "/api/v1/namespaces",
      ServiceAccount: "/api/v1/namespaces/ktriage/serviceaccounts",
      ClusterRole: "/apis/rbac.authorization.k8s.io/v1/clusterroles",
      ClusterRoleBinding: "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
    };
    for (const document of documents) {
      const response = await plane.request("POST", paths[document.kind]!, document);
      expect(response.status, `${document.kind} ${document.metadata.name}: ${JSON.stringify(response.body).slice(0, 200)}`).toBe(201);
    }
    // A namespace-only identity: the namespaced role bound in shop.
    await plane.request("POST", "/api/v1/namespaces/ktriage/serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "shop-reader" } });
    await plane.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "ktriage-shop-reader" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "ktriage-namespace" },
      subjects: [{ kind: "ServiceAccount", name: "shop-reader", namespace: "ktriage" }],
    });
    // An identity that may read pods and events but not logs or Secrets.
    await plane.request("POST", "/api/v1/namespaces/ktriage/serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "pods-only" } });
    await plane.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "pods-only" },
      rules: [{ apiGroups: [""], resources: ["pods", "events"], verbs: ["get", "list"] }],
    });
    await plane.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "pods-only" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pods-only" },
      subjects: [{ kind: "ServiceAccount", name: "pods-only", namespace: "ktriage" }],
    });
  });

  it("the shipped ClusterRole is enough: nothing is missing and findings equal the admin's", async () => {
    const kubeconfig = plane.writeKubeconfig("ktriage-sa", await serviceAccountToken("ktriage", "ktriage"), "shop");
    const restricted = await live({ kubeconfig });
    expect(restricted.view.inputs.missing).toEqual([]);
    expect(restricted.view.inputs.problems).toEqual([]);
    const admin = await live({ namespace: "shop" });
    expect(comparable(findingsOf(restricted.view), { atDifferentTimes: true })).toEqual(comparable(findingsOf(admin.view), { atDifferentTimes: true }));
    const pod = await live({ kubeconfig, namespace: "storefront", pod: scenario.pods.cart!.name });
    expect(pod.view.inputs.missing).toEqual([]);
  });

  it("the namespaced role: cluster-scoped evidence is reported missing with the permission, the rest still read", async () => {
    const kubeconfig = plane.writeKubeconfig("shop-reader", await serviceAccountToken("ktriage", "shop-reader"), "shop");
    const { view } = await live({ kubeconfig });
    const permissions = view.inputs.missing.map((missing) => missing.permission).sort();
    expect(permissions).toEqual([
      "get configmaps in namespace istio-system",
      "get namespaces (cluster-wide)",
      "list destinationrules.networking.istio.io in namespace istio-system",
      "list envoyfilters.networking.istio.io in namespace istio-system",
      "list gateways.networking.istio.io in namespace istio-system",
      "list mutatingwebhookconfigurations.admissionregistration.k8s.io (cluster-wide)",
      "list nodes (cluster-wide)",
      "list serviceentries.networking.istio.io in namespace istio-system",
      "list sidecars.networking.istio.io in namespace istio-system",
      "list virtualservices.networking.istio.io in namespace istio-system",
      "list workloadentries.networking.istio.io in namespace istio-system",
    ]);
    expect(view.inputs.missing.every((missing) => missing.status === 403 && missing.call.startsWith("GET /"))).toBe(true);
    expect(view.kind("Pod")).toHaveLength(5);
    expect(view.logs).toHaveLength(1);
    const admin = await live({ namespace: "shop" });
    // Same diagnoses; the evidence may be thinner (no node allocatable without `list nodes`).
    const podFindings = (findings: ReturnType<typeof findingsOf>) =>
      comparable(findings.filter((finding) => finding.resource.kind === "Pod"), { atDifferentTimes: true }).map(({ rule, category, resource }) => ({ rule, category, resource }));
    expect(podFindings(findingsOf(view))).toEqual(podFindings(findingsOf(admin.view)));
  });

  it("no pods/log and no Secrets: the report names each missing log and the permission, and still diagnoses", async () => {
    const kubeconfig = plane.writeKubeconfig("pods-only", await serviceAccountToken("ktriage", "pods-only"), "shop");
    const { view } = await live({ kubeconfig });
    expect(view.kind("Pod")).toHaveLength(5);
    expect(view.events.length).toBeGreaterThan(0);
    const logMissing = view.inputs.missing.filter((missing) => missing.permission === "get pods/log in namespace shop");
    expect(logMissing.map((missing) => missing.what)).toEqual([`previous log of container orders in pod shop/${scenario.pods.orders!.name}`]);
    expect(view.inputs.missing.map((missing) => missing.permission)).toContain("list secrets in namespace shop");
    expect(findingsOf(view).some((finding) => finding.resource.name === scenario.pods.catalog!.name)).toBe(true);

    const run = runCli(["scan", "-o", "json", "--fail-on", "none", "--kubeconfig", kubeconfig]);
    expect(run.status).toBe(0);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    const report = JSON.parse(run.stdout);
    expect(report.inputs.missing.some((missing: { permission: string }) => missing.permission === "get pods/log in namespace shop")).toBe(true);
  });
});

describe("faults", () => {
  const target = () => ({ server: plane.server, token: (plane as unknown as { token: string }).token, ca: (plane as unknown as { ca: string }).ca, dir: plane.dir });

  it("retries 429 (Retry-After) and 503, re-lists after 410 Expired, and ends with the same view", async () => {
    const expired = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.", reason: "Expired", code: 410 };
    const proxy = await startFaultProxy(target(), [
      { match: (url) => url.startsWith("/api/v1/namespaces/shop/pods?") && !url.includes("continue="), times: 1, status: 429, headers: { "Retry-After": "1" }, body: { kind: "Status", apiVersion: "v1", status: "Failure", message: "Too many requests, please try again later.", reason: "TooManyRequests", code: 429 } },
      { match: (url) => url.startsWith("/api/v1/namespaces/shop/events"), times: 2, status: 503, body: { kind: "Status", apiVersion: "v1", status: "Failure", message: "the server is currently unable to handle the request", reason: "ServiceUnavailable", code: 503 } },
      { match: (url) => url.startsWith("/api/v1/namespaces/shop/pods?") && url.includes("continue="), times: 1, status: 410, body: expired },
    ]);
    try {
      const { view, result } = await live({ kubeconfig: proxy.kubeconfig, pageSize: 2 });
      expect(proxy.faults.map((fault) => fault.times)).toEqual([0, 0, 0]);
      expect(view.inputs.problems).toEqual([]);
      expect(view.kind("Pod")).toHaveLength(5);
      expect(new Set(view.kind("Pod").map((pod) => pod.metadata.name)).size).toBe(5);
      expect(view.eventsFor("Pod", "shop", scenario.pods.orders!.name).length).toBe(4);
      const podPages = proxy.seen.filter((url) => url.startsWith("/api/v1/namespaces/shop/pods?"));
      // 429, then a first page, the 410 on the second, then the whole list again (3 pages of 2)
      expect(podPages.length).toBe(1 + 1 + 1 + 3);
      expect(result.requests).toBe(proxy.seen.length);
      const admin = await live({ namespace: "shop" });
      expect(comparable(findingsOf(view), { atDifferentTimes: true })).toEqual(comparable(findingsOf(admin.view), { atDifferentTimes: true }));
    } finally {
      await proxy.close();
    }
  });

  it("a 404 on a log (the pod went away between the list and the log) is a problem line, not a failure", async () => {
    const proxy = await startFaultProxy(target(), [
      { match: (url) => url.includes("/log?"), times: 10, status: 404, body: { kind: "Status", apiVersion: "v1", status: "Failure", message: `pods "${scenario.pods.orders!.name}" not found`, reason: "NotFound", code: 404 } },
    ]);
    try {
      const { view } = await live({ kubeconfig: proxy.kubeconfig });
      expect(view.logs).toEqual([]);
      expect(view.inputs.problems.map((problem) => problem.message)).toContain(`pod shop/${scenario.pods.orders!.name} is gone (404): its previous log of orders could not be read`);
      expect(view.kind("Pod")).toHaveLength(5);
    } finally {
      await proxy.close();
    }
  });

  it("--timeout bounds a run against a server that never answers", async () => {
    const hole = await startBlackHole(work);
    try {
      await expect(live({ kubeconfig: hole.kubeconfig, timeoutMs: 1500 })).rejects.toThrow(/no answer within|--timeout ran out/);
      const run = runCli(["scan", "--timeout", "2", "--kubeconfig", hole.kubeconfig]);
      expect(run.status).toBe(2);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).not.toMatch(STACK_TRACE);
    } finally {
      await hole.close();
    }
  });

  it("a slow answer past --timeout still reports what was read", async () => {
    const proxy = await startFaultProxy(target(), [{ match: (url) => url.includes("/log?"), times: 10, delayMs: 5000, status: 200, body: "late" }]);
    try {
      const { view, result } = await live({ kubeconfig: proxy.kubeconfig, timeoutMs: 1500 });
      expect(result.timedOut).toBe(true);
      expect(view.kind("Pod")).toHaveLength(5);
      expect(view.inputs.problems.some((problem) => /--timeout of 1\.5 s reached/.test(problem.message))).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it("a server that goes away mid-scan: what was read is kept, the rest is one problem per call, nothing hangs", async () => {
    const proxy = await startFaultProxy(target(), [{ match: (url) => url.includes("/log?"), times: 1, goAway: true }]);
    try {
      const { view } = await live({ kubeconfig: proxy.kubeconfig });
      expect(view.kind("Pod")).toHaveLength(5);
      expect(view.inputs.problems.length).toBeGreaterThan(0);
      expect(view.inputs.problems.every((problem) => /stopped answering|connection refused|closed the connection|socket hang up/.test(problem.message))).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it("the real API server stopping during a scan ends the run with a clear message", async () => {
    let stopping: Promise<void> | undefined;
    const run = live({
      allNamespaces: true,
      limits: { qps: 5, burst: 1 },
      progress: (message) => {
        if (!stopping && message.startsWith("listing pods")) stopping = plane.stopApiServer();
      },
    });
    const outcome = await run.then(
      ({ view }) => ({ problems: view.inputs.problems.map((problem) => problem.message), error: undefined as unknown }),
      (error: unknown) => ({ problems: [] as string[], error }),
    );
    await stopping;
    if (outcome.error) {
      expect(outcome.error).toBeInstanceOf(LiveUnavailableError);
      expect(String((outcome.error as Error).message)).toMatch(/connection refused|stopped answering|closed the connection/);
    } else {
      expect(outcome.problems.some((message) => /connection refused|stopped answering|closed the connection/.test(message))).toBe(true);
    }
    await plane.startApiServer();
  });
});

it("the built CLI exists where package.json says", () => {
  expect(JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).bin.ktriage).toBe("dist/cli.js");
  expect(existsSync(cliPath)).toBe(true);
});
