import type { Finding } from "../model/finding.js";
import { findRule } from "../rules/index.js";
import type { Report } from "./report.js";

const LEVEL = { error: "error", warning: "warning", info: "note" } as const;

function helpUri(finding: Finding): string | undefined {
  const ist = finding.equivalents.find((code) => /^IST\d{4}$/.test(code));
  if (ist) return `https://istio.io/latest/docs/reference/config/analysis/${ist.toLowerCase()}/`;
  const reference = findRule(finding.rule)?.docs.references.find((item) => item.startsWith("https://"));
  return reference;
}

function helpText(finding: Finding): string {
  const rule = findRule(finding.rule);
  const parts = [rule?.docs.cause ?? finding.cause, `Fix: ${rule?.docs.fix ?? finding.fix?.description ?? ""}`];
  const verify = rule?.docs.verify ?? finding.verify;
  if (verify.length) parts.push(`Verify: ${verify.join("; ")}`);
  return parts.join("\n\n");
}

/**
 * SARIF 2.1.0 for code-scanning UIs (GitHub, GitLab, Azure DevOps): one rule
 * per ktriage rule with its help, one result per finding at the file and line
 * of the offending field.
 */
export function renderSarif(report: Report): string {
  const ruleIds = [...new Set(report.findings.map((f) => f.rule))];
  const firstOf = new Map(ruleIds.map((id) => [id, report.findings.find((f) => f.rule === id)!]));
  const rules = ruleIds.map((id) => {
    const first = firstOf.get(id)!;
    const rule = findRule(id);
    const uri = helpUri(first);
    const text = helpText(first);
    return {
      id,
      name: id.replace(/^[a-z]+\//, "").replace(/(^|-)([a-z0-9])/g, (_m, _dash: string, c: string) => c.toUpperCase()),
      shortDescription: { text: rule?.title ?? first.summary },
      fullDescription: { text: rule?.docs.cause ?? first.cause },
      help: { text, markdown: text.replace(/\n\n/g, "\n\n") },
      ...(uri ? { helpUri: uri } : {}),
      defaultConfiguration: { level: LEVEL[rule?.severity ?? first.severity] },
      properties: { category: first.category, tags: [first.category, ...(rule?.equivalents ?? first.equivalents)] },
    };
  });
  const results = report.findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: ruleIds.indexOf(f.rule),
    level: LEVEL[f.severity],
    message: { text: `${f.message ?? f.summary}${f.fix ? ` Fix: ${f.fix.description}` : ""}` },
    locations: [
      f.resource.file && !f.resource.file.startsWith("(")
        ? { physicalLocation: { artifactLocation: { uri: f.resource.file.replace(/^\.\//, "") }, region: { startLine: f.resource.line ?? 1 } }, logicalLocations: [{ name: `${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ""}${f.resource.name}`, kind: "resource" }] }
        : { logicalLocations: [{ name: `${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ""}${f.resource.name}`, kind: "resource" }] },
    ],
    partialFingerprints: { resource: `${f.rule}:${f.resource.kind}/${f.resource.namespace ?? ""}/${f.resource.name}:${f.message ?? f.summary}` },
    properties: { category: f.category, confidence: f.confidence, equivalents: f.equivalents, resource: f.resource },
  }));
  const notifications = report.inputs.problems.map((problem) => ({
    level: "error",
    message: { text: problem.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: problem.origin.file }, region: { startLine: problem.origin.line ?? 1 } } }],
  }));
  // Unreadable inputs (not YAML, no kind) are results too, so that code-scanning UIs show them on the file.
  const inputRule = {
    id: "ktriage/input-problem",
    name: "InputProblem",
    shortDescription: { text: "A manifest could not be read" },
    fullDescription: { text: "The file is not valid YAML or JSON, or a document has no kind; kubectl apply would reject it. Other documents were still analysed." },
    help: { text: "Fix the syntax at the line given (indentation, a missing colon or quote), or give the document apiVersion and kind." },
    defaultConfiguration: { level: "error" },
  };
  if (report.inputs.problems.length > 0) {
    rules.push(inputRule as (typeof rules)[number]);
    for (const problem of report.inputs.problems) {
      results.push({
        ruleId: inputRule.id,
        ruleIndex: rules.length - 1,
        level: "error",
        message: { text: problem.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: problem.origin.file.replace(/^\.\//, "") }, region: { startLine: problem.origin.line ?? 1 } } }] as (typeof results)[number]["locations"],
        partialFingerprints: { resource: `input:${problem.origin.file}:${problem.message}` },
        properties: { category: "config-schema-error", confidence: 1, equivalents: ["IST0106"], resource: { kind: "File", name: problem.origin.file } },
      } as (typeof results)[number]);
    }
  }
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "ktriage", informationUri: "https://github.com/ktriage/ktriage", rules } },
        invocations: [{ executionSuccessful: report.failures.length === 0, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}
