import { describe, expect, it } from "vitest";
import { hasNothingToRead, runRules } from "../../src/engine/engine.js";
import { defineRule, type Rule } from "../../src/contract/rule.js";
import type { ClusterView, InputKind } from "../../src/view/cluster-view.js";
import { ViewBuilder } from "../../src/view/builder.js";
import { loadText } from "../../src/sources/files.js";

const virtualService = { apiVersion: "networking.istio.io/v1", kind: "VirtualService", metadata: { name: "reviews", namespace: "shop" }, spec: { hosts: ["reviews"] } };
const telemetry = { apiVersion: "telemetry.istio.io/v1", kind: "Telemetry", metadata: { name: "default", namespace: "shop" }, spec: {} };

/** A lint view of these objects; `{ meshConfig }` among them is the mesh config. */
function lintView(...objects: object[]): ClusterView {
  const builder = new ViewBuilder();
  builder.addSource("shop.json");
  loadText(JSON.stringify({ apiVersion: "v1", kind: "List", items: objects.filter((object) => !("meshConfig" in object)) }), "shop.json", "shop.json", builder);
  for (const object of objects) if ("meshConfig" in object) builder.setMeshConfig(object.meshConfig as Record<string, unknown>);
  return builder.build({ mode: "lint" });
}

/** An Istio rule that reads Telemetry objects and counts how often it runs; it reports one finding per run. */
function telemetryRule(runs: { count: number }, extra: Partial<Rule> = {}): Rule {
  return defineRule({
    id: "istio/test-telemetry-counted",
    category: "config-conflict",
    severity: "warning",
    title: "counted",
    docs: { cause: "c", fix: "f", verify: ["v"], references: ["https://istio.io"] },
    equivalents: [],
    inputs: ["istio"],
    reads: ["Telemetry"],
    scopes: ["lint"],
    messages: { ran: "ran on {telemetries} Telemetry objects" },
    analyze({ view, report }) {
      runs.count++;
      report({ message: "ran", data: { telemetries: view.kind("Telemetry").length }, resource: { kind: "Mesh", name: "mesh" }, cause: "It ran." });
    },
    ...extra,
  });
}

describe("the engine leaves out the rules the inputs hold nothing for", () => {
  it("does not run a rule when no object of a kind it reads is in the view, and does not list it as skipped", () => {
    const runs = { count: 0 };
    const rule = telemetryRule(runs);
    const view = lintView(virtualService);
    expect(hasNothingToRead(rule, view)).toBe(true);
    const result = runRules([rule], view, { scope: "lint" });
    expect(runs.count).toBe(0);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it("runs it once an object of a kind it reads is there", () => {
    const runs = { count: 0 };
    const result = runRules([telemetryRule(runs)], lintView(virtualService, telemetry), { scope: "lint" });
    expect(runs.count).toBe(1);
    expect(result.findings.map((finding) => finding.summary)).toEqual(["ran on 1 Telemetry objects"]);
  });

  it("runs a rule that also declares an input that is no object (mesh config, events) when that input is present", () => {
    const rule = (inputs: InputKind[]) => telemetryRule({ count: 0 }, { inputs });
    expect(hasNothingToRead(rule(["istio", "mesh-config"]), lintView(virtualService))).toBe(true);
    expect(hasNothingToRead(rule(["istio", "mesh-config"]), lintView({ meshConfig: {} }, virtualService))).toBe(false);
    const event = { apiVersion: "v1", kind: "Event", metadata: { name: "e", namespace: "shop" }, involvedObject: { kind: "Pod", namespace: "shop", name: "p" }, reason: "Failed", message: "m", type: "Warning" };
    expect(hasNothingToRead(rule(["istio", "events"]), lintView(virtualService, event))).toBe(false);
    expect(hasNothingToRead(rule(["istio"]), lintView(virtualService, event))).toBe(true);
  });

  it("counts MeshNetworks given on its own as the mesh config input (reading it is a mesh-config read)", () => {
    const builder = new ViewBuilder();
    builder.setMeshNetworks({ networks: { network2: { endpoints: [{ fromRegistry: "cluster-east" }] } } }, { file: "meshnetworks.yaml" });
    const view = builder.build({ mode: "lint" });
    expect(view.has("mesh-config")).toBe(true);
    expect(hasNothingToRead(telemetryRule({ count: 0 }, { inputs: ["mesh-config"] }), view)).toBe(false);
  });

  it("always runs rules that read every object, no object, or do not say what they read", () => {
    const view = lintView(virtualService);
    expect(hasNothingToRead(telemetryRule({ count: 0 }, { reads: ["*"] }), view)).toBe(false);
    expect(hasNothingToRead(telemetryRule({ count: 0 }, { reads: [] }), view)).toBe(false);
    expect(hasNothingToRead(telemetryRule({ count: 0 }, { reads: undefined }), view)).toBe(false);
  });

  it("with assumed objects (lint's assumed ingress gateway), leaves out a rule whose kinds the view holds only as those", () => {
    const runs = { count: 0 };
    const rule = telemetryRule(runs);
    const assumed = new Map([["Telemetry", 1]]);
    expect(hasNothingToRead(rule, lintView(virtualService, telemetry), assumed)).toBe(true);
    expect(hasNothingToRead(rule, lintView(virtualService, telemetry))).toBe(false);
    expect(hasNothingToRead(rule, lintView(virtualService, telemetry, { ...telemetry, metadata: { name: "other", namespace: "shop" } }), assumed)).toBe(false);
    const result = runRules([rule], lintView(virtualService, telemetry), { scope: "lint", assumed });
    expect(runs.count).toBe(0);
    expect(result.skipped).toEqual([]);
  });

  it("runs every rule with runRulesWithNothingToRead (the rule contract test checks such rules report nothing)", () => {
    const runs = { count: 0 };
    runRules([telemetryRule(runs)], lintView(virtualService), { scope: "lint", runRulesWithNothingToRead: true });
    expect(runs.count).toBe(1);
  });
});
