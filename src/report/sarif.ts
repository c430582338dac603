import { createHash } from "node:crypto";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { Finding } from "../model/finding.js";
import type { RenderOptions, Report, RuleDescriptor } from "./report.js";

/**
 * SARIF 2.1.0 as code scanning (GitHub, GitLab, Azure DevOps) keeps it
 * (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
 * every result has a file and line relative to the repository root, and a fingerprint that does not
 * change when only counts or wording change, so an alert stays one alert from run to run.
 */

const LEVEL = { error: "error", warning: "warning", info: "note" } as const;
const INFORMATION_URI = "https://github.com/ktriage/ktriage";
const SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT = "%SRCROOT%";
/** The fingerprint's name; bump the version if what goes into it ever changes. */
export const FINGERPRINT_KEY = "ktriageFinding/v1";
const INPUT_RULE: RuleDescriptor = {
  id: "ktriage/input-problem",
  title: "A manifest could not be read",
  category: "config-schema-error",
  severity: "error",
  equivalents: ["IST0106"],
  docs: {
    cause: "The file is not valid YAML or JSON, or a document has no apiVersion or kind; kubectl apply would reject it. The other documents were still analysed.",
    fix: "Fix the syntax at the line given (indentation, a missing colon or quote), or give the document apiVersion and kind.",
    verify: ["kubectl apply --dry-run=server -f FILE"],
    references: ["https://kubernetes.io/docs/concepts/overview/working-with-objects/#describing-a-kubernetes-object"],
  },
};

/** The documentation page for a rule: Istio's page for its IST code, else its first https reference. */
export function helpUri(rule: RuleDescriptor): string {
  const ist = rule.equivalents.find((code) => /^IST\d{4}$/.test(code));
  if (ist) return `https://istio.io/latest/docs/reference/config/analysis/${ist.toLowerCase()}/`;
  return rule.docs.references.find((item) => item.startsWith("https://")) ?? `${INFORMATION_URI}/blob/main/docs/rules.md#${rule.id.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`;
}

/**
 * How often a rule's finding is right, in code scanning's words: rules that mirror an `istioctl
 * analyze` code are checked against Istio's own test suite; a fallback speaks only when nothing
 * more specific explains the resource; notes are matters of taste.
 */
export function precision(rule: RuleDescriptor): "very-high" | "high" | "medium" | "low" {
  if (rule.fallback) return "low";
  if (rule.equivalents.some((code) => /^IST\d{4}$/.test(code))) return "very-high";
  return rule.severity === "info" ? "medium" : "high";
}

