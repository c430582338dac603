import type { ClusterView } from "../view/cluster-view.js";
import { rootNamespace } from "../istio/mtls.js";
import { arrayOf, namespaceOf, recordOf, stringMapOf } from "../k8s/objects.js";
import { ISTIO_WORKLOAD_SELECTOR, labelMapMatches } from "../k8s/selectors.js";

export interface AuthorizationPolicyEffect {
  name: string;
  namespace: string;
  scope: "workload" | "namespace" | "mesh";
  action: "ALLOW" | "DENY" | "AUDIT" | "CUSTOM";
  /** One line per rule: from, to, when. */
  rules: string[];
  /** What the policy does to a request, in words. */
  effect: string;
}

export interface AuthorizationSummary {
  policies: AuthorizationPolicyEffect[];
  /** The decision for a request to this pod, in Istio's order: CUSTOM, DENY, then ALLOW. */
  verdict: string;
}

const MAX_VALUES = 5;

function values(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const list = arrayOf(record?.[key]).map(String);
  if (list.length === 0) return undefined;
  return `${list.slice(0, MAX_VALUES).join(", ")}${list.length > MAX_VALUES ? ` (+${list.length - MAX_VALUES})` : ""}`;
}

function fieldWords(record: Record<string, unknown> | undefined, fields: string[]): string[] {
  const words: string[] = [];
  for (const field of fields) {
    const positive = values(record, field);
    if (positive) words.push(`${field} ${positive}`);
    const negative = values(record, `not${field[0]!.toUpperCase()}${field.slice(1)}`);
    if (negative) words.push(`${field} not ${negative}`);
  }
  return words;
}

/** One rule of an AuthorizationPolicy in words; an empty rule matches every request. */
function ruleWords(rule: Record<string, unknown>): string {
  const from = arrayOf<Record<string, unknown>>(rule.from).flatMap((entry) => fieldWords(recordOf(entry?.source), ["principals", "requestPrincipals", "namespaces", "ipBlocks", "remoteIpBlocks"]));
  const to = arrayOf<Record<string, unknown>>(rule.to).flatMap((entry) => fieldWords(recordOf(entry?.operation), ["hosts", "ports", "methods", "paths"]));
  const when = arrayOf<Record<string, unknown>>(rule.when).map((condition) => `${String(condition?.key ?? "?")} ${values(condition, "values") ? `in ${values(condition, "values")}` : `not in ${values(condition, "notValues") ?? "?"}`}`);
  const parts = [from.length ? `from ${from.join("; ")}` : "", to.length ? `to ${to.join("; ")}` : "", when.length ? `when ${when.join("; ")}` : ""].filter(Boolean);
  return parts.length ? parts.join(", ") : "every request";
}

/**
 * The AuthorizationPolicies that apply to a workload, as Istio selects them (the root namespace's without a
 * selector for the whole mesh, the namespace's without one for the namespace, a matching selector for the
 * workload), and what each does to a request: https://istio.io/latest/docs/concepts/security/#authorization-policies
 */
export function describeAuthorization(view: ClusterView, namespace: string, labels: Record<string, string>): AuthorizationSummary {
  const root = rootNamespace(view);
  const policies: AuthorizationPolicyEffect[] = [];
  for (const policy of view.kind("AuthorizationPolicy")) {
    const policyNamespace = namespaceOf(policy);
    const spec = recordOf(policy.spec) ?? {};
    if (spec.targetRef !== undefined || spec.targetRefs !== undefined) continue; // attached to a Gateway or Service, not to the pod's sidecar
    const selector = stringMapOf(recordOf(spec.selector)?.matchLabels);
    const hasSelector = Object.keys(selector).length > 0;
    let scope: AuthorizationPolicyEffect["scope"] | undefined;
    if (policyNamespace === namespace && hasSelector && labelMapMatches(selector, labels, ISTIO_WORKLOAD_SELECTOR)) scope = "workload";
    else if (policyNamespace === namespace && !hasSelector) scope = "namespace";
    else if (policyNamespace === root && !hasSelector) scope = "mesh";
    if (!scope) continue;
    const action = (["ALLOW", "DENY", "AUDIT", "CUSTOM"] as const).find((value) => value === spec.action) ?? "ALLOW";
    const rawRules = arrayOf<Record<string, unknown>>(spec.rules);
    const rules = rawRules.map((rule) => ruleWords(recordOf(rule) ?? {}));
    const provider = typeof recordOf(spec.provider)?.name === "string" ? String(recordOf(spec.provider)!.name) : "its extension provider";
    const effect =
      action === "ALLOW"
        ? rawRules.length === 0
          ? "allows nothing: with no rules, every request to the pod is denied (403 RBAC: access denied)"
          : `allows requests matching a rule; any other request is denied (403 RBAC: access denied)`
        : action === "DENY"
          ? rawRules.length === 0
            ? "denies nothing (a DENY policy without rules matches no request)"
            : "denies requests matching a rule (403 RBAC: access denied), before any ALLOW policy is considered"
          : action === "CUSTOM"
            ? `asks ${provider} first for requests matching a rule; it may deny them`
            : "logs requests matching a rule; allows or denies nothing";
    policies.push({ name: policy.metadata.name ?? "", namespace: policyNamespace, scope, action, rules, effect });
  }
  const allows = policies.filter((policy) => policy.action === "ALLOW");
  const denies = policies.filter((policy) => policy.action === "DENY" && policy.rules.length > 0);
  const custom = policies.filter((policy) => policy.action === "CUSTOM");
  const steps = [
    custom.length ? `${custom.map((policy) => policy.name).join(", ")} (CUSTOM) decide first` : "",
    denies.length ? `requests matching ${denies.map((policy) => policy.name).join(", ")} are denied` : "",
    allows.length === 0
      ? "no ALLOW policy applies, so every other request is allowed"
      : allows.every((policy) => policy.rules.length === 0)
        ? `${allows.map((policy) => policy.name).join(", ")} allow nothing: every other request is denied`
        : `every other request must match a rule of ${allows.map((policy) => policy.name).join(", ")}, or it is denied (403)`,
  ].filter(Boolean);
  return { policies, verdict: policies.length === 0 ? "no AuthorizationPolicy applies: every request is allowed" : `${steps.join("; ")}.` };
}
