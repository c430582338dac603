import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runRules } from "../../src/engine/engine.js";
import { sidecarRules } from "../../src/rules/sidecar/index.js";
import { viewFromPaths } from "../../src/sources/load-view.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const lab = resolve(repoRoot, "examples/lab");

interface ExpectedRow {
  scenario: string;
  kind: string;
  namespace: string;
  name: string;
  category: string;
}

function expectedRows(): ExpectedRow[] {
  const [, ...lines] = readFileSync(resolve(lab, "expected.tsv"), "utf8").trim().split("\n");
  return lines.map((line) => {
    const [scenario, kind, namespace, name, , category] = line.split("\t");
    return { scenario: scenario!, kind: kind!, namespace: namespace!, name: name!, category: category! };
  });
}

/** Categories the sidecar rules report in the lab. */
const OWNED = new Set(["network-policy-conflict", "outbound-traffic-blocked", "sidecar-port-conflict", "sidecar-oom-killed", "sidecar-istiod-unreachable", "sidecar-config-error", "sidecar-not-injected", "sidecar-not-ready", "istio-init-failure", "mtls-mode-conflict", "node-port-not-exposed", "sidecar-dependency"]);

describe("sidecar rules on the lab snapshot (examples/lab)", () => {
  const view = viewFromPaths([lab]);
  const { findings, failures } = runRules(sidecarRules, view, { scope: "diagnose" });
  const rows = expectedRows();

  it("runs without rule failures", () => {
    expect(failures).toEqual([]);
  });

  for (const row of rows.filter((candidate) => OWNED.has(candidate.category))) {
    it(`${row.scenario}: ${row.kind} ${row.namespace}/${row.name} is ${row.category}`, () => {
      const found = findings.filter((finding) => finding.resource.kind === row.kind && finding.resource.namespace === row.namespace && finding.resource.name === row.name);
      // One object can hold two problems of one category (a deny-all cuts the sidecars off istiod and drops Prometheus's scrapes).
      expect([...new Set(found.map((finding) => finding.category))]).toEqual([row.category]);
    });
  }

  it("flags nothing the lab does not expect", () => {
    const unexpected = findings.filter((finding) => !rows.some((row) => row.kind === finding.resource.kind && row.namespace === finding.resource.namespace && row.name === finding.resource.name && row.category === finding.category));
    expect(unexpected.map((finding) => `${finding.rule} ${finding.resource.kind} ${finding.resource.namespace}/${finding.resource.name}`)).toEqual([]);
  });
});
