// The parts of live mode that need no API server: which pods count as failing
// and which logs are worth a request, Secret values dropped at parse time,
// kubeconfig resolution, and the snapshot layout written back and read again.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/model/kube.js";
import { loadPaths } from "../../src/sources/files.js";
import { secretValueDropper } from "../../src/sources/live/gatherer.js";
import { resolveKubeConfig } from "../../src/sources/live/kubeconfig.js";
import { isFailing, logsToRead, referencedObjects } from "../../src/sources/live/pod-health.js";
import { PODS, SECRETS, EVENTS, NODES, permissionFor, collectionPath } from "../../src/sources/live/resources.js";
import { SnapshotRecorder } from "../../src/sources/snapshot-writer.js";
import { ViewBuilder } from "../../src/view/builder.js";

const work = mkdtempSync(join(tmpdir(), "ktriage-live-unit-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function pod(status: object, spec: object = { containers: [{ name: "app", image: "registry.example.com/app:1.0" }] }): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "app-7d9f8c6b5-x2x4q", namespace: "shop" }, spec, status };
}

const running = { running: { startedAt: "2025-06-02T09:14:03Z" } };

describe("which pods are failing, and which logs are read", () => {
  it("a healthy Running pod and a completed Job pod cost nothing", () => {
    const healthy = pod({ phase: "Running", conditions: [{ type: "Ready", status: "True" }], containerStatuses: [{ name: "app", ready: true, restartCount: 0, state: running }] });
    expect(isFailing(healthy)).toBe(false);
    const completed = pod({ phase: "Succeeded", containerStatuses: [{ name: "app", ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed" } } }] });
    expect(isFailing(completed)).toBe(false);
  });

  it("CrashLoopBackOff after OOMKilled: the previous log only (the container is waiting, it has no current log)", () => {
    const crashing = pod({
      phase: "Running",
      containerStatuses: [
        {
          name: "app",
          ready: false,
          restartCount: 5,
          state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 2m40s restarting failed container=app pod=app-7d9f8c6b5-x2x4q_shop(2b6f0c1e-8a41-4d0e-9c55-3f1d2a7b9e10)" } },
          lastState: { terminated: { exitCode: 137, reason: "OOMKilled" } },
        },
      ],
    });
    expect(isFailing(crashing)).toBe(true);
    expect(logsToRead(crashing)).toEqual([{ container: "app", previous: true }]);
  });

  it("ImagePullBackOff and CreateContainerConfigError: failing, but no log exists to read", () => {
    const pull = pod({ phase: "Pending", containerStatuses: [{ name: "app", ready: false, restartCount: 0, state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "registry.example.com/app:1.0"' } } }] });
    expect(isFailing(pull)).toBe(true);
    expect(logsToRead(pull)).toEqual([]);
    const config = pod({ phase: "Pending", containerStatuses: [{ name: "app", ready: false, restartCount: 0, state: { waiting: { reason: "CreateContainerConfigError", message: "couldn't find key passwrod in Secret shop/db" } } }] });
    expect(isFailing(config)).toBe(true);
    expect(logsToRead(config)).toEqual([]);
  });

  it("READY 1/2: the current log of the unready sidecar, nothing for the healthy app container", () => {
    const halfReady = pod(
      { phase: "Running", containerStatuses: [{ name: "app", ready: true, restartCount: 0, state: running }, { name: "istio-proxy", ready: false, restartCount: 0, state: running }] },
      { containers: [{ name: "app" }, { name: "istio-proxy" }] },
    );
    expect(isFailing(halfReady)).toBe(true);
    expect(logsToRead(halfReady)).toEqual([{ container: "istio-proxy", previous: false }]);
  });

  it("a failed init container: its current log; a completed one: nothing", () => {
    const init = pod(
      {
        phase: "Pending",
        initContainerStatuses: [
          { name: "wait-for-db", ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed" } } },
          { name: "migrate", ready: false, restartCount: 3, state: { terminated: { exitCode: 1, reason: "Error" } }, lastState: { terminated: { exitCode: 1, reason: "Error" } } },
        ],
        containerStatuses: [{ name: "app", ready: false, restartCount: 0, state: { waiting: { reason: "PodInitializing" } } }],
      },
      { initContainers: [{ name: "wait-for-db" }, { name: "migrate" }], containers: [{ name: "app" }] },
    );
    expect(isFailing(init)).toBe(true);
    expect(logsToRead(init)).toEqual([
      { container: "migrate", previous: true },
      { container: "migrate", previous: false },
    ]);
  });

  it("finds every Secret, ConfigMap and PVC a pod spec names", () => {
    const spec = {
      imagePullSecrets: [{ name: "registry-creds" }],
      volumes: [
        { name: "tls", secret: { secretName: "api-tls" } },
        { name: "cfg", configMap: { name: "api-config" } },
        { name: "data", persistentVolumeClaim: { claimName: "api-data" } },
        { name: "bundle", projected: { sources: [{ secret: { name: "bundle-secret" } }, { configMap: { name: "bundle-config" } }] } },
      ],
      containers: [
        {
          name: "api",
          env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }, { name: "MODE", valueFrom: { configMapKeyRef: { name: "flags", key: "mode" } } }],
          envFrom: [{ secretRef: { name: "api-env" } }, { configMapRef: { name: "api-env-config" } }],
        },
      ],
    };
    expect(referencedObjects(pod({}, spec))).toEqual({
      secrets: ["api-tls", "bundle-secret", "db", "api-env", "registry-creds"],
      configMaps: ["api-config", "bundle-config", "flags", "api-env-config"],
      claims: ["api-data"],
    });
  });
});

describe("Secret values", () => {
  it("are dropped while the API response is parsed, with the last-applied annotation that repeats them", () => {
    const body = JSON.stringify({
      kind: "SecretList",
      apiVersion: "v1",
      items: [
        {
          metadata: { name: "db", namespace: "shop", annotations: { "kubectl.kubernetes.io/last-applied-configuration": '{"data":{"password":"aHVudGVyMg=="}}', team: "payments" } },
          type: "Opaque",
          data: { password: "aHVudGVyMg==", username: "YXBw" },
        },
      ],
    });
    const parsed = JSON.parse(body, secretValueDropper);
    expect(parsed.items[0].data).toEqual({ password: "", username: "" });
    expect(parsed.items[0].metadata.annotations).toEqual({ team: "payments" });
    expect(JSON.stringify(parsed)).not.toContain("aHVudGVyMg==");
  });
});

describe("RBAC wording and API paths", () => {
  it("names the permission a call needs", () => {
    expect(permissionFor("get", PODS, "shop", "log")).toBe("get pods/log in namespace shop");
    expect(permissionFor("list", SECRETS, "shop")).toBe("list secrets in namespace shop");
    expect(permissionFor("list", NODES)).toBe("list nodes (cluster-wide)");
    expect(permissionFor("list", PODS)).toBe("list pods (cluster-wide)");
    expect(collectionPath(EVENTS, "shop")).toBe("/api/v1/namespaces/shop/events");
    expect(collectionPath({ kind: "VirtualService", group: "networking.istio.io", version: "v1", resource: "virtualservices", namespaced: true })).toBe("/apis/networking.istio.io/v1/virtualservices");
  });
});

describe("kubeconfig resolution", () => {
  const kubeconfig = (name: string, text: string) => {
    const file = join(work, name);
    writeFileSync(file, text);
    return file;
  };
  const base = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: certs/ca.crt
users:
- name: oncall
  user:
    token: abc.def
contexts:
- name: prod
  context: {cluster: prod, user: oncall, namespace: shop}
- name: prod-billing
  context: {cluster: prod, user: oncall, namespace: billing}
current-context: prod
`;

  it("takes the namespace from the context, --context switches it, relative files resolve against the kubeconfig's folder", async () => {
    mkdirSync(join(work, "certs"), { recursive: true });
    writeFileSync(join(work, "certs", "ca.crt"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    const file = kubeconfig("config", base);
    const resolved = await resolveKubeConfig({ kubeconfig: file });
    expect(resolved).toMatchObject({ context: "prod", namespace: "shop", server: "https://10.0.0.1:6443" });
    const credentials = await resolved.credentials();
    expect(credentials.headers.Authorization).toBe("Bearer abc.def");
    expect(String(credentials.ca)).toContain("BEGIN CERTIFICATE");
    expect((await resolveKubeConfig({ kubeconfig: file, context: "prod-billing" })).namespace).toBe("billing");
  });

  it("says which context is unknown and which ones exist", async () => {
    const file = kubeconfig("config-2", base);
    await expect(resolveKubeConfig({ kubeconfig: file, context: "staging" })).rejects.toThrow('context "staging" is not in ' + file + " (contexts: prod, prod-billing)");
    await expect(resolveKubeConfig({ kubeconfig: file, context: "prod-biling" })).rejects.toThrow('context "prod-biling" is not in ' + file + "; did you mean prod-billing, prod? (contexts: prod, prod-billing)");
  });

  it("names the file and line of a kubeconfig that is not YAML", async () => {
    const file = kubeconfig("broken", "apiVersion: v1\nclusters:\n- name: x\n  cluster: {server: https://x\n");
    await expect(resolveKubeConfig({ kubeconfig: file })).rejects.toThrow(new RegExp(`cannot read kubeconfig ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}(:\\d+)?: `));
  });

  it("merges $KUBECONFIG like kubectl: the first file to define a name or current-context wins", async () => {
    const first = kubeconfig("first", "apiVersion: v1\nkind: Config\ncurrent-context: a\ncontexts:\n- name: a\n  context: {cluster: one, user: u, namespace: first-ns}\n");
    const second = kubeconfig(
      "second",
      "apiVersion: v1\nkind: Config\ncurrent-context: b\nclusters:\n- name: one\n  cluster: {server: https://one.example:6443}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: a\n  context: {cluster: other, user: u, namespace: ignored}\n",
    );
    const previous = process.env.KUBECONFIG;
    process.env.KUBECONFIG = `${first}:${second}`;
    try {
      expect(await resolveKubeConfig({})).toMatchObject({ context: "a", namespace: "first-ns", server: "https://one.example:6443" });
    } finally {
      if (previous === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = previous;
    }
  });
});

describe("snapshot writer", () => {
  it("writes the layout --snapshot reads, with Secret keys only, and reads back to the same objects and logs", () => {
    const recorder = new SnapshotRecorder();
    recorder.object({ apiVersion: "v1", kind: "Pod", metadata: { name: "api-0", namespace: "shop", uid: "u1" }, spec: { containers: [{ name: "api" }] } }, PODS, "GET /api/v1/namespaces/shop/pods");
    recorder.object({ apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "shop", uid: "u2" }, data: { password: "aHVudGVyMg==" } }, SECRETS, "GET /api/v1/namespaces/shop/secrets");
    recorder.object({ apiVersion: "v1", kind: "Node", metadata: { name: "node-1", uid: "u3" }, status: { conditions: [{ type: "Ready", status: "True" }] } }, NODES, "GET /api/v1/nodes");
    recorder.log({ namespace: "shop", pod: "api-0", container: "api", previous: true, call: "GET …/log?previous=true", text: "panic: runtime error: invalid memory address or nil pointer dereference\n" });
    recorder.missing({ what: "Node conditions", call: "GET /api/v1/nodes", status: 403, permission: "list nodes (cluster-wide)" });
    const dir = join(work, "snapshot");
    const summary = recorder.write(dir, { capturedAt: "2025-06-02T09:20:00Z", namespaces: ["shop"] });
    expect(summary).toMatchObject({ objects: 3, logs: 1, files: 5 });
    expect(readFileSync(join(dir, "namespaces", "shop", "secrets.json"), "utf8")).not.toContain("aHVudGVyMg==");
    const manifest = JSON.parse(readFileSync(join(dir, "ktriage-snapshot.json"), "utf8"));
    expect(manifest).toMatchObject({ format: "ktriage-snapshot", version: 1, capturedAt: "2025-06-02T09:20:00Z", namespaces: ["shop"], missing: [{ permission: "list nodes (cluster-wide)" }] });

    const builder = new ViewBuilder();
    loadPaths([dir], builder);
    const view = builder.build({ mode: "offline" });
    expect(view.inputs.problems).toEqual([]);
    expect(view.inputs.missing).toEqual([{ what: "Node conditions", call: "GET /api/v1/nodes", status: 403, permission: "list nodes (cluster-wide)" }]);
    expect(view.kind("Pod").map((p) => p.metadata.name)).toEqual(["api-0"]);
    expect(view.get("Secret", "shop", "db")?.data).toEqual({ password: "" });
    expect(view.kind("Node")).toHaveLength(1);
    expect(view.logsFor("shop", "api-0", "api")[0]).toMatchObject({ previous: true, lines: ["panic: runtime error: invalid memory address or nil pointer dereference"] });
    expect(view.now.toISOString()).toBe("2025-06-02T09:20:00.000Z");
  });

  it("refuses a folder that holds something else", () => {
    const dir = join(work, "not-empty");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "notes.txt"), "keep me");
    expect(() => new SnapshotRecorder().write(dir, { capturedAt: "2025-06-02T09:20:00Z" })).toThrow(/is not empty and is not a ktriage snapshot/);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("keep me");
  });
});
