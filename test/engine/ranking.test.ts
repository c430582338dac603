import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runRules } from "../../src/engine/engine.js";
import { rankAndFold } from "../../src/engine/ranking.js";
import { allRules } from "../../src/rules/index.js";
import { buildLintInput } from "../../src/sources/lint-input.js";
import type { Finding } from "../../src/model/finding.js";

function finding(rule: string, category: Finding["category"], severity: Finding["severity"], name: string, container?: string): Finding {
  return {
    rule,
    category,
    severity,
    confidence: 0.9,
    resource: { kind: "Deployment", namespace: "shop", name, ...(container ? { container } : {}) },
    summary: rule,
    evidence: [],
    cause: rule,
    verify: [],
    equivalents: [],
  };
}

describe("ranking per object", () => {
  it("keeps an object's findings together, the defect that breaks its rollout before risk and taste", () => {
    const taste = finding("manifest/cpu-unset", "config-schema-error", "info", "web", "app");
    const breaks = finding("manifest/pvc-access-mode-conflict", "storage-unavailable", "error", "web");
    const risk = finding("manifest/image-tag-unpinned", "image-pull", "warning", "web", "app");
    const other = { ...finding("manifest/probe-missing", "probe-failure", "warning", "worker", "app"), confidence: 0.95 };
    const ranked = rankAndFold([taste, other, risk, breaks], new Set());
    expect(ranked.map((item) => `${item.resource.name} ${item.severity}`)).toEqual(["web error", "web warning", "web info", "worker warning"]);
  });
});

describe("ranking on a published manifest with a defect", () => {
  it("ingress-nginx with its EndpointSlice reads and its lease trimmed: per object, the error, then the warning, then taste", () => {
    const published = readFileSync(resolve(import.meta.dirname, "../../../shared/peer/healthy/ingress-nginx/deploy.yaml"), "utf8");
    const leaseRules = "- apiGroups:\n  - coordination.k8s.io\n  resourceNames:\n  - ingress-nginx-leader\n  resources:\n  - leases\n  verbs:\n  - get\n  - update\n- apiGroups:\n  - coordination.k8s.io\n  resources:\n  - leases\n  verbs:\n  - create\n";
    const broken = published.replace(leaseRules, "").replaceAll("  - endpointslices\n  verbs:\n  - list\n  - watch\n  - get\n", "  - endpointslices\n  verbs:\n  - get\n");
    expect(broken).not.toBe(published);
    const dir = mkdtempSync(join(tmpdir(), "ranking-"));
    try {
      writeFileSync(join(dir, "deploy.yaml"), broken);
      const { view } = buildLintInput({ paths: [dir], defaultNamespace: "default" });
      const { findings } = runRules(allRules, view, { scope: "lint" });
      const controller = findings.filter((f) => f.resource.kind === "Deployment" && f.resource.name === "ingress-nginx-controller");
      expect(controller.slice(0, 2).map((f) => `${f.severity} ${f.rule}`)).toEqual(["error manifest/rbac-verbs-missing", "warning manifest/rbac-verbs-missing"]);
      expect(controller.slice(2).every((f) => f.severity === "info")).toBe(true);
      expect(controller.length).toBeGreaterThan(2);
      expect(findings[0]?.resource.name).toBe("ingress-nginx-controller");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
