import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { CATEGORIES } from "../../src/model/categories.js";
import type { KubeObject } from "../../src/model/kube.js";
import { viewFromPaths } from "../../src/sources/load-view.js";

const root = resolve(__dirname, "../..");
const lab = resolve(root, "examples/lab");
const manifest = JSON.parse(readFileSync(join(lab, "ktriage-snapshot.json"), "utf8")) as { capturedAt: string };
const captured = Date.parse(manifest.capturedAt);
const view = viewFromPaths([lab]);

const rows = readFileSync(join(lab, "expected.tsv"), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => line.split("\t"));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

function timestamps(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value)) out.push(value);
  else if (Array.isArray(value)) value.forEach((item) => timestamps(item, out));
  else if (value && typeof value === "object") Object.values(value).forEach((item) => timestamps(item, out));
  return out;
}

describe("examples/lab", () => {
  it("loads as a snapshot without input problems, at its capture time", () => {
    expect(view.inputs.problems).toEqual([]);
    expect(view.now.toISOString()).toBe("2025-06-02T10:45:00.000Z");
    expect(view.list("Pod").length).toBeGreaterThan(40);
    expect(view.events.length).toBeGreaterThan(150);
    expect(view.meshConfig?.outboundTrafficPolicy?.mode).toBe("REGISTRY_ONLY");
    expect(view.envoy.proxyStatus).toHaveLength(1);
    expect(view.envoy.accessLogs).toHaveLength(1);
  });

  it("is exactly what the generator writes", () => {
    const out = mkdtempSync(join(tmpdir(), "ktriage-lab-"));
    try {
      execFileSync(process.execPath, [join(root, "examples/lab-generator/generate.mjs"), out], { stdio: "ignore" });
      const written = files(out).map((file) => relative(out, file)).sort();
      expect(files(lab).map((file) => relative(lab, file)).sort()).toEqual(written);
      for (const file of written) expect(readFileSync(join(lab, file), "utf8"), file).toBe(readFileSync(join(out, file), "utf8"));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("has no timestamp after the capture", () => {
    const late = view.objects.flatMap((loaded) => timestamps(loaded.object).filter((time) => Date.parse(time) > captured).map((time) => `${loaded.object.kind} ${loaded.object.metadata.name}: ${time}`));
    const lateEvents = view.events.filter((event) => Date.parse(event.lastTimestamp ?? event.firstTimestamp ?? "") > captured);
    expect(late).toEqual([]);
    expect(lateEvents).toEqual([]);
  });

  it("keeps owner chains, uids and pod-template-hash labels consistent", () => {
    for (const pod of view.kind("Pod")) {
      const owner = view.ownerOf(pod);
      expect(owner, pod.metadata.name).toBeDefined();
      if (owner!.kind === "ReplicaSet") {
        expect(owner!.metadata.name).toBe(`${view.ownerOf(owner!)!.metadata.name}-${pod.metadata.labels!["pod-template-hash"]}`);
        expect(pod.metadata.name!.startsWith(`${owner!.metadata.name}-`)).toBe(true);
        expect(view.ownerOf(owner!)!.kind).toBe("Deployment");
      }
    }
    const uids = view.objects.map((loaded) => loaded.object.metadata.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it("has events only about objects it holds, with their uid", () => {
    for (const event of view.events) {
      const object = view.get(event.involved.kind, event.involved.namespace, event.involved.name);
      expect(object, `${event.reason} ${event.involved.kind} ${event.involved.name}`).toBeDefined();
      expect(event.involved.uid).toBe(object!.metadata.uid);
      const container = /^spec\.(?:init)?[cC]ontainers\{(.+)\}$/.exec(event.involved.fieldPath ?? "")?.[1];
      if (container) expect(containerNames(object!), `${event.reason} ${event.involved.name}`).toContain(container);
    }
  });

  it("has logs only for containers that exist", () => {
    for (const stream of view.logs) {
      const pod = view.get("Pod", stream.namespace, stream.pod ?? "");
      expect(pod, stream.origin.file).toBeDefined();
      expect(containerNames(pod!)).toContain(stream.container);
      expect(stream.lines.length).toBeGreaterThan(0);
    }
  });

  it("names, in expected.tsv, resources the lab holds and categories from the taxonomy", () => {
    expect(rows.filter((row) => row[0] === "healthy").length).toBeGreaterThanOrEqual(6);
    for (const [scenario, kind, namespace, name, container, category] of rows) {
      const object = view.get(kind!, namespace || undefined, name!);
      expect(object, `${scenario}: ${kind} ${namespace}/${name}`).toBeDefined();
      if (container) expect(containerNames(object!)).toContain(container);
      if (category !== "none") expect(Object.keys(CATEGORIES), scenario).toContain(category);
    }
    const scenarios = new Set(rows.map((row) => row[0]));
    expect(scenarios.size).toBe(rows.filter((row) => row[0] !== "healthy").length + 1);
  });

  it("shows each scenario the way the kubelet and Istio print it", () => {
    const status = (ns: string, prefix: string, container: string) => {
      const pod = view.kind("Pod").find((p) => p.metadata.namespace === ns && p.metadata.name!.startsWith(prefix))!;
      return [...(pod.status.containerStatuses ?? []), ...(pod.status.initContainerStatuses ?? [])].find((s: { name: string }) => s.name === container);
    };
    expect(status("lab-bad-command", "crash-sample", "c").lastState.terminated).toMatchObject({ reason: "StartError", exitCode: 128 });
    expect(status("lab-oom", "report-worker", "worker").lastState.terminated).toMatchObject({ reason: "OOMKilled", exitCode: 137 });
    expect(status("lab-secret-typo", "orders-api", "app").state.waiting).toEqual({ reason: "CreateContainerConfigError", message: "couldn't find key passwrod in Secret lab-secret-typo/db-secret" });
    expect(status("lab-image-pull", "nginx-deployment", "nginx").state.waiting.reason).toBe("ImagePullBackOff");
    expect(status("lab-init-fail", "billing-api", "migrate").state.waiting.reason).toBe("CrashLoopBackOff");
    expect(status("lab-mesh-oom", "search-api", "istio-proxy").lastState.terminated).toMatchObject({ reason: "OOMKilled", exitCode: 137 });
    const messages = view.events.map((event) => event.message);
    expect(messages).toContain("Liveness probe failed: HTTP probe failed with statuscode: 404");
    expect(messages).toContain("Container app failed liveness probe, will be restarted");
    expect(messages).toContain("Error: couldn't find key passwrod in Secret lab-secret-typo/db-secret");
    expect(messages.some((m) => m.startsWith('Failed to pull image "nginx:invalid-tag": rpc error: code = NotFound'))).toBe(true);
    const proxyStatus = view.envoy.proxyStatus[0]!.text.split("\n");
    expect(proxyStatus[0]).toMatch(/^NAME\s+CLUSTER\s+CDS\s+ECDS\s+EDS\s+LDS\s+RDS\s+ISTIOD\s+VERSION$/);
    expect(proxyStatus.find((line) => line.startsWith("catalog-v2-7cc6f578cd-rjrms.istioinaction"))).toMatch(/STALE/);
    const accessLog = view.envoy.accessLogs[0]!.lines!;
    expect(accessLog.filter((line) => / 504 UT response_timeout /.test(line)).length).toBeGreaterThan(10);
  });
});

function containerNames(object: KubeObject): string[] {
  const spec = object.kind === "Pod" ? object.spec : object.spec?.template?.spec;
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].map((c: { name: string }) => c.name);
}
