// metrics-server's working set, read live for an OOM-killed pod. The test API server has no metrics-server,
// so a CustomResourceDefinition serves the same group, version, resource and object shape at the same
// path (/apis/metrics.k8s.io/v1beta1/namespaces/NS/pods/NAME) that metrics-server's APIService does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane } from "../../scripts/control-plane/cluster.mjs";
import { createScenario, type Plane, type Scenario } from "./scenario.js";
import { ensureBuiltCli, runCli, STACK_TRACE } from "./support.js";

let plane: Plane;
let scenario: Scenario;

beforeAll(async () => {
  plane = (await startControlPlane()) as Plane;
  scenario = await createScenario(plane);
  ensureBuiltCli();
}, 1_800_000);

afterAll(async () => {
  await plane?.stop();
});

const podMetricsCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "pods.metrics.k8s.io", annotations: { "api-approved.kubernetes.io": "unapproved, a test stand-in for metrics-server" } },
  spec: {
    group: "metrics.k8s.io",
    scope: "Namespaced",
    names: { plural: "pods", singular: "podmetrics", kind: "PodMetrics", listKind: "PodMetricsList" },
    versions: [{ name: "v1beta1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
  },
};

interface Report {
  findings: Array<{ rule: string; evidence: Array<{ text: string }>; fix?: { description: string } }>;
}

function oomFinding(stdout: string) {
  return (JSON.parse(stdout) as Report).findings.find((finding) => finding.rule === "pod/oom-killed")!;
}

describe("metrics-server's working set of an OOM-killed pod, read live", () => {
  it("without metrics-server (no such API group): nothing is said about it and the pod is still diagnosed", () => {
    const run = runCli(["pod", scenario.pods.orders!.name, "-n", "shop", "--kubeconfig", plane.kubeconfig, "-o", "json", "--fail-on", "none"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/metrics/i);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    const finding = oomFinding(run.stdout);
    expect(finding.evidence.some((item) => /metrics-server/.test(item.text))).toBe(false);
  });

  it("with a PodMetrics object served: its working set is evidence, as the node's view of the container's memory", async () => {
    expect((await plane.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", podMetricsCrd)).status).toBe(201);
    const path = "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods";
    const metrics = { apiVersion: "metrics.k8s.io/v1beta1", kind: "PodMetrics", metadata: { name: scenario.pods.orders!.name }, timestamp: "2025-06-02T10:14:30Z", window: "15s", containers: [{ name: "orders", usage: { cpu: "212m", memory: "251Mi" } }] };
    let created = { status: 0, text: "" };
    for (let attempt = 0; attempt < 50 && created.status !== 201; attempt++) {
      created = await plane.request("POST", path, metrics);
      if (created.status !== 201) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(created.status, created.text).toBe(201);
    const run = runCli(["pod", scenario.pods.orders!.name, "-n", "shop", "--kubeconfig", plane.kubeconfig, "-o", "json", "--fail-on", "none"]);
    expect(run.status, run.stderr).toBe(0);
    const finding = oomFinding(run.stdout);
    expect(finding.evidence.map((item) => item.text)).toContain("metrics-server: container orders working set 251Mi");
    const scan = runCli(["scan", "-n", "shop", "--kubeconfig", plane.kubeconfig, "-o", "json", "--fail-on", "none"]);
    expect(oomFinding(scan.stdout).evidence.map((item) => item.text)).toContain("metrics-server: container orders working set 251Mi");
  });
});