function helpMarkdown(rule: RuleDescriptor): string {
  const parts = [`**${escapeMarkdown(rule.title)}**`, "", "**Cause**", "", rule.docs.cause, "", "**Fix**", "", rule.docs.fix];
  if (rule.docs.verify.length > 0) parts.push("", "**Verify**", "", "```sh", ...rule.docs.verify, "```");
  const links = rule.docs.references.filter((item) => item.startsWith("https://"));
  if (links.length > 0) parts.push("", "**References**", "", ...links.map((link) => `- <${link}>`));
  if (rule.equivalents.length > 0) parts.push("", `Other tools: ${rule.equivalents.map((code) => `\`${code}\``).join(", ")}`);
  return parts.join("\n");
}

function helpText(rule: RuleDescriptor): string {
  const parts = [rule.docs.cause, `Fix: ${rule.docs.fix}`];
  if (rule.docs.verify.length > 0) parts.push(`Verify: ${rule.docs.verify.join("; ")}`);
  return parts.join("\n\n");
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, "\\$1");
}

function ruleName(id: string): string {
  return id.replace(/^[a-z]+\//, "").replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}

/** A status or spec field path in the evidence (`status.containerStatuses[0].lastState`), not a file path. */
function fieldPath(finding: Finding): string {
  return finding.evidence.find((item) => item.path !== undefined && /^(metadata|spec|status|data|stringData|type)\b[\w.[\]"'/-]*$/.test(item.path))?.path ?? "";
}

/**
 * Rule, resource and field path: the same problem on the same object keeps its alert when a count,
 * a timestamp or the message changes. The file is left out so moving a manifest keeps it too.
 */
export function fingerprint(finding: Finding): string {
  const r = finding.resource;
  const key = [finding.rule, r.kind, r.namespace ?? "", r.name, r.container ?? "", fieldPath(finding)].join("\u0000");
  return createHash("sha256").update(key).digest("hex").slice(0, 32);
}

interface Artifact {
  uri: string;
  uriBaseId?: string;
}

/** Where a file is, relative to the repository root; undefined when it is no file (a live object, an assumed default). */
function artifactFor(file: string | undefined, options: NonNullable<RenderOptions["sarif"]>): Artifact | undefined {
  if (!file || file.startsWith("(") || file.startsWith("api:") || file.startsWith("cluster ")) return undefined;
  const named = file === "-" ? options.stdinName : file;
  if (!named) return undefined;
  const absolute = isAbsolute(named) ? named : resolve(options.cwd, named);
  const inside = relative(options.root, absolute);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) return { uri: pathToFileURL(absolute).href };
  return { uri: inside.split(sep).map(encodeURIComponent).join("/"), uriBaseId: SRCROOT };
}

function logicalLocation(finding: Finding) {
  const r = finding.resource;
  return { name: `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`, kind: "resource" };
}

/** The report as SARIF 2.1.0; findings with no file to point at are left out, and a notification says how many. */
export function renderSarif(report: Report, options: RenderOptions["sarif"] = { root: process.cwd(), cwd: process.cwd() }): string {
  const descriptors = new Map((report.rules ?? []).map((rule) => [rule.id, rule]));
  const placed: { finding: Finding; artifact: Artifact }[] = [];
  const unplaced: Finding[] = [];
  for (const finding of report.findings) {
    const artifact = artifactFor(finding.resource.file, options);
    if (artifact) placed.push({ finding, artifact });
    else unplaced.push(finding);
  }
  const problems = report.inputs.problems.map((problem) => ({ problem, artifact: artifactFor(problem.origin.file, options) }));

  const ruleIds = [...new Set(placed.map(({ finding }) => finding.rule))];
  if (problems.some(({ artifact }) => artifact)) ruleIds.push(INPUT_RULE.id);
  const rules = ruleIds.map((id) => {
    const rule = id === INPUT_RULE.id ? INPUT_RULE : descriptors.get(id) ?? describeFromFinding(placed.find(({ finding }) => finding.rule === id)!.finding);
    return {
      id,
      name: ruleName(id),
      shortDescription: { text: rule.title },
      fullDescription: { text: rule.docs.cause },
      help: { text: helpText(rule), markdown: helpMarkdown(rule) },
      helpUri: helpUri(rule),
      defaultConfiguration: { level: LEVEL[rule.severity] },
      properties: { category: rule.category, precision: precision(rule), tags: [rule.category, ...rule.equivalents], "problem.severity": rule.severity === "info" ? "recommendation" : rule.severity },
    };
  });
  const ruleIndex = new Map(ruleIds.map((id, index) => [id, index]));

  const results = placed.map(({ finding, artifact }) => ({
    ruleId: finding.rule,
    ruleIndex: ruleIndex.get(finding.rule)!,
    level: LEVEL[finding.severity],
    message: { text: finding.message ?? finding.summary },
    locations: [{ physicalLocation: { artifactLocation: artifact, region: { startLine: finding.resource.line ?? 1 } }, logicalLocations: [logicalLocation(finding)] }],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(finding) },
    properties: {
      category: finding.category,
      confidence: finding.confidence,
      equivalents: finding.equivalents,
      resource: { kind: finding.resource.kind, ...(finding.resource.namespace ? { namespace: finding.resource.namespace } : {}), name: finding.resource.name, ...(finding.resource.container ? { container: finding.resource.container } : {}) },
      ...(finding.fix ? { fix: { description: finding.fix.description, commands: finding.fix.commands } } : {}),
    },
  }));
  for (const { problem, artifact } of problems) {
    if (!artifact) continue;
    results.push({
      ruleId: INPUT_RULE.id,
      ruleIndex: ruleIndex.get(INPUT_RULE.id)!,
      level: "error",
      message: { text: problem.message },
      locations: [{ physicalLocation: { artifactLocation: artifact, region: { startLine: problem.origin.line ?? 1 } }, logicalLocations: [] }],
      partialFingerprints: { [FINGERPRINT_KEY]: createHash("sha256").update(`${INPUT_RULE.id}\u0000${artifact.uri}\u0000${problem.origin.line ?? 0}`).digest("hex").slice(0, 32) },
      properties: { category: INPUT_RULE.category, confidence: 1, equivalents: INPUT_RULE.equivalents, resource: { kind: "File", name: artifact.uri } },
    } as (typeof results)[number]);
  }
  for (const result of results) if (result.locations[0]!.logicalLocations.length === 0) delete (result.locations[0] as { logicalLocations?: unknown }).logicalLocations;

  const notifications: object[] = [];
  if (unplaced.length > 0) {
    const stdin = unplaced.filter((finding) => finding.resource.file === "-").length;
    const text = `${unplaced.length} finding${unplaced.length === 1 ? " is" : "s are"} about objects with no file in the repository (live objects, assumed defaults${stdin > 0 ? `, ${stdin} read from stdin: name the file with --stdin-filename` : ""}) and left out of SARIF; -o json lists every finding.`;
    notifications.push({ level: "note", message: { text }, descriptor: { id: "ktriage/findings-without-file" } });
  }
  for (const { problem, artifact } of problems) {
    if (artifact) continue;
    notifications.push({ level: "error", message: { text: `${problem.origin.file}${problem.origin.line ? `:${problem.origin.line}` : ""}: ${problem.message}` }, descriptor: { id: INPUT_RULE.id } });
  }
  for (const failure of report.failures) notifications.push({ level: "warning", message: { text: `rule ${failure.rule} could not run on this input: ${failure.message}` }, descriptor: { id: failure.rule } });

  const version = report.toolVersion ?? "0.0.0";
  const sarif = {
    $schema: SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "ktriage", version, semanticVersion: version, informationUri: INFORMATION_URI, rules } },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(options.root.endsWith(sep) ? options.root : options.root + sep).href } },
        automationDetails: { id: `ktriage/${report.command.split(" ")[0]}/` },
        invocations: [{ executionSuccessful: report.failures.length === 0, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}

/** A rule the report carried no descriptor for (a report built by hand): described from its finding. */
function describeFromFinding(finding: Finding): RuleDescriptor {
  return { id: finding.rule, title: finding.summary, category: finding.category, severity: finding.severity, equivalents: finding.equivalents, docs: { cause: finding.cause, fix: finding.fix?.description ?? "", verify: finding.verify, references: [] } };
}
