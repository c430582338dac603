import type { Finding, ResourceRef } from "../model/finding.js";
import type { ClusterView } from "../view/cluster-view.js";
import type { Rule, Report } from "../contract/rule.js";
import { resourceOf } from "../contract/resource.js";
import { fillTemplate } from "../util/template.js";

/** A rule broke its own contract (reported an id it does not declare, left a placeholder unfilled): a bug in the rule, never an input problem. */
export class RuleContractError extends Error {}

/** The summary a report's message makes: its template with every `{name}` filled from `data`. */
export function fillMessage(rule: Rule, report: Report): string {
  const template = rule.messages[report.message];
  if (template === undefined) throw new RuleContractError(`internal error: ${rule.id} reported message "${report.message}", which is not among its messages (${Object.keys(rule.messages).join(", ")})`);
  return fillTemplate(template, report.data, (name) => {
    throw new RuleContractError(`internal error: ${rule.id} message "${report.message}" needs {${name}}, which the report's data lacks`);
  });
}

/** The Finding a rule's report makes: summary from its message, resource and file:line from its object and field, the rule's defaults; its fix only when `fixes`. */
export function buildFinding(rule: Rule, view: ClusterView, report: Report, fixes = true): Finding {
  const summary = fillMessage(rule, report);
  let resource: ResourceRef;
  if (report.resource) resource = report.container ? { ...report.resource, container: report.container } : report.resource;
  else if (report.object) resource = resourceOf(view, report.object, report.fieldPath, report.container);
  else throw new RuleContractError(`internal error: ${rule.id} reported "${report.message}" about neither an object nor a resource`);
  const finding: Finding = {
    rule: rule.id,
    category: report.category ?? rule.category,
    severity: report.severity ?? rule.severity,
    confidence: report.confidence ?? 0.9,
    resource,
    summary,
    evidence: report.evidence ?? [],
    cause: report.cause,
    verify: report.verify ?? rule.docs.verify,
    equivalents: report.equivalents ?? rule.equivalents,
  };
  const fix = typeof report.fix === "function" ? (fixes ? report.fix() : undefined) : fixes ? report.fix : undefined;
  if (fix) finding.fix = fix;
  if (report.istioMessage) finding.message = report.istioMessage;
  else if (report.summaryIsIstioMessage) finding.message = summary;
  return finding;
}
