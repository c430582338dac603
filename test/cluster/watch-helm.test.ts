// The Helm chart (deploy/helm/ktriage) rendered by a real helm (built from the Go
// module proxy into ~/.cache/ktriage/helm by scripts/helm/build.sh), checked by
// ktriage's own lint, applied to a real API server, and run: `ktriage watch` with
// the chart's ServiceAccount token and the rendered Deployment's arguments reads,
// watches, takes its Lease and writes its Events with exactly the chart's RBAC.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane } from "../../scripts/control-plane/cluster.mjs";
import type { Finding } from "../../src/model/finding.js";
import type { Plane } from "./scenario.js";
import { ensureBuiltCli, repoRoot, runCli } from "./support.js";
import { createWorkload, diagnosedEvents, setImagePullBackOff, startWatch, waitFor, waitForWatching, type WatchProcess } from "./watch-support.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const chart = join(repoRoot, "deploy", "helm", "ktriage");
const work = mkdtempSync(join(tmpdir(), "ktriage-helm-"));
let helm = "";
let plane: Plane;
let watch: WatchProcess | undefined;

function render(...sets: string[]): { text: string; objects: Json[] } {
  const text = execFileSync(helm, ["template", "ktriage", chart, "--namespace", "ktriage", ...sets.flatMap((set) => ["--set", set])], { encoding: "utf8" });
  return { text, objects: parseAllDocuments(text).map((document) => document.toJSON()).filter(Boolean) };
}

const PATHS: Record<string, (namespace: string) => string> = {
  ServiceAccount: (ns) => `/api/v1/namespaces/${ns}/serviceaccounts`,
  Service: (ns) => `/api/v1/namespaces/${ns}/services`,
  Deployment: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments`,
  ClusterRole: () => "/apis/rbac.authorization.k8s.io/v1/clusterroles",
  ClusterRoleBinding: () => "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
  Role: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`,
  RoleBinding: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`,
};

beforeAll(async () => {
  helm = execFileSync("bash", [join(repoRoot, "scripts", "helm", "build.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim().split("\n").pop()!;
  plane = (await startControlPlane()) as Plane;
  ensureBuiltCli();
}, 1_800_000);

afterAll(async () => {
  await watch?.stop();
  await plane?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("the Helm chart", () => {
  it("renders with a real helm into objects ktriage's own lint passes with no warning, with and without the ServiceMonitor", { timeout: 120_000 }, () => {
    expect(execFileSync(helm, ["version", "--short"], { encoding: "utf8" })).toMatch(/^v3\./);
    execFileSync(helm, ["lint", chart], { encoding: "utf8" });
    for (const sets of [[], ["metrics.serviceMonitor.enabled=true", "watch.namespace=shop"]]) {
      const { text, objects } = render(...sets);
      expect(objects.map((object) => object.kind)).toEqual(expect.arrayContaining(["Deployment", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service"]));
      if (sets.length) expect(objects.map((object) => object.kind)).toContain("ServiceMonitor");
      const file = join(work, `rendered-${sets.length}.yaml`);
      writeFileSync(file, text);
      const lint = runCli(["lint", file, "-o", "json", "--fail-on", "info"]);
      const findings = JSON.parse(lint.stdout).findings as Finding[];
      expect(findings.filter((finding) => finding.severity !== "info").map((finding) => `${finding.rule}: ${finding.summary}`)).toEqual([]);
      expect(lint.stderr).toBe("");
    }
  });

  it("applies to a real API server, and its ServiceAccount runs the rendered arguments: it watches, leads and writes Events with the chart's RBAC alone", { timeout: 120_000 }, async () => {
    const { objects } = render();
    expect((await plane.request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "ktriage" } })).status).toBe(201);
    for (const object of objects) {
      const path = PATHS[object.kind];
      expect(path, `no API path for ${object.kind}`).toBeDefined();
      const response = await plane.request("POST", path!(object.metadata.namespace ?? "ktriage"), object);
      expect(response.status, `${object.kind} ${object.metadata.name}: ${JSON.stringify(response.body).slice(0, 300)}`).toBe(201);
    }
    const deployment = objects.find((object) => object.kind === "Deployment");
    const container = deployment.spec.template.spec.containers[0];
    const serviceAccount = deployment.spec.template.spec.serviceAccountName;

    const catalog = await createWorkload(plane, "shop", "catalog", "5f6b9d7c8");
    const token = await plane.request("POST", `/api/v1/namespaces/ktriage/serviceaccounts/${serviceAccount}/token`, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } });
    expect(token.status).toBe(201);
    const kubeconfig = plane.writeKubeconfig("chart-sa", token.body.status.token, "ktriage");
    // The container's arguments as rendered, with the metrics port moved to a free loopback one.
    const args: string[] = container.args.filter((arg: string) => arg !== "watch").map((arg: string) => (arg.startsWith("--listen=") ? "--listen=127.0.0.1:0" : arg));
    expect(args).toEqual(expect.arrayContaining(["--events", "--leader-elect", "--lease-namespace=ktriage"]));
    watch = startWatch({ ...plane, kubeconfig }, [...args, "--identity", "chart-replica"]);
    await waitForWatching(watch);
    expect(watch.stderr()).not.toMatch(/not watched|\b403\b|forbidden/i);

    await setImagePullBackOff(plane, catalog);
    const events = await waitFor(async () => {
      const found = await diagnosedEvents(plane, catalog);
      return found.length > 0 ? found : undefined;
    }, 60_000, `the Diagnosed Event (stderr: ${watch.stderr().slice(-1000)})`);
    expect(events[0]).toMatchObject({ reportingComponent: "ktriage.io/watch", reportingInstance: "chart-replica" });
    const lease = await plane.request("GET", "/apis/coordination.k8s.io/v1/namespaces/ktriage/leases/ktriage-watch");
    expect(lease.body.spec.holderIdentity).toBe("chart-replica");
    expect(watch.stderr()).not.toMatch(/403|forbidden/i);
  });
});
