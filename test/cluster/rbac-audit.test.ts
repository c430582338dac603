// deploy/rbac.yaml against the requests ktriage really makes: a real kube-apiserver with its audit
// log on (--audit-policy-file, --audit-log-path), every live command run as the ServiceAccount bound
// only to the shipped ClusterRole, then every request of that identity read back from the audit log.
// Each must have been allowed, each must be a get or list, and every grant of the role must have been
// used by some command (a grant nothing uses is privilege to remove).
// https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane } from "../../scripts/control-plane/cluster.mjs";
import { create, createPod } from "../../scripts/control-plane/fixtures.mjs";
import { createScenario, type Plane, type Scenario } from "./scenario.js";
import { cliPath, ensureBuiltCli, repoRoot, STACK_TRACE, type CliRun } from "./support.js";

const SERVICE_ACCOUNT = "system:serviceaccount:ktriage:ktriage";
const work = mkdtempSync(join(tmpdir(), "ktriage-rbac-audit-"));
const auditLog = join(work, "audit.log");
const policy = join(work, "audit-policy.yaml");
writeFileSync(policy, "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n");

let plane: Plane;
let scenario: Scenario;
let kubeconfig: string;

interface Rule { apiGroups: string[]; resources: string[]; verbs: string[] }
const documents = parseAllDocuments(readFileSync(join(repoRoot, "deploy/rbac.yaml"), "utf8")).map((doc) => doc.toJS() as Record<string, any>);
const grantsOf = (role: string) =>
  (documents.find((doc) => doc.kind === "ClusterRole" && doc.metadata.name === role)!.rules as Rule[]).flatMap((rule) =>
    rule.apiGroups.flatMap((group) => rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${verb} ${resource}${group ? `.${group}` : ""}`))),
  );
const granted = grantsOf("ktriage-read");
const NAMESPACED_ACCOUNT = "system:serviceaccount:ktriage:ktriage-shop";

function runCli(args: string[], config = kubeconfig): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args, "--kubeconfig", config], { cwd: repoRoot, env: { ...process.env, NO_COLOR: "1", KUBECONFIG: "" } });
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

/** Owners the scenario has no pod of (StatefulSet, DaemonSet, CronJob -> Job) and a pod with a claim, so `pod` walks every owner kind. */
async function createOwnedPods(): Promise<string[]> {
  const container = { name: "app", image: "registry.example.com/app:1.0" };
  const template = { metadata: { labels: { app: "owned" } }, spec: { containers: [container] } };
  const selector = { matchLabels: { app: "owned" } };
  const statefulSet = await create(plane, "/apis/apps/v1/namespaces/shop/statefulsets", { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "ledger" }, spec: { serviceName: "ledger", selector, template } });
  const daemonSet = await create(plane, "/apis/apps/v1/namespaces/shop/daemonsets", { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "node-agent" }, spec: { selector, template } });
  const cronJob = await create(plane, "/apis/batch/v1/namespaces/shop/cronjobs", { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "nightly" }, spec: { schedule: "0 2 * * *", jobTemplate: { spec: { template: { spec: { containers: [container], restartPolicy: "Never" } } } } } });
  const job = await create(plane, "/apis/batch/v1/namespaces/shop/jobs", {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "nightly-29400000", ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: "nightly", uid: cronJob.metadata.uid, controller: true }] },
    spec: { template: { spec: { containers: [container], restartPolicy: "Never" } } },
  });
  await create(plane, "/api/v1/namespaces/shop/persistentvolumeclaims", { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data-ledger-0" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } });
  const claimVolume = { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data-ledger-0" } }], containers: [{ ...container, volumeMounts: [{ name: "data", mountPath: "/data" }] }] };
  await createPod(plane, "shop", "ledger-0", { spec: claimVolume, labels: { app: "owned" }, owner: statefulSet });
  await createPod(plane, "shop", "node-agent-x7k2p", { spec: { containers: [container] }, labels: { app: "owned" }, owner: daemonSet });
  await createPod(plane, "shop", "nightly-29400000-q8w4z", { spec: { containers: [container], restartPolicy: "Never" }, labels: { app: "owned" }, owner: job });
  return ["ledger-0", "node-agent-x7k2p", "nightly-29400000-q8w4z"];
}

interface AuditEvent {
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string };
  objectRef?: { resource?: string; subresource?: string; apiGroup?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
  annotations?: Record<string, string>;
}

function auditEvents(username = SERVICE_ACCOUNT): AuditEvent[] {
  return readFileSync(auditLog, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as AuditEvent)
    .filter((event) => event.user?.username === username && event.stage === "ResponseComplete");
}

const asPermission = (event: AuditEvent) => {
  const ref = event.objectRef!;
  return `${event.verb} ${ref.resource}${ref.subresource ? `/${ref.subresource}` : ""}${ref.apiGroup ? `.${ref.apiGroup}` : ""}`;
};

beforeAll(async () => {
  plane = (await startControlPlane({ apiServerArgs: [`--audit-policy-file=${policy}`, `--audit-log-path=${auditLog}`, "--audit-log-format=json", "--audit-log-mode=blocking"] })) as Plane;
  scenario = await createScenario(plane, { istioGroups: ["networking.istio.io", "security.istio.io"] });
  for (const document of parseAllDocuments(readFileSync(join(repoRoot, "deploy", "rbac.yaml"), "utf8")).map((doc) => doc.toJSON())) {
    const paths: Record<string, string> = {
      Namespace: "/api/v1/namespaces",
      ServiceAccount: "/api/v1/namespaces/ktriage/serviceaccounts",
      ClusterRole: "/apis/rbac.authorization.k8s.io/v1/clusterroles",
      ClusterRoleBinding: "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
    };
    const response = await plane.request("POST", paths[document.kind]!, document);
    expect(response.status, `${document.kind} ${document.metadata.name}`).toBe(201);
  }
  const token = await plane.request("POST", "/api/v1/namespaces/ktriage/serviceaccounts/ktriage/token", { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } });
  kubeconfig = plane.writeKubeconfig("ktriage-sa", token.body.status.token, "shop");
  ensureBuiltCli();
}, 1_800_000);

afterAll(async () => {
  await plane?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("deploy/rbac.yaml against the audit log of a real API server", () => {
  it("every request of every live command is allowed, is a get or list, and every grant is used", async () => {
    const ownedPods = await createOwnedPods();
    const runs: Array<{ args: string[]; run: CliRun }> = [];
    const commands = [
      ["scan", "--fail-on", "none"],
      ["scan", "-A", "--fail-on", "none"],
      ["pod", scenario.pods.orders!.name, "-n", "shop", "--fail-on", "none"],
      ["pod", scenario.pods.payments!.name, "-n", "shop", "--fail-on", "none"],
      ["pod", scenario.pods.cart!.name, "-n", "storefront", "--fail-on", "none"],
      ...ownedPods.map((pod) => ["pod", pod, "-n", "shop", "--fail-on", "none"]),
      ["snapshot", "-A", "--output-dir", join(work, "snapshot")],
      ["lint", join(repoRoot, "examples/manifests/broken"), "--against-cluster", "--fail-on", "none"],
      ["mesh", "readiness", "-A", "--fail-on", "none"],
      ["envoy", "config", "clusters", "--pod", scenario.pods.cart!.name, "-n", "storefront"],
      ["envoy", "trace", "--pod", scenario.pods.cart!.name, "-n", "storefront", "--url", "http://cart.storefront.svc.cluster.local/"],
      ["envoy", "logs", "--pod", scenario.pods.cart!.name, "-n", "storefront", "--fail-on", "none"],
      ["envoy", "status"],
      ["__complete", "namespace", "--"],
      ["__complete", "pod", "--", "-n", "shop"],
    ];
    for (const args of commands) runs.push({ args, run: await runCli(args) });
    const events = auditEvents();
    expect(events.length).toBeGreaterThan(50);
    // The authorizer's decision (a 403 from behind the pod proxy is the pod's answer, not RBAC's: kwok runs no Envoy).
    const denied = events.filter((event) => event.annotations?.["authorization.k8s.io/decision"] !== "allow");
    expect(denied.map((event) => `${event.verb} ${event.requestURI}`)).toEqual([]);
    const resourceRequests = events.filter((event) => event.objectRef?.resource);
    // What is not a resource request is API discovery, which every authenticated identity may read.
    expect(events.filter((event) => !event.objectRef?.resource).map((event) => event.requestURI.replace(/\?.*$/, "")).filter((uri) => !/^\/(api|apis)(\/[^/]+(\/[^/]+)?)?$|^\/version$/.test(uri))).toEqual([]);
    expect([...new Set(resourceRequests.map((event) => event.verb))].sort()).toEqual(["get", "list"]);
    const used = new Set(resourceRequests.map(asPermission));
    expect([...used].filter((permission) => !granted.includes(permission)).sort()).toEqual([]);
    expect(granted.filter((permission) => !used.has(permission)).sort()).toEqual([]);
    for (const { args, run } of runs) {
      expect(run.stderr, args.join(" ")).not.toMatch(STACK_TRACE);
      expect(run.stderr, args.join(" ")).not.toMatch(/missing evidence|needs (get|list) /i);
    }
    // The live reads that succeed as the restricted identity (the Envoy admin reads reach no real Envoy here: kwok runs no containers).
    for (const { args, run } of runs.filter(({ args }) => args[0] !== "envoy")) expect(run.status, `${args.join(" ")}: ${run.stderr}`).toBe(0);
    expect(runs.find(({ args }) => args[0] === "__complete" && args[1] === "pod")!.run.stdout).toContain(scenario.pods.orders!.name);

  });

  it("the namespaced role: in its namespace every read is allowed; what it may not read is named, never a failure", async () => {
    const account = await plane.request("POST", "/api/v1/namespaces/ktriage/serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "ktriage-shop" } });
    expect(account.status, account.text).toBe(201);
    const binding = await plane.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "ktriage" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "ktriage-namespace" },
      subjects: [{ kind: "ServiceAccount", name: "ktriage-shop", namespace: "ktriage" }],
    });
    expect(binding.status, binding.text).toBe(201);
    const token = await plane.request("POST", "/api/v1/namespaces/ktriage/serviceaccounts/ktriage-shop/token", { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } });
    const config = plane.writeKubeconfig("ktriage-shop", token.body.status.token, "shop");
    const commands = [
      ["scan", "-n", "shop", "--fail-on", "none"],
      ["pod", scenario.pods.orders!.name, "-n", "shop", "--fail-on", "none"],
      ["pod", scenario.pods.payments!.name, "-n", "shop", "--fail-on", "none"],
    ];
    const runs: Array<{ args: string[]; run: CliRun }> = [];
    for (const args of commands) runs.push({ args, run: await runCli(args, config) });
    const events = auditEvents(NAMESPACED_ACCOUNT).filter((event) => event.objectRef?.resource);
    expect(events.length).toBeGreaterThan(10);
    const allowed = (event: AuditEvent) => event.annotations?.["authorization.k8s.io/decision"] === "allow";
    // Inside shop nothing is refused; what is refused lies outside it (cluster-scoped kinds such as the Namespace object itself, istio-system).
    const inShop = (event: AuditEvent) => event.objectRef!.namespace === "shop" && event.objectRef!.resource !== "namespaces";
    expect(events.filter((event) => !allowed(event) && inShop(event)).map((event) => `${event.verb} ${event.requestURI}`)).toEqual([]);
    expect(events.some((event) => !allowed(event) && !inShop(event))).toBe(true);
    expect([...new Set(events.map((event) => event.verb))].sort()).toEqual(["get", "list"]);
    const namespacedGrants = grantsOf("ktriage-namespace");
    expect([...new Set(events.filter(allowed).map(asPermission))].filter((permission) => !namespacedGrants.includes(permission)).sort()).toEqual([]);
    for (const { args, run } of runs) {
      expect(run.status, `${args.join(" ")}: ${run.stderr}`).toBe(0);
      expect(run.stderr, args.join(" ")).not.toMatch(STACK_TRACE);
    }
    // The reads the role does not grant are named for the user, with the permission that would allow them.
    expect(runs[0]!.run.stdout + runs[0]!.run.stderr).toMatch(/missing evidence|not allowed|forbidden|needs (get|list) /i);
    expect(runs[1]!.run.stdout).toContain(scenario.pods.orders!.name);
  });
});
