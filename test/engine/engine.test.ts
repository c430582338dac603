import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { runRules } from "../../src/engine/engine.js";
import { defineRule, type Rule } from "../../src/contract/rule.js";
import type { Finding } from "../../src/model/finding.js";
import { viewFromPaths } from "../../src/sources/load-view.js";

const view = viewFromPaths([resolve(__dirname, "../fixtures/inputs/deployment-and-pod.yaml"), resolve(__dirname, "../fixtures/inputs/events.json")]);

function podFinding(rule: string, category: Finding["category"], confidence: number, text = "x"): Finding {
  return {
    rule,
    category,
    severity: "error",
    confidence,
    resource: { kind: "Pod", namespace: "shop", name: "api-6d5f7c9b8-x2x4q", container: "app" },
    summary: `${category} summary`,
    evidence: [{ source: "log", text }],
    cause: "c",
    verify: [],
    equivalents: [],
  };
}

/** A rule that reports these findings through ctx.report: each one's resource, summary, evidence and figures as given. */
function ruleReturning(id: string, findings: Finding[], extra: Partial<Rule> = {}): Rule {
  return defineRule({
    id,
    category: findings[0]?.category ?? "unknown-crash",
    severity: "error",
    title: id,
    docs: { cause: "c", fix: "f", verify: ["v"], references: [] },
    equivalents: [],
    inputs: ["pods"],
    scopes: ["diagnose"],
    messages: { finding: "{summary}" },
    analyze: (ctx) => {
      for (const finding of findings) {
        ctx.report({
          message: "finding",
          data: { summary: finding.summary },
          resource: finding.resource,
          cause: finding.cause,
          evidence: finding.evidence,
          verify: finding.verify,
          confidence: finding.confidence,
          severity: finding.severity,
          category: finding.category,
          equivalents: finding.equivalents,
        });
      }
    },
    ...extra,
  });
}

describe("engine", () => {
  it("folds a fallback crash-loop finding under the specific root cause of the same container", () => {
    const generic = ruleReturning("pod/crash-loop-unknown", [podFinding("pod/crash-loop-unknown", "unknown-crash", 0.3)], { fallback: true });
    const oom = ruleReturning("pod/oom-killed", [podFinding("pod/oom-killed", "oom-killed", 0.95)]);
    const result = runRules([generic, oom], view, { scope: "diagnose" });
    expect(result.findings.map((f) => f.rule)).toEqual(["pod/oom-killed"]);
    expect(result.findings[0]!.symptoms).toEqual([{ rule: "pod/crash-loop-unknown", category: "unknown-crash", summary: "unknown-crash summary" }]);
  });

  it("keeps a fallback finding when nothing more specific explains the resource", () => {
    const generic = ruleReturning("pod/crash-loop-unknown", [podFinding("pod/crash-loop-unknown", "unknown-crash", 0.3)], { fallback: true });
    expect(runRules([generic], view, { scope: "diagnose" }).findings.map((f) => f.rule)).toEqual(["pod/crash-loop-unknown"]);
  });

  it("ranks the most confident root cause first", () => {
    const weak = ruleReturning("pod/dependency-unavailable", [podFinding("pod/dependency-unavailable", "dependency-unavailable", 0.5)]);
    const strong = ruleReturning("pod/oom-killed", [podFinding("pod/oom-killed", "oom-killed", 0.95)]);
    expect(runRules([weak, strong], view, { scope: "diagnose" }).findings.map((f) => f.rule)).toEqual(["pod/oom-killed", "pod/dependency-unavailable"]);
  });

  it("skips rules whose inputs are absent and says why", () => {
    const envoyRule = ruleReturning("envoy/upstream-timeout", [], { inputs: ["access-logs"], category: "upstream-timeout" });
    const result = runRules([envoyRule], view, { scope: "diagnose" });
    expect(result.skipped).toEqual([{ rule: "envoy/upstream-timeout", reason: "no access-logs in the inputs" }]);
  });

  it("turns a rule that throws into a reported failure, and runs the others", () => {
    const broken = ruleReturning("pod/broken", [], {
      analyze: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'containers')");
      },
    });
    const oom = ruleReturning("pod/oom-killed", [podFinding("pod/oom-killed", "oom-killed", 0.95)]);
    const result = runRules([broken, oom], view, { scope: "diagnose" });
    expect(result.failures).toEqual([{ rule: "pod/broken", message: "Cannot read properties of undefined (reading 'containers')" }]);
    expect(result.findings).toHaveLength(1);
  });

  it("redacts credentials in evidence", () => {
    const leaky = ruleReturning("pod/dependency-unavailable", [
      podFinding("pod/dependency-unavailable", "dependency-unavailable", 0.8, "unable to connect to mongodb://root:password@mongo-service:27017/admin"),
    ]);
    const text = runRules([leaky], view, { scope: "diagnose" }).findings[0]!.evidence[0]!.text;
    expect(text).toBe("unable to connect to mongodb://root:[REDACTED]@mongo-service:27017/admin");
  });

  it("only runs rules of the requested scope", () => {
    const lintOnly = ruleReturning("manifest/latest-tag", [podFinding("manifest/latest-tag", "image-pull-failure", 0.5)], { scopes: ["lint"] });
    expect(runRules([lintOnly], view, { scope: "diagnose" }).findings).toEqual([]);
  });
});

