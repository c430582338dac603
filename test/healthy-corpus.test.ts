// The published manifests of 22 well-known projects (../shared/peer/healthy) run as published: linting
// them gives no error, and every warning is one defended below, with its reason. Every fix printed on
// them, and on the lab, is proven or guidance that cannot run as printed.
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runRules } from "../src/engine/engine.js";
import { buildLintInput } from "../src/sources/lint-input.js";
import type { Finding } from "../src/model/finding.js";
import { objectKey } from "../src/model/kube.js";
import { allRules } from "../src/rules/index.js";
import { loadPaths } from "../src/sources/files.js";
import { ViewBuilder } from "../src/view/builder.js";
import { expectSafe } from "./fixes/expect-safe.js";

const healthy = resolve(import.meta.dirname, "../../shared/peer/healthy");
const sets = readdirSync(healthy, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();

/** Warnings that stand on manifests that work: each names a concrete failure mode the set is exposed to. */
const DEFENDED: Array<{ set: string; rule: string; resource: string; reason: string }> = [
  { set: "argo-cd", rule: "istio/deployment-service-port-conflict", resource: "Deployment/argocd-server", reason: "Service argocd-server exposes targetPort 8080 as both 80 and 443; in an Istio mesh the sidecar serves one protocol per port, so one of them breaks once injected (Istio IST0116-style). Argo CD runs fine without a mesh." },
  { set: "istio-bookinfo", rule: "istio/virtualservice-ingress-subset-ignored", resource: "VirtualService/bookinfo", reason: "The gateway VirtualService routes to productpage with no subset, so the subset routing of VirtualService productpage never applies to ingress traffic: a real routing surprise, not a crash." },
  { set: "istio-bookinfo", rule: "istio/destinationrule-subset-selects-no-pods", resource: "DestinationRule/details", reason: "destination-rule-all.yaml defines subset v2 for details, whose v2 is not in bookinfo.yaml: a route to it would get 503 (no healthy upstream)." },
  { set: "istio-bookinfo", rule: "istio/destinationrule-subset-selects-no-pods", resource: "DestinationRule/ratings", reason: "Subsets v2, v2-mysql and v2-mysql-vm of ratings select pods this set does not deploy: routes to them would get 503." },
  { set: "microservices-demo", rule: "manifest/liveness-budget-short", resource: "Deployment/emailservice", reason: "Liveness allows 15 s (0 + 3 x 5 s) with no startupProbe: a cold start slower than that (a busy node, a slow image pull of dependencies) is killed and loops." },
  { set: "microservices-demo", rule: "manifest/liveness-budget-short", resource: "Deployment/recommendationservice", reason: "The same 15 s liveness budget for a Python gRPC server without a startupProbe." },
  { set: "microservices-demo", rule: "manifest/liveness-budget-short", resource: "Deployment/redis-cart", reason: "The same 15 s budget: redis loading a large dump at start would be killed before it answers." },
];

function lint(set: string): { findings: Finding[]; fixes: { proven: number; guidance: number; dropped: number } } {
  const { view, reportable } = buildLintInput({ paths: [resolve(healthy, set)], defaultNamespace: "default" });
  const result = runRules(allRules, view, { scope: "lint" });
  const findings = result.findings.filter((f) => reportable.has(objectKey(f.resource.kind, f.resource.namespace, f.resource.name)) || reportable.has(objectKey(f.resource.kind, undefined, f.resource.name)));
  return { findings, fixes: result.fixes };
}

describe("healthy published manifests", () => {
  expect(sets.length).toBe(22);
  const results = new Map(sets.map((set) => [set, lint(set)]));

  for (const set of sets) {
    it(`${set}: no error, only defended warnings, every fix proven or guidance`, () => {
      const { findings } = results.get(set)!;
      expect(findings.filter((f) => f.severity === "error").map((f) => `${f.rule} ${f.resource.kind}/${f.resource.name}: ${f.summary}`)).toEqual([]);
      const undefended = findings.filter((f) => f.severity === "warning" && !DEFENDED.some((d) => d.set === set && d.rule === f.rule && d.resource === `${f.resource.kind}/${f.resource.name}`));
      expect(undefended.map((f) => `${f.rule} ${f.resource.kind}/${f.resource.name}: ${f.summary}`)).toEqual([]);
      for (const finding of findings) expectSafe(finding);
    });
  }

  it("every defended warning is still found (the table is exact)", () => {
    for (const entry of DEFENDED) {
      const found = results.get(entry.set)!.findings.some((f) => f.severity === "warning" && f.rule === entry.rule && `${f.resource.kind}/${f.resource.name}` === entry.resource);
      expect(found, `${entry.set} ${entry.rule} ${entry.resource}`).toBe(true);
      expect(entry.reason.length).toBeGreaterThan(40);
    }
  });

  it("the Secrets a set creates at run time are not reported missing (ingress-nginx admission Job, Argo CD redis init, MetalLB controller)", () => {
    for (const set of ["ingress-nginx", "argo-cd", "metallb"]) {
      expect(results.get(set)!.findings.filter((f) => f.rule === "manifest/config-reference-missing" && f.severity !== "info").map((f) => f.summary)).toEqual([]);
    }
  });

  it("node-local-dns's kube-dns-upstream selects CoreDNS deployed separately: no error, and no selector rewrite", () => {
    const finding = results.get("k8s-nodelocaldns")!.findings.find((f) => f.rule === "manifest/service-selector-matches-nothing");
    expect(finding?.severity ?? "info").toBe("info");
    expect(JSON.stringify(finding?.fix ?? {})).not.toContain("node-local-dns\"}");
  });

  it("CoreDNS, ingress-nginx and MetalLB probes on undeclared ports are not findings, and no probe moves to another port", () => {
    for (const set of ["k8s-coredns", "ingress-nginx", "metallb"]) {
      expect(results.get(set)!.findings.filter((f) => f.rule === "manifest/probe-port-undeclared").map((f) => f.summary)).toEqual([]);
    }
  });

  it("no fix invents a probe path", () => {
    for (const { findings } of results.values()) {
      for (const finding of findings) expect(JSON.stringify(finding.fix ?? {})).not.toContain("/healthz/live");
    }
  });
});

describe("the lab (broken on purpose)", () => {
  const builder = new ViewBuilder();
  loadPaths([resolve(import.meta.dirname, "../examples/lab")], builder);
  const view = builder.build({ mode: "offline" });
  const result = runRules(allRules, view, { scope: "diagnose" });

  it("every fix is proven or guidance that cannot run as printed", () => {
    expect(result.fixes.proven).toBeGreaterThan(0);
    for (const finding of result.findings) expectSafe(finding);
  });

  it("the DestinationRule fix selects the pods' real labels (version: v1, not version: version-v1)", () => {
    const fixes = result.findings.filter((f) => f.rule === "istio/virtualservice-subset-not-found").map((f) => f.fix!);
    expect(fixes.length).toBeGreaterThan(0);
    for (const fix of fixes) {
      expect(fix.yaml!.after).toContain("version: v1");
      expect(fix.yaml!.after).not.toContain("version: version-v1");
      expect(fix.proven).toBe(true);
    }
  });

  it('the dependency fix waits for host postgres, not "at"', () => {
    const finding = result.findings.find((f) => f.rule === "pod/dependency-unavailable")!;
    expect(JSON.stringify(finding.fix)).toContain("nc -z -w 2 postgres 5432");
  });
});
