import { yamlText } from "../../util/yaml-text.js";
import type { Report, RuleContext, RuleMeta } from "../../contract/rule.js";
import type { Evidence, Fix, Severity } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { IST_CODES } from "../../istio/codes.js";
import { nameOf, namespaceOf, refOf } from "../../k8s/objects.js";
import { formatFieldPath as formatPath, valueAt } from "../../k8s/field-paths.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

type FieldPath = ReadonlyArray<string | number>;

const LEVEL_TO_SEVERITY: Record<string, Severity> = { Error: "error", Warning: "warning", Info: "info" };

/** Fills an istioctl message template: `%s %v %d` take the value, `%q` quotes it as Go does. */
export function formatTemplate(template: string, args: ReadonlyArray<unknown>): string {
  let index = 0;
  return template.replace(/%[svdq]/g, (verb) => {
    const value = args[index++];
    if (verb === "%q") return JSON.stringify(String(value ?? ""));
    if (Array.isArray(value)) return `[${value.join(" ")}]`;
    return String(value ?? "");
  });
}

export { formatFieldPath as formatPath, valueAt } from "../../k8s/field-paths.js";

/** YAML text of a value, for fixes. */
export function yamlOf(value: unknown): string {
  return yamlText(value).trimEnd();
}

interface IstioReportBase {
  object: KubeObject;
  /** The IST code this finding mirrors; its template and args make the istioctl message. */
  code?: string;
  args?: ReadonlyArray<unknown>;
  /** The offending field: the finding points at its line. */
  path?: FieldPath;
  cause: string;
  fix: NonNullable<Report["fix"]>;
  /** More evidence after the offending field itself. */
  evidence?: Evidence[];
  /** Codes beyond the rule's own (`KIA1107` next to `IST0101`). */
  equivalents?: string[];
  severity?: Severity;
  confidence?: number;
  verify?: string[];
}

/** What a contract rule gives `reportIstio`: the summary as one of the rule's message ids and its data. */
export interface IstioMessageReport extends IstioReportBase {
  /** The id of one of the rule's `messages`; the summary is its template filled with `data`. */
  message: string;
  data?: Report["data"];
  /** The message for findings without an IST code (Kiali and ktriage checks). */
  istioMessage?: string;
  /** The message is the summary: for checks istioctl has retired (IST0113, IST0115), so there is no istioctl template. */
  summaryIsIstioMessage?: boolean;
}

type IstioRule = Pick<RuleMeta, "id" | "severity" | "equivalents">;

/** Everything of an Istio finding but its summary. */
interface IstioParts {
  severity: Severity;
  evidence: Evidence[];
  equivalents: string[];
  istioMessage?: string;
}

/** Without `withEvidence` (the prover's re-runs read none), the evidence is left empty. */
function istioParts(rule: IstioRule, view: ClusterView, report: IstioReportBase, freeMessage: string | undefined, withEvidence = true): IstioParts {
  const { object } = report;
  const loaded = view.loadedOf(object);
  const path = report.path ?? [];
  const line = (path.length > 0 ? loaded?.locate?.(path) : undefined) ?? loaded?.origin.line;
  const file = loaded?.origin.file;
  const code = report.code ? IST_CODES[report.code] : undefined;
  const istioMessage = code ? formatTemplate(code.template, report.args ?? []) : freeMessage;
  const evidence: Evidence[] = [];
  if (withEvidence && path.length > 0) {
    const value = valueAt(object, path);
    const shown = value === undefined ? "(not set)" : typeof value === "object" ? JSON.stringify(value) : String(value);
    evidence.push({ source: "manifest", text: `${refOf(object)} ${formatPath(path)}: ${shown.length > 200 ? `${shown.slice(0, 200)}...` : shown}`, ...(file ? { path: file } : {}), ...(line ? { line } : {}) });
  } else if (withEvidence) {
    evidence.push({ source: "manifest", text: `${refOf(object)}`, ...(file ? { path: file } : {}), ...(line ? { line } : {}) });
  }
  if (withEvidence) evidence.push(...(report.evidence ?? []));
  // A report that lists its equivalents decides them; otherwise the rule's non-IST codes apply to every finding.
  const others = report.equivalents ?? rule.equivalents.filter((item) => !/^IST\d+$/.test(item));
  const equivalents = [...new Set([...(report.code ? [report.code] : []), ...others])];
  return {
    severity: report.severity ?? (code ? LEVEL_TO_SEVERITY[code.level]! : rule.severity),
    evidence,
    equivalents,
    ...(istioMessage ? { istioMessage } : {}),
  };
}

/**
 * Reports a finding about an Istio or Kubernetes object through `ctx.report`: the resource,
 * the offending field as first evidence, equivalents, severity and the istioctl message when the rule
 * mirrors an IST code; the summary from the rule's message template. `rule` is the rule itself (`this` inside `analyze`).
 */
export function reportIstio(rule: IstioRule, ctx: RuleContext, report: IstioMessageReport): void {
  const parts = istioParts(rule, ctx.view, report, report.istioMessage, ctx.fixes);
  ctx.report({
    message: report.message,
    ...(report.data ? { data: report.data } : {}),
    // The engine's builder names the object and its file:line, as for every rule (live objects have no file).
    object: report.object,
    ...(report.path && report.path.length > 0 ? { fieldPath: report.path } : {}),
    cause: report.cause,
    evidence: parts.evidence,
    fix: report.fix,
    severity: parts.severity,
    equivalents: parts.equivalents,
    ...(report.verify ? { verify: report.verify } : {}),
    ...(report.confidence !== undefined ? { confidence: report.confidence } : {}),
    ...(parts.istioMessage ? { istioMessage: parts.istioMessage } : {}),
    ...(report.summaryIsIstioMessage ? { summaryIsIstioMessage: true } : {}),
  });
}

/** Evidence pointing at a field of another object (the DestinationRule a VirtualService depends on ...). */
export function fieldEvidence(view: ClusterView, object: KubeObject, path: FieldPath, text: string): Evidence {
  const loaded = view.loadedOf(object);
  const line = (path.length > 0 ? loaded?.locate?.(path) : undefined) ?? loaded?.origin.line;
  return { source: "manifest", text, ...(loaded?.origin.file ? { path: loaded.origin.file } : {}), ...(line ? { line } : {}) };
}

/** `kubectl -n NS get KIND NAME -o yaml` and similar, with the namespace flag only when there is one. */
export function kubectl(verb: string, object: KubeObject, rest = ""): string {
  const namespace = namespaceOf(object);
  const kind = object.kind.toLowerCase();
  return `kubectl${namespaceFlag(namespace)} ${verb} ${kind} ${nameOf(object)}${rest ? ` ${rest}` : ""}`;
}

/** The analyze command that confirms an Istio config fix. */
export function analyzeCommand(object: KubeObject): string {
  const namespace = namespaceOf(object);
  return namespace ? `istioctl analyze -n ${namespace}` : "istioctl analyze --all-namespaces";
}
