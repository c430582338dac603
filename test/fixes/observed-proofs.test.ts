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
  return { run: () => [{ ...finding, fix: undefined }], rulesSeeing: () => undefined, restsOnRecords: () => false, producerOf: (rule) => rule, ruleCount: 1 };
}

function prove(view: ClusterView, finding: Finding): Finding {
  return new FixProver(view, alwaysReporting(finding)).prove(finding);
}

const scanView = () => buildView({ name: "case", files: { "case.json": list(deployment("api", [{ name: "app", image: "api:1", resources: { limits: { memory: "128Mi" } } }])) } });

describe("a finding that rests on what was recorded, in scan and pod mode", () => {
  it("stays after the change: checked safe, not proven, whatever the rule (its evidence says what it rests on)", () => {
    const proven = prove(scanView(), findingWith([{ source: "status", text: "lastState.terminated: OOMKilled" }, { source: "event", text: "BackOff" }, { source: "spec", text: "limits.memory 128Mi" }]));
    expect(proven.fix!.proven).toBe(false);
    expect(proven.fix!.proof).toBe("applied to Deployment default/api in the view, the change brings no new error or warning; this finding rests on status and events recorded before the change, so run the verify commands once it is rolled out");
    expect(proven.fix!.checkedSafe).toBe(true);
  });

  it("names each kind of record once, logs from both the current and the previous container", () => {
    const proven = prove(scanView(), findingWith([{ source: "previous-log", text: "bind: address already in use" }, { source: "log", text: "bind: address already in use" }, { source: "access-log", text: "UT" }]));
    expect(proven.fix!.proof).toContain("rests on logs and access logs recorded");
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

describe("re-checking a finding that rests on records: the rules that read templates, with the answered one", () => {
  /** Three rules see the change: the answered one, one resting on records and one reading templates; each reports `after` on the changed view. */
  function runner(finding: Finding, after: { records?: boolean; template?: boolean }, ran: string[][]): ProofRunner {
    const warning = (rule: string): Finding => ({ ...finding, rule, severity: "warning", summary: `${rule} warns`, fix: undefined });
    return {
      run: (view, only) => {
        ran.push([...(only ?? [])].sort());
        const changed = (view.get("Deployment", "default", "api") as any)?.spec.template.spec.containers[0].resources.limits.memory === "256Mi";
        const found = only === undefined || only.has(finding.rule) ? [{ ...finding, fix: undefined }] : [];
        if (changed && after.records && only?.has("test/records")) found.push(warning("test/records"));
        if (changed && after.template && only?.has("test/template")) found.push(warning("test/template"));
        return found;
      },
      rulesSeeing: () => new Set([finding.rule, "test/records", "test/template"]),
      restsOnRecords: (rule) => rule === "test/records",
      producerOf: (rule) => rule,
      ruleCount: 3,
    };
  }
  const recorded = () => findingWith([{ source: "status", text: "OOMKilled" }]);

  it("checked safe without running the rules that rest on records, nor the answered rule on the part before", () => {
    const ran: string[][] = [];
    const finding = recorded();
    const proven = new FixProver(scanView(), runner(finding, { records: true }, ran), [finding]).prove(finding);
    expect(proven.fix!.checkedSafe).toBe(true);
    expect(ran).toEqual([["test/any-rule", "test/template"]]);
  });

  it("without the run's findings to say the answered one was there, the answered rule runs on the part before too", () => {
    const ran: string[][] = [];
    const finding = recorded();
    expect(new FixProver(scanView(), runner(finding, { records: true }, ran)).prove(finding).fix!.checkedSafe).toBe(true);
    expect(ran).toEqual([["test/any-rule", "test/template"], ["test/any-rule"]]);
  });

  it("a new warning from a rule reading templates still drops the fix, listed as the full re-check lists it", () => {
    const ran: string[][] = [];
    const finding = recorded();
    const proven = new FixProver(scanView(), runner(finding, { template: true }, ran)).prove(finding);
    expect(proven.fix!.proof).toBe("applied to the view, the change brings a new problem: test/template (warning): test/template warns");
    expect(ran).toContainEqual(["test/any-rule", "test/records", "test/template"]);
  });

  it("a finding resting on what objects declare is re-checked by every rule that sees the change", () => {
    const ran: string[][] = [];
    const finding = findingWith([{ source: "spec", text: "limits.memory 128Mi" }]);
    const proven = new FixProver(scanView(), runner(finding, { records: true }, ran)).prove(finding);
    expect(proven.fix!.proof).toBe("applied to the view, the change brings a new problem: test/records (warning): test/records warns");
    expect(ran[0]).toEqual(["test/any-rule", "test/records", "test/template"]);
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