describe("folding one problem seen by two layers", () => {
  it("folds a second finding of the same category on the same container", () => {
    const podRule = ruleReturning("pod/sidecar-dependency", [podFinding("pod/sidecar-dependency", "sidecar-dependency", 0.8)]);
    const sidecarRule = ruleReturning("sidecar/app-starts-before-sidecar", [podFinding("sidecar/app-starts-before-sidecar", "sidecar-dependency", 0.9)]);
    const findings = runRules([podRule, sidecarRule], view, { scope: "diagnose" }).findings;
    expect(findings.map((f) => f.rule)).toEqual(["sidecar/app-starts-before-sidecar"]);
    expect(findings[0]!.symptoms?.map((s) => s.rule)).toEqual(["pod/sidecar-dependency"]);
  });

  it("folds the proxy's view of a blocked call under the app's, across containers of one pod", () => {
    const appSide = podFinding("sidecar/outbound-registry-only", "outbound-traffic-blocked", 0.9);
    const proxySide = { ...podFinding("envoy/blackhole-traffic", "outbound-traffic-blocked", 0.85), resource: { ...appSide.resource, container: "istio-proxy" } };
    const findings = runRules([ruleReturning("sidecar/outbound-registry-only", [appSide]), ruleReturning("envoy/blackhole-traffic", [proxySide])], view, { scope: "diagnose" }).findings;
    expect(findings.map((f) => f.rule)).toEqual(["sidecar/outbound-registry-only"]);
  });

  it("keeps two containers' own problems of the same category from the same layer", () => {
    const app = podFinding("pod/oom-killed", "oom-killed", 0.95);
    const worker = { ...podFinding("pod/oom-killed", "oom-killed", 0.95), resource: { ...app.resource, container: "worker" } };
    expect(runRules([ruleReturning("pod/oom-killed", [app, worker])], view, { scope: "diagnose" }).findings).toHaveLength(2);
  });
});

describe("distinct problems of one rule", () => {
  it("keeps every finding one rule reports on the same resource", () => {
    const v1 = { ...podFinding("istio/virtualservice-subset-not-found", "routing-reference-not-found", 0.9), resource: { kind: "VirtualService", namespace: "shop", name: "catalog" }, summary: "subset version-v1" };
    const v2 = { ...v1, summary: "subset version-v2" };
    const findings = runRules([ruleReturning("istio/virtualservice-subset-not-found", [v1, v2])], view, { scope: "diagnose" }).findings;
    expect(findings.map((f) => f.summary)).toEqual(["subset version-v1", "subset version-v2"]);
  });
});

describe("a workload prediction and its pod's diagnosis", () => {
  it("fold the Deployment's finding under the pod's when both name the same cause", () => {
    const onPod = podFinding("pod/oom-killed", "oom-killed", 0.95);
    const onDeployment = { ...podFinding("manifest/jvm-heap-exceeds-limit", "oom-killed", 0.7), resource: { kind: "Deployment", namespace: "shop", name: "api", container: "app" } };
    const findings = runRules([ruleReturning("pod/oom-killed", [onPod]), ruleReturning("manifest/jvm-heap-exceeds-limit", [onDeployment])], view, { scope: "diagnose" }).findings;
    expect(findings.map((f) => `${f.resource.kind} ${f.rule}`)).toEqual(["Pod pod/oom-killed"]);
    expect(findings[0]!.symptoms?.map((s) => s.rule)).toEqual(["manifest/jvm-heap-exceeds-limit"]);
  });

  it("keep the Deployment's finding when it names another cause", () => {
    const onPod = podFinding("pod/oom-killed", "oom-killed", 0.95);
    const onDeployment = { ...podFinding("manifest/image-tag-unpinned", "image-pull-failure", 0.4), severity: "warning" as const, resource: { kind: "Deployment", namespace: "shop", name: "api", container: "app" } };
    const findings = runRules([ruleReturning("pod/oom-killed", [onPod]), ruleReturning("manifest/image-tag-unpinned", [onDeployment])], view, { scope: "diagnose" }).findings;
    expect(findings).toHaveLength(2);
  });
});
