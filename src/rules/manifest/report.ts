import type { Category } from "../../model/categories.js";
import { formatFieldPath, valueAt } from "../../k8s/field-paths.js";
import type { Evidence, Fix, Severity } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";
import type { Report, RuleContext } from "../../contract/rule.js";
import { yamlText } from "../../util/yaml-text.js";
import { kubectlRef, namespaceFlag, type ContainerChange } from "../../k8s/workload-changes.js";
import { containerFix, templateFix } from "../workload-fixes.js";
import { type JsonObject } from "../../k8s/workloads.js";
import type { Workload } from "../../k8s/workloads.js";

/** The parts of a rule a finding repeats. */
export interface RuleMeta {
  id: string;
  category: Category;
  severity: Severity;
  equivalents: string[];
  docs: { verify: string[] };
}

/** What a rule says about one object: its message by id and data, and the offending field. */
export interface ObjectReport {
  message: string;
  data?: Report["data"];
  /** Path from the object's root to the offending field. */
  field: ReadonlyArray<string | number>;
  container?: string;
  cause: string;
  /** Evidence besides the offending field itself. */
  evidence?: Evidence[];
  /** Overrides the text of the offending-field evidence. */
  fieldText?: string;
  fix?: Report["fix"];
  severity?: Severity;
  category?: Category;
  confidence: number;
  verify?: string[];
  equivalents?: string[];
}

