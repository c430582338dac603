import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Option, type Command } from "commander";
import type { EngineResult, RunOptions } from "../engine/engine.js";
import type { Rule } from "../contract/rule.js";
import { groupIncidents } from "../engine/incidents.js";
import { describeRules, RuleSelectionError, selectRules, type RuleSelection } from "../engine/selection.js";
import { SEVERITY_ORDER, type Finding, type Severity } from "../model/finding.js";
import { jsonReportText, OUTPUT_FORMATS, renderReport, toJsonDocument, type OutputFormat, type Report } from "../report/index.js";
import { everyRule } from "../rules/registry.js";
import { VERSION } from "../version.js";
import { inputProblemLines } from "../report/text.js";
import { jsonMayNeedRedaction, redact, redactDeep } from "../util/redact.js";
import type { ClusterView } from "../view/cluster-view.js";
import type { TrafficInput } from "../report/html/traffic.js";

/** Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or input error. */
export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
import { EXIT_USAGE, UsageError, warn } from "./usage.js";

export { EXIT_USAGE, UsageError, warn };

export interface OutputOptions {
  output: OutputFormat;
  failOn: Severity | "none";
  color?: boolean;
  showSkipped?: boolean;
  verbose?: boolean;
  summary?: boolean;
  rule?: string[];
  enable?: string[];
  suppress?: string[];
  sarifRoot?: string;
  stdinFilename?: string;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The input flags every command reads its evidence with; `wording` words a flag for one command, `null` leaves it out. */
export type InputFlagWording = Partial<Record<"filename" | "snapshot" | "namespace" | "allNamespaces" | "selector" | "context" | "kubeconfig" | "timeout", string | null>>;

const INPUT_FLAG_WORDING: Required<{ [flag in keyof InputFlagWording]: string }> = {
  filename: "file, folder or - (stdin): kubectl JSON/YAML, List, describe/events text, logs; repeatable",
  snapshot: "a ktriage snapshot folder or a `kubectl cluster-info dump --output-directory` folder",
  namespace: "only this namespace (live: the namespace to read)",
  allNamespaces: "every namespace",
  selector: "label selector, as kubectl: app=api,tier!=db,env in (prod,stage)",
  context: "kubeconfig context (live mode)",
  kubeconfig: "kubeconfig file (live mode; default $KUBECONFIG or ~/.kube/config)",
  timeout: "bound the whole live run",
};

export function addInputOptions(command: Command, wording: InputFlagWording = {}): Command {
  const say = (flag: keyof InputFlagWording) => (wording[flag] === undefined ? INPUT_FLAG_WORDING[flag] : wording[flag]);
  const add = (flag: keyof InputFlagWording, declare: (description: string) => void) => {
    const description = say(flag);
    if (description !== null) declare(description);
  };
  add("filename", (description) => command.option("-f, --filename <path>", description, collect, []));
  add("snapshot", (description) => command.option("--snapshot <dir>", description));
  add("namespace", (description) => command.option("-n, --namespace <ns>", description));
  add("allNamespaces", (description) => command.option("-A, --all-namespaces", description));
  add("selector", (description) => command.option("-l, --selector <selector>", description));
  add("context", (description) => command.option("--context <name>", description));
  add("kubeconfig", (description) => command.option("--kubeconfig <file>", description));
  add("timeout", (description) => command.option("--timeout <seconds>", description, (value) => Number(value)));
  return command;
}

/** `-o/--output`, the same flag on every command; each names its formats and may word them. */
export function outputOption(formats: readonly string[], description = "output format", defaultFormat = "text"): Option {
  return new Option("-o, --output <format>", description).choices(formats).default(defaultFormat);
}

/** `--fail-on`, the same flag on every command that reports findings or checks. */
export function failOnOption(defaultFailOn: Severity | "none" = "error", description = "exit 1 when a finding at or above this severity is reported"): Option {
  return new Option("--fail-on <severity>", description).choices(["error", "warning", "info", "none"]).default(defaultFailOn);
}

export function addOutputOptions(command: Command, defaultFailOn: Severity | "none" = "error"): Command {
  return command
    .addOption(outputOption([...OUTPUT_FORMATS]))
    .addOption(failOnOption(defaultFailOn))
    .option("--rule <id>", "run only this rule, or the rules under a prefix such as istio/; repeatable", collect, [])
    .option("--enable <id>", "also run this opt-in rule (ktriage rules marks them); repeatable", collect, [])
    .option("--suppress <code=resource>", 'do not report an Istio code or a rule on a resource, as istioctl: "IST0102=Namespace frod", "manifest/cpu-unset=Deployment *.batch"; repeatable', collect, [])
    .option("--show-skipped", "list the rules skipped for missing inputs (text output)")
    .option("--summary", "text output: print only the triage list, one line an incident")
    .option("--verbose", "text output: show every finding in full, even when one rule fires on many resources")
    .option("--no-color", "never colour the output (NO_COLOR is honoured too)")
    .option("--sarif-root <dir>", "SARIF: file URIs relative to this folder (default: the git repository's top level, else the working directory)")
    .option("--stdin-filename <path>", "SARIF: the file that - (stdin) was read from, as the repository names it");
}

export function useColor(options: { color?: boolean }): boolean {
  if (options.color === false) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0") return true;
  return Boolean(process.stdout.isTTY);
}

/** The exit code for what a command reported (findings, or readiness checks as severities) against `--fail-on`. */
export function exitCodeFor(reported: readonly { severity: Severity }[], failOn: Severity | "none"): number {
  if (failOn === "none") return EXIT_CLEAN;
  return reported.some((item) => SEVERITY_ORDER[item.severity] >= SEVERITY_ORDER[failOn]) ? EXIT_FINDINGS : EXIT_CLEAN;
}

/** Every command leaves its exit code on the root program, where main reads it. */
export function setExitCode(command: Command, code: number): void {
  let root = command;
  while (root.parent) root = root.parent;
  root.setOptionValue("exitCode", code);
}

/** The report of a command that ran `rules`; `keep` narrows the suppressed list as the command narrowed its findings. */
export function toReport(command: string, view: ClusterView, result: EngineResult, rules: readonly Rule[], findings: Finding[] = result.findings, keep: (finding: Finding) => boolean = () => true): Report {
  const suppressed = result.suppressed.filter((item) => keep(item.finding));
  // Input problems quote what was read (a scalar document, a file name): they cross the same boundary as findings.
  const inputs = { ...view.inputs, problems: view.inputs.problems.map((problem) => ({ origin: problem.origin, message: redact(problem.message) })) };
  const safe = redactDeep(findings);
  return { command, mode: view.mode, findings: safe, skipped: result.skipped, inputs, failures: redactDeep(result.failures), now: view.now, suppressed, incidents: groupIncidents(view, safe), rules: describeRules(safe, rules), toolVersion: VERSION };
}

/** `--sarif-root` (default the git top level above the working directory, else the working directory) and `--stdin-filename`. */
export function sarifLocations(options: { sarifRoot?: string; stdinFilename?: string }): { root: string; cwd: string; stdinName?: string } {
  const cwd = process.cwd();
  const root = options.sarifRoot ? resolve(cwd, options.sarifRoot) : gitTopLevel(cwd) ?? cwd;
  return { root, cwd, ...(options.stdinFilename ? { stdinName: options.stdinFilename } : {}) };
}

function gitTopLevel(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** What `-o html` draws beside the report: the view it came from, and access logs a command read itself. */
export interface HtmlContext {
  view: ClusterView;
  traffic?: TrafficInput[];
  /** `ktriage pod`: the page shows only this pod's proxy. */
  pod?: { name: string; namespace?: string };
}

/** Prints the report and returns the exit code. */
export async function emit(report: Report, options: OutputOptions, html?: HtmlContext): Promise<number> {
  for (const line of inputProblemLines(report)) warn(line);
  if (nothingLoaded(report) || nothingGiven(report)) {
    const sources = report.inputs.sources;
    const named = report.inputs.problems.length > 0 || sources.length === 0;
    warn(named ? "nothing to analyse: no input could be read" : `nothing to analyse: ${sources.join(", ")} ${sources.length === 1 ? "holds" : "hold"} no Kubernetes object, event, log line or Envoy input`);
    return EXIT_USAGE;
  }
  const requestedSkipped = report.skipped.filter((item) => (options.rule ?? []).some((id) => item.rule === id || item.rule.startsWith(id))).map((item) => item.rule);
  for (const rule of requestedSkipped) warn(`--rule ${rule} could not run: ${report.skipped.find((item) => item.rule === rule)?.reason ?? "its inputs are missing"}`);
  const tty = Boolean(process.stdout.isTTY);
  const width = Math.min(Math.max(process.stdout.columns ?? 100, 60), 100);
  const printed = { ...report, requestedSkipped: [] };
  if (options.output === "json") {
    const document = toJsonDocument(printed);
    const json = jsonReportText(document);
    await (jsonMayNeedRedaction(document) ? writeStdout(json) : writeRedacted(json));
    return exitCodeFor(report.findings, options.failOn);
  }
  const text = await renderReport(options.output, printed, {
    color: useColor(options),
    width,
    showSkipped: options.showSkipped,
    verbose: options.verbose,
    summaryOnly: options.summary,
    problemsElsewhere: true,
    ...(options.output === "sarif" ? { sarif: sarifLocations(options) } : {}),
    ...(options.output === "html" && html ? { html: await (await import("./html.js")).htmlExtras(html.view, report, html.traffic, html.pod) } : {}),
    ...(tty && options.output !== "html" ? { columns: process.stdout.columns, summaryLines: options.summary || options.verbose ? undefined : Math.max(10, (process.stdout.rows ?? 40) - 4) } : {}),
  });
  await writeStdout(text);
  return exitCodeFor(report.findings, options.failOn);
}

/** Input given but nothing in it: an empty file or stdin, an empty folder. */
function nothingGiven(report: Report): boolean {
  const inputs = report.inputs;
  return report.findings.length === 0 && inputs.objects + inputs.events + inputs.logs + inputs.envoy === 0 && inputs.sources.length > 0;
}

/** Every input failed to load: an input error, not a clean bill of health. */
export function nothingLoaded(report: Report): boolean {
  const inputs = report.inputs;
  return inputs.objects + inputs.events + inputs.logs + inputs.envoy === 0 && inputs.problems.length > 0;
}

/** Everything ktriage prints passes here: the last redaction pass, whatever the command and format. */
export function writeStdout(text: string): Promise<void> {
  return writeRedacted(redact(text));
}

/** Writes text redact would leave unchanged; only writeStdout and a check that proves that call it. */
function writeRedacted(safe: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(safe)) resolve();
    else process.stdout.once("drain", () => resolve());
  });
}

/**
 * `--rule`, `--enable` and `--suppress` as engine options; one that names no rule is a usage error.
 * `rules` are the rules the command loaded (its scope's); a name among none of them is checked
 * against every rule before it is refused, so naming a rule of another scope stays allowed.
 */
export async function ruleSelection(options: RuleSelection, rules: readonly Rule[]): Promise<Pick<RunOptions, "only" | "enable" | "suppress">> {
  try {
    return selectRules(options, rules);
  } catch (error) {
    if (!(error instanceof RuleSelectionError)) throw error;
  }
  try {
    return selectRules(options, await everyRule());
  } catch (error) {
    if (error instanceof RuleSelectionError) throw new UsageError(error.message);
    throw error;
  }
}
