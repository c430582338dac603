import type { LabelSelector, LabelSelectorRequirement } from "./kube-types.js";

/** Whether labels satisfy a Kubernetes label selector; an empty selector selects everything. */
export function matchesSelector(selector: LabelSelector | undefined | null, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((requirement) => matchesRequirement(requirement, have));
}

function matchesRequirement(requirement: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const present = Object.prototype.hasOwnProperty.call(labels, requirement.key);
  const value = labels[requirement.key];
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case "In":
      return present && values.includes(value!);
    case "NotIn":
      return !present || !values.includes(value!);
    case "Exists":
      return present;
    case "DoesNotExist":
      return !present;
    default:
      return false;
  }
}

/** Whether a map selector (Service.spec.selector, workloadSelector.matchLabels) selects the labels. */
export function matchesLabels(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/** `app=api,version=v1` for messages. */
export function formatSelector(selector: LabelSelector | undefined): string {
  if (!selector) return "(all)";
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const requirement of selector.matchExpressions ?? []) {
    parts.push(`${requirement.key} ${requirement.operator}${requirement.values ? ` (${requirement.values.join(",")})` : ""}`);
  }
  return parts.length === 0 ? "{} (all pods)" : parts.join(",");
}