function inlineValue(value: unknown): string {
  if (value === undefined) return "(not set)";
  if (typeof value === "string") return JSON.stringify(value);
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** The line of a field in the object's file, or the object's own line. */
export function lineOf(view: ClusterView, object: KubeObject, path: ReadonlyArray<string | number>): { file?: string; line?: number } {
  const loaded = view.loadedOf(object);
  if (!loaded) return {};
  const line = loaded.locate?.([...path]) ?? loaded.origin.line;
  const file = loaded.origin.file.startsWith("api:") ? undefined : loaded.origin.file;
  return { file, line };
}

/** Evidence pointing at a field of an object: `spec.template.spec.containers[0].image: "nginx"` at file:line. */
export function fieldEvidence(view: ClusterView, object: KubeObject, path: ReadonlyArray<string | number>, text?: string): Evidence {
  return evidenceAt(lineOf(view, object, path), object, path, text);
}

/** `fieldEvidence` with the field's location already looked up. */
function evidenceAt({ file, line }: { file?: string; line?: number }, object: KubeObject, path: ReadonlyArray<string | number>, text?: string): Evidence {
  const location = file ? {} : { path: `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata.name ?? ""}` };
  return {
    source: "manifest",
    // "is" rather than ":" so that names of Secret keys (`secretKeyRef.key`) are not mistaken for secret values by redaction.
    text: text ?? `${object.kind} ${object.metadata.name ?? ""} ${formatFieldPath(path)} is ${inlineValue(valueAt(object, path))}`,
    ...(file ? { path: file } : location),
    ...(line !== undefined ? { line } : {}),
  };
}

/**
 * Reports a finding about one object, pointing at the line of the offending field: the field itself is the
 * first evidence, and the rule's verify commands get this object's names.
 */
export function reportObject(ctx: RuleContext, meta: Pick<RuleMeta, "docs">, object: KubeObject, input: ObjectReport): void {
  const location = lineOf(ctx.view, object, input.field);
  ctx.report({
    message: input.message,
    ...(input.data ? { data: input.data } : {}),
    object,
    fieldPath: input.field,
    ...(input.container ? { container: input.container } : {}),
    cause: input.cause,
    evidence: [evidenceAt(location, object, input.field, input.fieldText), ...(input.evidence ?? [])],
    ...(input.fix ? { fix: input.fix } : {}),
    verify: input.verify ?? fillPlaceholders(meta.docs.verify, object, input.container, location.file),
    confidence: input.confidence,
    ...(input.severity ? { severity: input.severity } : {}),
    ...(input.category ? { category: input.category } : {}),
    ...(input.equivalents ? { equivalents: input.equivalents } : {}),
  });
}

/** The rule's generic verify commands with this finding's names filled in (pod names stay `<pod>`: they are not known before deploy). */
function fillPlaceholders(commands: readonly string[], object: KubeObject, container: string | undefined, file: string | undefined): string[] {
  const name = object.metadata.name ?? "";
  const kind = object.kind.toLowerCase();
  return commands.map((command) => {
    let out = command.replace(/\b(deployment|statefulset|daemonset)\/<name>/g, ["deployment", "statefulset", "daemonset"].includes(kind) ? `${kind}/${name}` : "$1/<name>");
    if (object.metadata.namespace) out = out.replace(/<namespace>/g, object.metadata.namespace);
    if (container) out = out.replace(/<container>/g, container);
    if (file && file !== "-") out = out.replace(/<file>/g, file);
    if (object.kind === "Service") out = out.replace(/<service>/g, name);
    if (object.kind === "Ingress") out = out.replace(/ingress <name>/g, `ingress ${name}`);
    if (object.kind === "PersistentVolumeClaim") out = out.replace(/pvc <name>/g, `pvc ${name}`);
    return out;
  });
}

/** Commands to apply a fix: edit and apply the file in lint mode, patch the live object otherwise. */
function withApplyCommands(view: ClusterView, object: KubeObject, fix: Fix, extra: string[]): Fix {
  if (view.mode !== "lint") return fix;
  const { file } = lineOf(view, object, []);
  const target = file && file !== "-" ? file : `<file with ${object.kind} ${object.metadata.name ?? ""}>`;
  return { ...fix, commands: [`kubectl apply --dry-run=server -f ${target}`, `kubectl apply -f ${target}`, ...extra] };
}

/** A fix of a container in a workload's pod template. */
export function containerChangeFix(view: ClusterView, workload: Workload, containerName: string, change: ContainerChange, description: string, extra: string[] = []): Fix {
  return withApplyCommands(view, workload.object, containerFix(workload.owner, containerName, change, description, extra), [...rolloutCheck(view, workload), ...extra]);
}

/** A fix of pod-level fields of a workload's template. */
export function podChangeFix(view: ClusterView, workload: Workload, before: JsonObject, after: JsonObject, description: string, extra: string[] = []): Fix {
  return withApplyCommands(view, workload.object, templateFix(workload.owner, before, after, description, extra), [...rolloutCheck(view, workload), ...extra]);
}

function rolloutCheck(view: ClusterView, workload: Workload): string[] {
  if (view.mode !== "lint") return [];
  return ["Deployment", "StatefulSet", "DaemonSet"].includes(workload.kind) ? [`kubectl rollout status ${kubectlRef(workload)}${namespaceFlag(workload.namespace)}`] : [];
}

/**
 * The before and after of a change deep inside an object, as the part a merge patch can carry: the
 * second-level field that holds `path` (an array is replaced whole, as a merge patch replaces it).
 */
export function nestedChange(object: KubeObject, path: ReadonlyArray<string | number>, update: (value: unknown) => unknown): { before: JsonObject; after: JsonObject } {
  const [top, field] = path as [string, string | undefined];
  const topValue = (object as unknown as Record<string, unknown>)[top] as Record<string, unknown> | undefined;
  if (field === undefined) return { before: { [top]: (topValue ?? null) as JsonObject }, after: { [top]: update(topValue) as JsonObject } };
  const original = topValue?.[field];
  const copy = structuredClone(original ?? null) as unknown;
  const rest = path.slice(2);
  let updated: unknown = copy;
  if (rest.length === 0) updated = update(copy);
  else {
    let parent = copy as Record<string | number, unknown>;
    for (const key of rest.slice(0, -1)) parent = parent?.[key] as Record<string | number, unknown>;
    const last = rest[rest.length - 1]!;
    if (parent && typeof parent === "object") parent[last] = update(parent[last]);
  }
  return { before: { [top]: { [field]: (original ?? null) as JsonObject } }, after: { [top]: { [field]: updated as JsonObject } } };
}

/** A fix of a non-workload object (Service, Ingress, PVC ...): the changed part before and after. */
export function objectChangeFix(view: ClusterView, object: KubeObject, before: JsonObject, after: JsonObject, description: string, extra: string[] = []): Fix {
  const toYaml = (value: unknown) => yamlText(value).trimEnd();
  const ns = namespaceFlag(object.metadata.namespace);
  const patch = JSON.stringify(after);
  const fix: Fix = {
    description,
    yaml: { target: `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata.name ?? ""}`, before: toYaml(before), after: toYaml(after) },
    patch,
    change: { kind: object.kind, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}), name: object.metadata.name ?? "", type: "merge", patch },
    commands: [`kubectl patch ${object.kind.toLowerCase()} ${object.metadata.name ?? ""}${ns} --type merge -p '${patch}'`, ...extra],
  };
  return withApplyCommands(view, object, fix, extra);
}

export function workloadLabel(workload: { kind: string; namespace?: string; name: string }): string {
  return `${workload.kind} ${workload.namespace ? `${workload.namespace}/` : ""}${workload.name}`;
}
