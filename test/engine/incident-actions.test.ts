import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runRules } from "../../src/engine/engine.js";
import { groupIncidents } from "../../src/engine/incidents.js";
import { allRules } from "../../src/rules/index.js";
import { viewFromPaths } from "../../src/sources/load-view.js";

const lab = resolve(__dirname, "../../examples/lab");

describe("first actions of the lab's incidents", () => {
  const view = viewFromPaths([lab]);
  const findings = runRules(allRules, view, { scope: "diagnose" }).findings;
  const incidents = groupIncidents(view, findings);

  it("a failed Job's first action is its pods' failure from their log, then re-creating the Job", () => {
    const job = incidents.find((incident) => incident.rule === "pod/job-backoff-limit" && incident.resource.name === "report-export")!;
    expect(job).toBeDefined();
    const podFinding = job.findings.map((index) => findings[index]!).find((finding) => finding.resource.kind === "Pod")!;
    const logLine = podFinding.evidence.map((item) => /^(?:previous-)?log line (\d+): .*?(\w+Error: .+)$/.exec(item.text)).find(Boolean)!;
    expect(logLine, "the pods' evidence quotes the failing log line").toBeTruthy();
    expect(job.action).toBe(`fix "${logLine[2]}" (log line ${logLine[1]}), then re-create Job report-export`);
  });

  it("a Pending pod's first action names the resource the scheduler found short; a proxy not ready names what Envoy rejected", () => {
    const pending = incidents.find((incident) => incident.rule === "pod/unschedulable")!;
    const scheduler = findings[pending.primary]!.evidence.map((item) => /\b(\d+) Insufficient (\w+)/.exec(item.text)).find(Boolean)!;
    expect(pending.action).toBe(`lower the ${scheduler[2]} requests or add nodes (${scheduler[1]} nodes: Insufficient ${scheduler[2]})`);
    const notReady = incidents.find((incident) => incident.rule === "sidecar/proxy-not-ready")!;
    const nack = findings[notReady.primary]!.evidence.map((item) => /rejected: (.{20})/.exec(item.text)).find(Boolean)!;
    expect(notReady.action.startsWith(`fix or remove what Envoy rejects: ${nack[1]}`)).toBe(true);
  });

  it("a failing init container's first action is the failure its previous log shows", () => {
    const init = incidents.find((incident) => incident.rule === "pod/init-container-failure")!;
    const logLine = findings[init.primary]!.evidence.map((item) => /^previous[- ]log line (\d+): (.{20})/.exec(item.text)).find(Boolean)!;
    expect(logLine, "the evidence quotes the init container's previous log").toBeTruthy();
    expect(init.action.startsWith(`fix "${logLine[2]}`)).toBe(true);
    expect(init.action).toMatch(new RegExp(`\\(log line ${logLine[1]}\\)$`));
  });

  it("no first action only says to find out why, is a bare condition, or only names a container", () => {
    const weak = incidents.filter((incident) => /^(Fix why|The application's own code fails|No node has enough|Find the configuration|(Init )?container [\w.-]+$)/i.test(incident.action) || /^(If|When|Unless) [^,;]*$/.test(incident.action));
    expect(weak.map((incident) => `${incident.rule}: ${incident.action}`)).toEqual([]);
  });
});
