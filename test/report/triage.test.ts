import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { runRules } from "../../src/engine/engine.js";
import { groupIncidents } from "../../src/engine/incidents.js";
import { URGENCIES } from "../../src/model/incident.js";
import { renderText } from "../../src/report/text.js";
import { allRules } from "../../src/rules/index.js";
import { applyHunks, parseHunks } from "../../src/util/unified-diff.js";
import { viewFromPaths } from "../../src/sources/load-view.js";
import type { Report } from "../../src/report/report.js";

const root = resolve(__dirname, "../..");
const lab = resolve(root, "examples/lab");

function ktriage(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [resolve(root, "dist/cli.js"), ...args], { cwd: root, encoding: "utf8", input, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "" }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("incidents on the bundled lab", () => {
  const view = viewFromPaths([lab]);
  const result = runRules(allRules, view, { scope: "diagnose" });
  const findings = result.findings;
  const incidents = groupIncidents(view, findings);
  const incidentOf = (predicate: (index: number) => boolean) => incidents.filter((incident) => incident.findings.some(predicate));

  it("puts every finding in exactly one incident, numbered 1..n", () => {
    const seen = incidents.flatMap((incident) => incident.findings).sort((a, b) => a - b);
    expect(seen).toEqual(findings.map((_, index) => index));
    expect(incidents.map((incident) => incident.id)).toEqual(incidents.map((_, index) => index + 1));
  });

  it("orders incidents by urgency, then by severity", () => {
    const ranks = incidents.map((incident) => URGENCIES.indexOf(incident.urgency));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    const severities = incidents.map((incident) => ({ error: 0, warning: 1, info: 2 })[incident.severity]);
    expect([...severities].sort((a, b) => a - b)).toEqual(severities);
    // what users feel now comes before a failed batch Job
    const timeout = incidents.find((incident) => incident.rule === "envoy/upstream-timeout")!;
    const job = incidents.find((incident) => incident.rule === "pod/job-backoff-limit")!;
    expect(timeout.urgency).toBe("requests-failing");
    expect(job.urgency).toBe("batch-failed");
    expect(timeout.id).toBeLessThan(job.id);
    const serviceWithoutPods = incidents.find((incident) => incident.rule === "manifest/service-selector-matches-nothing")!;
    expect(serviceWithoutPods.urgency).toBe("no-ready-endpoints");
    const oom = incidents.find((incident) => incident.rule === "pod/oom-killed")!;
    expect(oom.urgency).toBe("pods-down");
    expect(serviceWithoutPods.id).toBeLessThan(oom.id);
    expect(oom.id).toBeLessThan(job.id);
  });

  it("folds a Job and the pods it created into one incident about the Job", () => {
    const jobIncidents = incidentOf((index) => findings[index]!.resource.namespace === "lab-job-fail" && findings[index]!.severity === "error");
    expect(jobIncidents).toHaveLength(1);
    const [job] = jobIncidents;
    expect(job!.resource).toEqual({ kind: "Job", namespace: "lab-job-fail", name: "report-export" });
    expect(job!.pods.length).toBeGreaterThanOrEqual(4);
    expect(findings[job!.primary]!.rule).toBe("pod/job-backoff-limit");
  });

  it("makes one incident of one VirtualService with two missing subsets", () => {
    const subsets = incidentOf((index) => findings[index]!.rule === "istio/virtualservice-subset-not-found");
    expect(subsets).toHaveLength(1);
    expect(subsets[0]!.findings.filter((index) => findings[index]!.rule === "istio/virtualservice-subset-not-found")).toHaveLength(2);
  });

  it("folds a proxy's xDS symptom under its sidecar finding, per workload", () => {
    const notReady = incidentOf((index) => findings[index]!.resource.namespace === "lab-mesh-notready" && findings[index]!.resource.kind === "Pod");
    expect(notReady).toHaveLength(1);
    expect(notReady[0]!.resource).toEqual({ kind: "Deployment", namespace: "lab-mesh-notready", name: "my-service" });
    expect(notReady[0]!.findings.map((index) => findings[index]!.rule)).toEqual(expect.arrayContaining(["sidecar/proxy-not-ready", "envoy/proxy-status-stale"]));
    const netpol = incidentOf((index) => findings[index]!.resource.namespace === "lab-mesh-netpol" && findings[index]!.resource.kind === "Pod");
    expect(netpol).toHaveLength(1);
  });

  it("states the first action from the fix", () => {
    const oom = incidents.find((incident) => incident.rule === "pod/oom-killed")!;
    expect(oom.resource).toEqual({ kind: "Deployment", namespace: "lab-oom", name: "report-worker" });
    expect(oom.cause).toBe("OOMKilled");
    expect(oom.action).toContain("raise memory limit 256Mi -> 512Mi");
  });

  it("lists each incident once in the summary, in order, before the details", () => {
    const report: Report = { command: "scan", mode: view.mode, findings, skipped: result.skipped, inputs: view.inputs, failures: result.failures, now: view.now, incidents };
    const text = renderText(report, { color: false, width: 100 });
    const lines = text.split("\n");
    const details = lines.indexOf("Details");
    expect(details).toBeGreaterThan(0);
    const rows = lines.slice(0, details).filter((line) => /^\s*\d+(-\d+)?\s+(ERROR|WARN|INFO)\s/.test(line));
    const listed: number[] = [];
    for (const row of rows) {
      const [from, to] = row.trim().split(/\s+/, 1)[0]!.split("-").map(Number);
      for (let id = from!; id <= (to ?? from!); id++) listed.push(id);
    }
    expect(listed).toEqual(incidents.map((incident) => incident.id));
    // each numbered incident's details appear once, in the same order
    const headers = lines.filter((line) => /^\[\d+\] /.test(line)).map((line) => Number(/^\[(\d+)\]/.exec(line)![1]));
    expect(new Set(headers).size).toBe(headers.length);
    expect([...headers].sort((a, b) => a - b)).toEqual(headers);
  });

  it("shows each fix as a unified diff that turns the before-YAML into the after-YAML", () => {
    const report: Report = { command: "scan", mode: view.mode, findings, skipped: result.skipped, inputs: view.inputs, failures: result.failures, now: view.now, incidents };
    const text = renderText(report, { color: false, width: 100, verbose: true });
    const blocks = text.split(/\n(?=\s+--- )/).slice(1);
    expect(blocks.length).toBeGreaterThan(20);
    const withYaml = findings.filter((finding) => finding.fix?.yaml);
    let checked = 0;
    for (const block of blocks) {
      const lines = block.split("\n");
      const target = /^\s+\+\+\+ (.+) \((fixed|new)\)$/.exec(lines[1] ?? "");
      if (!target) continue;
      const indent = /^(\s+)--- /.exec(lines[0]!)![1]!.length;
      const diff: string[] = [];
      for (const line of lines.slice(2)) {
        const body = line.slice(indent);
        if (!(line.startsWith(" ".repeat(indent)) && /^(@@ |[ +-])/.test(body))) break;
        diff.push(body);
      }
      const hunks = parseHunks(diff);
      const candidates = withYaml.filter((finding) => (finding.fix!.yaml!.target ?? "the object") === target[1]);
      const applied = candidates.some((finding) => {
        const before = target[2] === "new" ? "" : finding.fix!.yaml!.before;
        return applyHunks(before, hunks) === finding.fix!.yaml!.after.replace(/\n$/, "");
      });
      expect(applied, `diff for ${target[1]} applies`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe("scan text output", () => {
  it("opens with the triage list; --summary prints only the list", () => {
    const full = ktriage(["scan", "--snapshot", "examples/lab"]);
    expect(full.code).toBe(1);
    const lines = full.stdout.split("\n");
    expect(lines[2]).toMatch(/^\d+ incidents, most urgent first/);
    expect(lines[3]).toMatch(/#\s+SEV\s+NAMESPACE\s+RESOURCE\s+CAUSE\s+FIRST ACTION/);
    expect(full.stdout).not.toMatch(/rules skipped for missing inputs/);
    const summary = ktriage(["scan", "--snapshot", "examples/lab", "--summary"]);
    expect(summary.code).toBe(1);
    expect(summary.stdout.split("\n")[0]).toMatch(/^\d+ incidents/);
    expect(summary.stdout).not.toContain("Details");
    expect(summary.stdout).toMatch(/lab-oom\s+deploy\/report-worker\s+OOMKilled\s+raise memory limit 256Mi -> 512Mi/);
    const wide = ktriage(["scan", "--snapshot", "examples/lab", "--summary", "-o", "wide"]);
    expect(wide.stdout.split("\n")[1]).toMatch(/FIRST ACTION\s+URGENCY\s+RULE\s+FINDINGS\s+PODS\s+CONFIDENCE/);
  });

  it("says which incident each finding belongs to in JSON", () => {
    const json = JSON.parse(ktriage(["scan", "--snapshot", "examples/lab", "-o", "json"]).stdout) as { incidents: Array<{ id: number; findings: number[] }>; findings: Array<{ incident: number }> };
    expect(json.incidents.length).toBeGreaterThan(10);
    json.findings.forEach((finding, index) => {
      expect(json.incidents[finding.incident - 1]!.findings).toContain(index);
    });
  });
});
