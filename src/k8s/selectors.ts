import { recordOf } from "./objects.js";

/**
 * Label selectors, as Kubernetes evaluates them
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors).
 *
 * Two shapes exist: a `metav1.LabelSelector` (matchLabels + matchExpressions:
 * NetworkPolicy, webhooks, workload `spec.selector`, affinity terms) and a plain
 * label map (Service `spec.selector`, Istio `workloadSelector.labels`). What a
 * selector that is absent, or present with no terms, selects differs by field,
 * so every caller says it: a nil `metav1.LabelSelector` selects nothing and an
 * empty one everything; a Service without a selector selects no pods; an Istio
 * policy without a workload selector applies to the whole namespace.
 */
export type Labels = Record<string, string>;

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: LabelSelectorRequirement[];
}

export type Selects = "nothing" | "everything";

export interface SelectorMeaning {
  /** What a missing selector (undefined, null, not an object) selects. */
  absent: Selects;
  /** What a selector with no terms (`{}`) selects; Kubernetes: everything. */
  empty?: Selects;
}

/**
 * A Kubernetes selector field (Service `spec.selector`, workload `spec.selector`, affinity and PVC selectors):
 * a missing one selects nothing (a Service without a selector gets no endpoints), one with no terms selects everything.
 */
export const KUBERNETES_SELECTOR: SelectorMeaning = { absent: "nothing", empty: "everything" };

/**
 * An Istio selector (`selector.matchLabels`, `workloadSelector.labels`, a Gateway's `selector`, a DestinationRule
 * subset's `labels`): missing or with no labels, it selects every workload of its namespace.
 */
export const ISTIO_WORKLOAD_SELECTOR: SelectorMeaning = { absent: "everything", empty: "everything" };

/** An admission webhook's `namespaceSelector` / `objectSelector`: left out, it selects everything (admissionregistration/v1 defaults it to `{}`). */
export const WEBHOOK_SELECTOR: SelectorMeaning = { absent: "everything", empty: "everything" };

function labelMapOf(value: unknown): Labels {
  const out: Labels = {};
  const record = recordOf(value);
  if (!record) return out;
  for (const [key, item] of Object.entries(record)) if (item !== undefined && item !== null) out[key] = String(item);
  return out;
}

/** The requirements of each matchExpressions list read so far: the view never changes, and the same selectors are matched against every pod. */
const readRequirements = new WeakMap<readonly unknown[], LabelSelectorRequirement[]>();

function requirementsOf(value: unknown): LabelSelectorRequirement[] {
  if (!Array.isArray(value)) return [];
  let requirements = readRequirements.get(value);
  if (!requirements) readRequirements.set(value, (requirements = readRequirementsOf(value)));
  return requirements;
}

function readRequirementsOf(value: readonly unknown[]): LabelSelectorRequirement[] {
  return value.flatMap((item) => {
    const record = recordOf(item);
    if (!record) return [];
    return [{ key: String(record.key ?? ""), operator: String(record.operator ?? ""), values: Array.isArray(record.values) ? record.values.map(String) : undefined }];
  });
}

function has(labels: Labels, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

/** One requirement; an operator Kubernetes does not know makes the selector invalid, which selects nothing. */
export function requirementMatches(requirement: LabelSelectorRequirement, labels: Labels): boolean {
  const present = has(labels, requirement.key);
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case "In":
      return present && values.includes(labels[requirement.key]!);
    case "NotIn":
      return !present || !values.includes(labels[requirement.key]!);
    case "Exists":
      return present;
    case "DoesNotExist":
      return !present;
    default:
      return false;
  }
}

/** Whether a `metav1.LabelSelector` (matchLabels + matchExpressions) selects the labels. */
export function labelSelectorMatches(selector: unknown, labels: Labels | undefined, meaning: SelectorMeaning): boolean {
  const record = recordOf(selector);
  if (!record) return meaning.absent === "everything";
  // One pass over the terms without copying them (this runs for every pod and every selector near it).
  const have = labels ?? {};
  let terms = 0;
  let matches = true;
  const matchLabels = recordOf(record.matchLabels);
  if (matchLabels) {
    for (const key of Object.keys(matchLabels)) {
      const value = matchLabels[key];
      if (value === undefined || value === null) continue;
      terms++;
      if (matches && (!has(have, key) || have[key] !== String(value))) matches = false;
    }
  }
  if (Array.isArray(record.matchExpressions) && record.matchExpressions.length > 0) {
    const expressions = requirementsOf(record.matchExpressions);
    terms += expressions.length;
    if (matches) matches = expressions.every((requirement) => requirementMatches(requirement, have));
  }
  if (terms === 0) return (meaning.empty ?? "everything") === "everything";
  return matches;
}

