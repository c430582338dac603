import { describe, expect, it } from "vitest";
import { runRules } from "../../src/engine/engine.js";
import { FixProver, type ProofRunner } from "../../src/engine/fix-proof.js";
import type { Evidence, Finding } from "../../src/model/finding.js";
import { buildLintInput } from "../../src/sources/lint-input.js";
import { allRules } from "../../src/rules/index.js";
import type { ClusterView } from "../../src/view/cluster-view.js";
import { buildView } from "../helpers/rule-tester.js";
import { deployment, list } from "../rules/pod/fixtures.js";

/**
 * A fix proof re-runs the rules on the view with the change applied; what the inputs recorded (a pod's
 * status, its events and logs) stays as it was. A finding that rests on such a record cannot be shown to
 * go away: when the change is safe, the proof says so, and that its effect shows after the rollout.
 */
const patch = `kubectl patch deployment api -n default --type strategic -p '{"spec":{"template":{"spec":{"containers":[{"name":"app","resources":{"limits":{"memory":"256Mi"}}}]}}}}'`;

function findingWith(evidence: Evidence[]): Finding {
  return {
    rule: "test/any-rule",
    category: "oom-killed",
    severity: "error",
    confidence: 0.9,
    resource: { kind: "Deployment", namespace: "default", name: "api" },
    summary: "app needs more memory",
    evidence,
    cause: "",
    verify: [],
    equivalents: [],
    fix: { description: "Raise the limit", commands: [patch] },
  };
}

/** A runner whose only rule reports the finding on any view: the change never makes it go away. */
function alwaysReporting(finding: Finding): ProofRunner {
  return { run: () => [{ ...finding, fix: undefined }], rulesSeeing: () => undefined, producerOf: (rule) => rule, ruleCount: 1 };
}

function prove(view: ClusterView, finding: Finding): Finding {
  return new FixProver(view, alwaysReporting(finding)).prove(finding);
}

const scanView = () => buildView({ name: "case", files: { "case.json": list(deployment("api", [{ name: "app", image: "api:1", resources: { limits: { memory: "128Mi" } } }])) } });

describe("a finding that rests on what was recorded, in scan and pod mode", () => {
  it("stays after the change: checked safe, not proven, whatever the rule (its evidence says what it rests on)", () => {
    const proven = prove(scanView(), findingWith([{ source: "status", text: "lastState.terminated: OOMKilled" }, { source: "event", text: "BackOff" }, { source: "spec", text: "limits.memory 128Mi" }]));
    expect(proven.fix!.proven).toBe(false);
    expect(proven.fix!.proof).toBe("checked safe: applied to Deployment default/api in the view, the change brings no new error or warning; what this finding rests on (status and events) was recorded before the change, so its effect shows only once the change is rolled out: run the verify commands then");
  });

  it("names each kind of record once, logs from both the current and the previous container", () => {
    const proven = prove(scanView(), findingWith([{ source: "previous-log", text: "bind: address already in use" }, { source: "log", text: "bind: address already in use" }, { source: "access-log", text: "UT" }]));
    expect(proven.fix!.proof).toContain("(logs and access logs)");
  });

  it("a finding resting only on what objects declare still says the change does not make it go away", () => {
    const proven = prove(scanView(), findingWith([{ source: "spec", text: "limits.memory 128Mi" }, { source: "manifest", text: "memory: 128Mi" }]));
    expect(proven.fix!.proof).toBe("applied to the view, the change does not make this finding go away; check the cause before changing anything");
  });

  it("the change still has to apply and change something: a patch that changes nothing is dropped", () => {
    const unchanged = findingWith([{ source: "status", text: "OOMKilled" }]);
    unchanged.fix!.commands = [patch.replace("256Mi", "128Mi")];
    const proven = prove(scanView(), unchanged);
    expect(proven.fix!.proof).toMatch(/^the patch changes nothing in Deployment default\/api/);
  });
});

describe("lint mode: manifests record nothing, so a finding that stays is still one the change does not answer", () => {
  it("examples/manifests/broken: the ConfigMap mounted over /etc/nginx", () => {
    const { view } = buildLintInput({ paths: ["examples/manifests/broken"] });
    const finding = runRules(allRules, view, { scope: "lint" }).findings.find((f) => f.rule === "manifest/config-mount-hides-directory");
    expect(finding?.fix?.proof).toBe("applied to the view, the change does not make this finding go away; check the cause before changing anything");
  });

  it("the same recorded evidence on a lint view is not taken as a record", () => {
    const { view } = buildLintInput({ paths: ["examples/manifests/broken"] });
    const web = view.get("Deployment", "payments", "web")!;
    const finding = { ...findingWith([{ source: "status", text: "OOMKilled" }]), resource: { kind: "Deployment", namespace: "payments", name: "web" } };
    finding.fix = { description: "label", commands: [`kubectl patch deployment web -n payments --type merge -p '{"metadata":{"labels":{"checked":"yes"}}}'`] };
    expect(web).toBeDefined();
    expect(prove(view, finding).fix!.proof).toMatch(/does not make this finding go away/);
  });
});
