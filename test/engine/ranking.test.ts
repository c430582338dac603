import { describe, expect, it } from "vitest";
import { rankAndFold } from "../../src/engine/ranking.js";
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