/** Whether a plain label map selector (Service `spec.selector`, `workloadSelector.labels`) selects the labels. */
export function labelMapMatches(selector: unknown, labels: Labels | undefined, meaning: SelectorMeaning): boolean {
  const record = recordOf(selector);
  if (!record) return meaning.absent === "everything";
  const wanted = labelMapOf(record);
  if (Object.keys(wanted).length === 0) return (meaning.empty ?? "everything") === "everything";
  const have = labels ?? {};
  return Object.entries(wanted).every(([key, value]) => has(have, key) && have[key] === value);
}

/** Whether a selector has the `metav1.LabelSelector` shape rather than a plain label map. */
export function isLabelSelectorShape(selector: unknown): boolean {
  const record = recordOf(selector);
  return record !== undefined && ("matchLabels" in record || "matchExpressions" in record);
}

/** A selector of either shape, told apart by its keys. */
export function selectorMatches(selector: unknown, labels: Labels | undefined, meaning: SelectorMeaning): boolean {
  return isLabelSelectorShape(selector) ? labelSelectorMatches(selector, labels, meaning) : labelMapMatches(selector, labels, meaning);
}

/** Whether a selector of either shape has no terms (`{}`, `{matchLabels: {}}`); an absent selector counts when `absentIsEmpty`. */
export function hasNoTerms(selector: unknown, absentIsEmpty: boolean): boolean {
  const record = recordOf(selector);
  if (!record) return absentIsEmpty && selector === undefined;
  if (!isLabelSelectorShape(record)) return Object.keys(record).length === 0;
  return Object.keys(labelMapOf(record.matchLabels)).length === 0 && requirementsOf(record.matchExpressions).length === 0;
}

export interface SelectorFormat {
  /** Text for an absent selector. */
  absent: string;
  /** Text for a selector with no terms. */
  empty: string;
  /** Sort the `key=value` terms (istioctl prints them sorted). */
  sorted?: boolean;
}

/** `app=api,tier In (web,api)` for messages. */
export function formatSelector(selector: unknown, format: SelectorFormat): string {
  const record = recordOf(selector);
  if (!record) return format.absent;
  const labelShape = isLabelSelectorShape(record);
  const terms = Object.entries(labelMapOf(labelShape ? record.matchLabels : record));
  if (format.sorted) terms.sort(([a], [b]) => a.localeCompare(b));
  const parts = terms.map(([key, value]) => `${key}=${value}`);
  if (labelShape) {
    for (const requirement of requirementsOf(record.matchExpressions)) {
      parts.push(`${requirement.key} ${requirement.operator}${requirement.values && requirement.values.length > 0 ? ` (${requirement.values.join(",")})` : ""}`);
    }
  }
  return parts.length === 0 ? format.empty : parts.join(",");
}

/**
 * A kubectl `-l` selector (`app=api,tier!=db,env in (prod,stage),!legacy,canary`)
 * as the `metav1.LabelSelector` it means; throws on text kubectl would refuse.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const part of splitTopLevel(text)) {
    const term = part.trim();
    if (term === "") continue;
    let match: RegExpExecArray | null;
    if ((match = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term))) {
      const values = match[3]!.split(",").map((v) => v.trim()).filter(Boolean);
      matchExpressions.push({ key: match[1]!, operator: match[2] === "in" ? "In" : "NotIn", values });
    } else if ((match = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term))) {
      matchExpressions.push({ key: match[1]!, operator: match[2] === "!=" ? "NotIn" : "In", values: [match[3]!] });
    } else if ((match = /^!([\w./-]+)$/.exec(term))) {
      matchExpressions.push({ key: match[1]!, operator: "DoesNotExist" });
    } else if ((match = /^([\w./-]+)$/.exec(term))) {
      matchExpressions.push({ key: match[1]!, operator: "Exists" });
    } else {
      throw new Error(`invalid label selector "${text}": cannot read "${term}"`);
    }
  }
  return { matchExpressions };
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "(") depth++;
    if (char === ")") depth--;
    if (char === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  parts.push(current);
  return parts;
}
