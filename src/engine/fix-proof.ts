import type { Finding, Fix, FixChange } from "../model/finding.js";
import type { KubeObject, LoadedObject } from "../model/kube.js";
import { templateOwnerOf } from "../k8s/workloads.js";
import { immutableChanges, recreateSteps } from "../k8s/immutable-fields.js";
import type { EventRecord, LogStream } from "../model/inputs.js";
import { ClusterView, inputOfKind, type InputKind } from "../view/cluster-view.js";
import { jsonPatch, mergePatch, PatchError, strategicMerge, type Json } from "./patch/strategic-merge.js";

/**
 * Every fix is proven before it is printed: its change is applied to the object in memory (as
 * `kubectl patch` would apply it), the rules run again on the changed view, and the fix stays runnable
 * only when the finding it answers is gone and no new error or warning appears. Otherwise it is
 * guidance: the commands that change the cluster carry `<...>` placeholders or are commented out.
 */

/** How the prover runs rules: it re-checks a change with only the rules that can see it. */
export interface ProofRunner {
  /** The findings, before proof and ranking, of these rules (of every rule when undefined) on a view. */
  run(view: ClusterView, only?: ReadonlySet<string>): Finding[];
  /** The rules whose findings can differ when these inputs differ (undefined: any input may differ); undefined when every rule can. */
  rulesSeeing(changed: ChangedInputs | undefined): ReadonlySet<string> | undefined;
  /** The rule that reports findings with this id. */
  producerOf(ruleId: string): string;
  /** How many rules a run of every rule runs at most. */
  readonly ruleCount: number;
}

/** What differs between the part of the view before and after a change: input kinds, and the Kubernetes kinds of the objects that differ. */
export interface ChangedInputs {
  inputs: ReadonlySet<InputKind>;
  kinds: ReadonlySet<string>;
  /** Whether the change creates an object: a kind may then appear that was absent, which any rule requiring its input sees. */
  creates: boolean;
}

/** Distinct changes re-checked in one run: each costs two runs of the rules on the part of the view it touches. */
const MAX_PROOFS = 400;

export interface ProofFigures {
  proven: number;
  guidance: number;
  dropped: number;
  /** How many times the rules ran again on a part of the view, and how many rule runs that made in all. */
  reruns: number;
  ruleRuns: number;
}

/** Commands that change the cluster; `--dry-run` ones only ask the API server. */
const CHANGING = /\b(?:kubectl|oc)\s+(?:patch|apply|create|delete|replace|set|scale|label|annotate|edit|cordon|uncordon|drain|taint|autoscale|rollout\s+(?:undo|restart)|expose)\b|\bistioctl\s+(?:install|uninstall|upgrade|x\s+revision\s+tag)\b|\bhelm\s+(?:install|upgrade|uninstall|rollback)\b/;
const PLACEHOLDER = /<[^<>\n]+>/;
const PATCH_COMMAND = /\bkubectl\s+patch\s+(\S+?)(?:\/|\s+)([a-z0-9][a-z0-9.-]*)((?:\s+(?:-n|--namespace)[ =]\S+)?)(?:\s+--type[ =](strategic|merge|json))?\s+(?:-p|--patch)[ =]'([^']*)'/;

/** kubectl resource names and short names of the kinds fixes patch. */
const RESOURCE_KINDS: Record<string, string> = {
  deployment: "Deployment", deployments: "Deployment", deploy: "Deployment",
  statefulset: "StatefulSet", sts: "StatefulSet", daemonset: "DaemonSet", ds: "DaemonSet",
  replicaset: "ReplicaSet", rs: "ReplicaSet", job: "Job", cronjob: "CronJob", cj: "CronJob",
  pod: "Pod", po: "Pod", service: "Service", svc: "Service", serviceaccount: "ServiceAccount", sa: "ServiceAccount",
  configmap: "ConfigMap", cm: "ConfigMap", secret: "Secret", persistentvolumeclaim: "PersistentVolumeClaim", pvc: "PersistentVolumeClaim",
  ingress: "Ingress", ing: "Ingress", networkpolicy: "NetworkPolicy", netpol: "NetworkPolicy", namespace: "Namespace", ns: "Namespace",
  virtualservice: "VirtualService", vs: "VirtualService", destinationrule: "DestinationRule", dr: "DestinationRule",
  gateway: "Gateway", gw: "Gateway", serviceentry: "ServiceEntry", se: "ServiceEntry", sidecar: "Sidecar",
  peerauthentication: "PeerAuthentication", pa: "PeerAuthentication", authorizationpolicy: "AuthorizationPolicy", ap: "AuthorizationPolicy",
  envoyfilter: "EnvoyFilter", horizontalpodautoscaler: "HorizontalPodAutoscaler", hpa: "HorizontalPodAutoscaler",
  poddisruptionbudget: "PodDisruptionBudget", pdb: "PodDisruptionBudget",
};

/** The changes a fix makes: the `kubectl patch` commands it prints (exactly what would be sent), else its declared change. */
export function changesOf(fix: Fix): FixChange[] {
  const printed: FixChange[] = [];
  for (const command of fix.commands) {
    const match = PATCH_COMMAND.exec(command);
    if (!match) continue;
    const kind = RESOURCE_KINDS[match[1]!.toLowerCase()] ?? match[1]!;
    const namespace = /(?:-n|--namespace)[ =](\S+)/.exec(match[3] ?? "")?.[1];
    printed.push({ kind, ...(namespace ? { namespace } : {}), name: match[2]!, type: (match[4] as FixChange["type"] | undefined) ?? "strategic", patch: match[5]! });
  }
  if (printed.length > 0) return printed;
  return fix.change ? [fix.change] : [];
}

export function applyChange(object: KubeObject, change: FixChange): KubeObject {
  let patch: Json;
  try {
    patch = JSON.parse(change.patch) as Json;
  } catch {
    throw new PatchError("the patch is not valid JSON");
  }
  const original = object as unknown as Json;
  const apiVersion = object.apiVersion ?? "";
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  const isCustom = group.includes(".") && !group.endsWith(".k8s.io");
  if (change.type === "strategic" && isCustom) throw new PatchError(`a strategic merge patch is not supported for ${object.kind} (a custom resource); kubectl needs --type merge or json`);
  if (change.type === "create") throw new PatchError("a new object is not a patch");
  const result = change.type === "json" ? jsonPatch(original, patch) : change.type === "merge" ? mergePatch(original, patch) : strategicMerge(original, patch);
  return result as unknown as KubeObject;
}

/** The rule and the object (and container) a finding is about; one rule may report several findings under one key. */
function findingKey(finding: Finding): string {
  const r = finding.resource;
  return `${finding.rule}|${r.kind}|${r.namespace ?? ""}|${r.name}|${r.container ?? ""}`;
}

/**
 * Whether the answered finding is still reported after the change. With one finding under its key, any finding
 * under the key after the change is it. When the rule reports the object several times (one emptyDir of two
 * without a sizeLimit), the finding is still there when one after the change says the same, or when the change
 * left as many findings under the key as before (it fixed none of them).
 */
function stillReported(finding: Finding, before: readonly Finding[], after: readonly Finding[]): boolean {
  const key = findingKey(finding);
  const remaining = after.filter((other) => findingKey(other) === key);
  if (remaining.length === 0) return false;
  const earlier = before.filter((other) => findingKey(other) === key).length;
  return earlier <= 1 || remaining.length >= earlier || remaining.some((other) => other.summary === finding.summary);
}

function objectLabel(change: FixChange): string {
  return `${change.kind} ${change.namespace ? `${change.namespace}/` : ""}${change.name}`;
}

const WORKLOAD_KINDS = new Set(["Pod", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"]);

/**
 * The part of the view a change can affect: the changed objects, the pods and ReplicaSets they own, and
 * every other object of their namespace but other workloads (Services, config, policies, Istio config)
 * and what selects only their pods (`reach`), with cluster-scoped objects and the mesh root namespace. When a non-workload object changes (a
 * Service, a DestinationRule), the namespace's workloads and pods stay: its selectors reach them.
 * Before and after are measured on the same part, so a proof costs what the change touches.
 */
function focusedParts(view: ClusterView, changes: readonly FixChange[], objects: readonly LoadedObject[], candidates: Candidates, reach?: Reach): FocusedParts {
  const namespace = changes[0]!.namespace;
  const targets = new Set(changes.map((change) => `${change.kind}/${change.namespace ?? ""}/${change.name}`));
  const workloadsOnly = changes.every((change) => WORKLOAD_KINDS.has(change.kind));
  const near = (ns: string | undefined) => ns === undefined || ns === namespace || ns === "istio-system";
  const keep = (object: KubeObject) => {
    if (!near(object.metadata.namespace)) return false;
    if (!WORKLOAD_KINDS.has(object.kind) || !workloadsOnly) return reach === undefined || object.metadata.namespace !== namespace || reach.concerns(object);
    if (object.metadata.namespace !== namespace) return object.metadata.namespace === "istio-system";
    if (targets.has(`${object.kind}/${object.metadata.namespace ?? ""}/${object.metadata.name ?? ""}`)) return true;
    if (object.kind === "Pod") {
      const owner = templateOwnerOf(view, object);
      return targets.has(`${owner.kind}/${owner.namespace ?? ""}/${owner.name}`);
    }
    return view.ownerChain(object).some((owner) => targets.has(`${owner.kind}/${owner.metadata.namespace ?? ""}/${owner.metadata.name ?? ""}`));
  };
  const kept = objects.filter((loaded) => keep(loaded.object));
  const names = new Set(kept.map((loaded) => `${loaded.object.kind}/${loaded.object.metadata.namespace ?? ""}/${loaded.object.metadata.name ?? ""}`));
  const pods = new Set(kept.filter((loaded) => loaded.object.kind === "Pod").map((loaded) => `${loaded.object.metadata.namespace ?? ""}/${loaded.object.metadata.name ?? ""}`));
  return {
    objects: kept,
    events: candidates.events.filter((event) => names.has(`${event.involved.kind}/${event.involved.namespace ?? ""}/${event.involved.name}`) || (!WORKLOAD_KINDS.has(event.involved.kind) && near(event.involved.namespace))),
    logs: candidates.logs.filter((stream) => pods.has(`${stream.namespace ?? ""}/${stream.pod ?? ""}`)),
  };
}

/**
 * Which of the namespace's other objects a change of workloads can reach: everything but what selects
 * other pods. An object with a label selector (a Service, NetworkPolicy, PodDisruptionBudget, an Istio
 * policy's selector or workloadSelector) is left out when it selects none of the changed workloads' pods,
 * before or after the change; a VirtualService or DestinationRule is left out when every host it names is
 * such a Service. Left out on both sides of the proof, such objects can only add findings that are the
 * same before and after.
 */
interface Reach {
  key: string;
  concerns(object: KubeObject): boolean;
}

function reachOf(namespace: string | undefined, workloads: readonly KubeObject[], objects: readonly LoadedObject[]): Reach | undefined {
  const labelSets = workloads.map(podLabelsOf).filter((labels): labels is Record<string, string> => labels !== undefined);
  if (labelSets.length === 0 || labelSets.length < workloads.length) return undefined;
  const selects = (selector: Record<string, unknown>) => labelSets.some((labels) => Object.entries(selector).every(([key, value]) => labels[key] === value));
  const unreached = (object: KubeObject): boolean => {
    const selector = selectorOf(object);
    return selector !== undefined && !selects(selector);
  };
  const otherServices = new Set(objects.filter((loaded) => loaded.object.kind === "Service" && loaded.object.metadata.namespace === namespace && unreached(loaded.object)).map((loaded) => loaded.object.metadata.name));
  const concerns = (object: KubeObject): boolean => {
    if (object.kind === "VirtualService" || object.kind === "DestinationRule") {
      let hosts = hostNames.get(object);
      if (!hosts) hostNames.set(object, (hosts = hostNamesOf(object.spec)));
      return hosts.length === 0 || hosts.some((host) => !otherServices.has(host));
    }
    return !unreached(object);
  };
  return { key: JSON.stringify(labelSets), concerns };
}

const hostNames = new WeakMap<KubeObject, string[]>();

/** The labels of a workload's pods (its template's), or of a pod. */
function podLabelsOf(object: KubeObject): Record<string, string> | undefined {
  let node: any = object.kind === "Pod" ? object : object.kind === "CronJob" ? object.spec?.jobTemplate?.spec?.template : object.spec?.template;
  const labels = node?.metadata?.labels;
  return labels && typeof labels === "object" && !Array.isArray(labels) ? (labels as Record<string, string>) : undefined;
}

/** A plain label selector (key: value pairs) of an object, when it has one; undefined for none or one with expressions. */
function selectorOf(object: KubeObject): Record<string, unknown> | undefined {
  const spec = object.spec;
  if (!spec || typeof spec !== "object" || object.kind === "Gateway") return undefined;
  const candidates = object.kind === "Service" ? [spec.selector] : [spec.selector?.matchLabels !== undefined && spec.selector?.matchExpressions === undefined ? spec.selector.matchLabels : undefined, spec.podSelector?.matchLabels !== undefined && spec.podSelector?.matchExpressions === undefined ? spec.podSelector.matchLabels : undefined, spec.workloadSelector?.labels];
  const selector = candidates.find((candidate) => candidate && typeof candidate === "object" && !Array.isArray(candidate) && Object.keys(candidate).length > 0);
  return selector as Record<string, unknown> | undefined;
}

/** The first DNS label of every host a VirtualService or DestinationRule names (`host`, `hosts`, route destinations). */
function hostNamesOf(spec: unknown): string[] {
  const names: string[] = [];
  const visit = (node: unknown, key: string | undefined): void => {
    if (typeof node === "string") {
      if (key === "host" || key === "hosts") names.push(node.split(".")[0]!);
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, key);
    } else if (node && typeof node === "object") {
      for (const [child, value] of Object.entries(node)) visit(value, child);
    }
  };
  visit(spec, undefined);
  return names;
}

/** Events and logs a focused part can hold: those of its namespaces, in the view's order. */
interface Candidates {
  events: readonly EventRecord[];
  logs: readonly LogStream[];
}

interface FocusedParts {
  objects: LoadedObject[];
  events: EventRecord[];
  logs: LogStream[];
}

/** A view of a focused part; its objects have no field locator: a proof reads no file:line, so none is looked up in the YAML. */
function viewOf(view: ClusterView, parts: FocusedParts): ClusterView {
  return new ClusterView({
    options: { mode: view.mode, now: view.now, ...(view.namespaces ? { namespaces: [...view.namespaces] } : {}), clusters: view.clusters },
    objects: parts.objects.map(({ locate: _locate, ...loaded }) => loaded),
    events: parts.events,
    logs: parts.logs,
    envoy: view.envoy,
    ...(view.meshConfig ? { meshConfig: view.meshConfig } : {}),
    ...(view.meshNetworks ? { meshNetworks: view.meshNetworks } : {}),
    ...(view.meshNetworksSource ? { meshNetworksSource: view.meshNetworksSource } : {}),
    inputs: view.inputs,
  });
}

/**
 * The inputs that differ between the part of the view before and after a change (objects are the same
 * objects unless the change made them anew); undefined when a difference can reach any rule: a Namespace
 * (context every rule may read) or a log stream (the Envoy access-log summaries are built from them).
 */
function changedInputs(before: FocusedParts, after: FocusedParts, creates: boolean): ChangedInputs | undefined {
  const changed = new Set<InputKind>();
  const kinds = new Set<string>();
  const beforeObjects = new Set(before.objects.map((loaded) => loaded.object));
  const afterObjects = new Set(after.objects.map((loaded) => loaded.object));
  const differing = [...before.objects.filter((loaded) => !afterObjects.has(loaded.object)), ...after.objects.filter((loaded) => !beforeObjects.has(loaded.object))];
  for (const { object } of differing) {
    const input = inputOfKind(object.kind);
    if (!input) return undefined;
    changed.add(input).add("manifests");
    kinds.add(object.kind);
    // A Pod counts for `workloads` too (ClusterView.has), and an istio.io apiVersion for `istio`.
    if (object.kind === "Pod") changed.add("workloads");
    if (typeof object.apiVersion === "string" && object.apiVersion.includes("istio.io")) changed.add("istio");
  }
  if (!sameItems(before.logs, after.logs)) return undefined;
  if (!sameItems(before.events, after.events)) changed.add("events");
  return { inputs: changed, kinds, creates };
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

/**
 * The objects after the change. Observed pods of a changed workload get the same change on their spec
 * (the part of the patch under the pod template), so what admission added to them (an injected sidecar,
 * token volumes) stays; their observed status stays too: a rule reading that status against the new
 * spec still sees what happened.
 */
function changedObjects(view: ClusterView, objects: readonly LoadedObject[], replaced: Map<KubeObject, KubeObject>, changes: readonly FixChange[]): LoadedObject[] {
  const changed = new Map<string, FixChange[]>();
  for (const change of changes) {
    const key = `${change.kind}/${change.namespace ?? ""}/${change.name}`;
    changed.set(key, [...(changed.get(key) ?? []), change]);
  }
  return objects.map((loaded) => {
    const direct = replaced.get(loaded.object);
    if (direct) return { ...loaded, object: direct, ...(direct.kind === "Pod" ? { observed: loaded.object } : {}) };
    if (loaded.object.kind !== "Pod" || view.mode === "lint" || !loaded.object.metadata.ownerReferences?.length) return loaded;
    const owner = templateOwnerOf(view, loaded.object);
    const ownerChanges = changed.get(`${owner.kind}/${owner.namespace ?? ""}/${owner.name}`);
    if (!ownerChanges) return loaded;
    let pod: KubeObject = loaded.object;
    for (const change of ownerChanges) {
      const podChange = underTemplate(change, owner.templatePath);
      if (!podChange) continue;
      try {
        pod = applyChange(pod, podChange);
      } catch {
        return loaded;
      }
    }
    return { ...loaded, object: pod, observed: loaded.object };
  });
}

/** The part of a workload patch that changes its pod template, as a patch of the pod itself. */
function underTemplate(change: FixChange, templatePath: readonly string[]): FixChange | undefined {
  let patch: unknown;
  try {
    patch = JSON.parse(change.patch);
  } catch {
    return undefined;
  }
  if (change.type === "json") {
    const prefix = `/${templatePath.join("/")}/`;
    const operations = (Array.isArray(patch) ? patch : []).filter((op) => typeof op?.path === "string" && op.path.startsWith(prefix));
    if (operations.length === 0) return undefined;
    return { ...change, kind: "Pod", patch: JSON.stringify(operations.map((op) => ({ ...op, path: `/${op.path.slice(prefix.length)}`, ...(typeof op.from === "string" && op.from.startsWith(prefix) ? { from: `/${op.from.slice(prefix.length)}` } : {}) }))) };
  }
  let node: any = patch;
  for (const key of templatePath) node = node?.[key];
  if (!node || typeof node !== "object") return undefined;
  const { spec, metadata } = node as { spec?: unknown; metadata?: unknown };
  return { ...change, kind: "Pod", patch: JSON.stringify({ ...(spec ? { spec } : {}), ...(metadata ? { metadata } : {}) }) };
}

/** `steps`: what to run instead when the change cannot be made in place. */
type Verdict = { proven: true; proof: string; steps?: string[] } | { proven: false; dropped: boolean; proof: string; steps?: string[]; refused?: boolean };

/** A focused part of the view before any change, and the findings of each rule run on it so far. */
interface BeforePart {
  parts: FocusedParts;
  view: ClusterView;
  findings: Map<string, Finding[]>;
  everyRule: boolean;
}

export class FixProver {
  private proofs = 0;
  /** The focused parts of the view before any change, by the objects the change touches. */
  private readonly before = new Map<string, BeforePart>();
  private readonly verdicts = new Map<string, Verdict>();
  private readonly index: NamespaceIndex;
  readonly figures: ProofFigures = { proven: 0, guidance: 0, dropped: 0, reruns: 0, ruleRuns: 0 };

  constructor(
    private readonly view: ClusterView,
    private readonly runner: ProofRunner,
  ) {
    this.index = new NamespaceIndex(view);
  }

  prove(finding: Finding): Finding {
    const fix = finding.fix;
    if (!fix) return finding;
    const changes = changesOf(fix);
    const verdict = this.verdictFor(finding, changes);
    if (verdict.proven) {
      this.figures.proven++;
      return { ...finding, fix: { ...fix, commands: [...fix.commands, ...(verdict.steps ?? [])], proven: true, proof: verdict.proof } };
    }
    if (verdict.dropped) this.figures.dropped++;
    else this.figures.guidance++;
    return { ...finding, fix: asGuidance(fix, verdict) };
  }

  private verdictFor(finding: Finding, changes: FixChange[]): Verdict {
    if (changes.length === 0) {
      const changing = finding.fix!.commands.some((command) => CHANGING.test(command) && !/--dry-run/.test(command));
      return { proven: false, dropped: false, proof: changing ? "ktriage cannot apply these commands to the view, so they are not proven" : "no change to apply: the steps are checks and guidance" };
    }
    const placeholders = changes.flatMap((change) => change.patch.match(new RegExp(PLACEHOLDER.source, "g")) ?? []);
    if (placeholders.length > 0) return { proven: false, dropped: false, proof: `needs values the evidence does not show: ${[...new Set(placeholders)].join(", ")}` };
    const key = `${findingKey(finding)}#${finding.summary}#${JSON.stringify(changes)}`;
    let verdict = this.verdicts.get(key);
    if (!verdict) this.verdicts.set(key, (verdict = this.check(finding, changes)));
    return verdict;
  }

  private check(finding: Finding, changes: FixChange[]): Verdict {
    const replaced = new Map<KubeObject, KubeObject>();
    const created: LoadedObject[] = [];
    for (const change of changes) {
      if (change.type === "create") {
        if (this.view.get(change.kind, change.namespace, change.name)) return { proven: false, dropped: true, proof: `${objectLabel(change)} exists already` };
        try {
          created.push({ object: JSON.parse(change.patch) as KubeObject, origin: { file: "fix" } });
        } catch {
          return { proven: false, dropped: true, proof: "the new object is not valid JSON" };
        }
        continue;
      }
      const target = this.view.get(change.kind, change.namespace, change.name);
      if (!target) return { proven: false, dropped: false, proof: `${objectLabel(change)} is not in the inputs, so the change could not be checked` };
      let after: KubeObject;
      try {
        after = applyChange(replaced.get(target) ?? target, change);
      } catch (error) {
        return { proven: false, dropped: true, proof: `the patch cannot be applied to ${objectLabel(change)}: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (JSON.stringify(after) === JSON.stringify(replaced.get(target) ?? target)) {
        return { proven: false, dropped: true, proof: `the patch changes nothing in ${objectLabel(change)} (kubectl patch would leave it as it is)` };
      }
      replaced.set(target, after);
    }
    const refused = this.refusedInPlace(replaced, finding.fix!.commands);
    if (refused && this.view.mode !== "lint") return { proven: false, dropped: false, proof: refused.proof, steps: refused.steps, refused: true };
    const verdict = this.checkApplied(finding, changes, replaced, created);
    return refused && verdict.proven ? { ...verdict, steps: refused.steps.map((step) => step.startsWith("#") ? step : `# ${step}`).map((step, index) => (index === 0 ? `${step} (if it already exists in the cluster)` : step)) } : verdict;
  }

  /** Changes to fields the API server does not let change on an existing object: why, and how to re-create it. */
  private refusedInPlace(replaced: ReadonlyMap<KubeObject, KubeObject>, commands: readonly string[]): { proof: string; steps: string[] } | undefined {
    for (const [before, after] of replaced) {
      const recreates = commands.some((command) => new RegExp(`kubectl (delete|replace --force)\\b.*\\b${before.kind.toLowerCase()}\\b`).test(command));
      const fields = immutableChanges(before, after);
      if (fields.length === 0) continue;
      const file = this.view.mode === "lint" ? this.view.loadedOf(before)?.origin.file : undefined;
      const fromFile = file && file !== "-" && !file.startsWith("api:") ? file : undefined;
      return {
        proof: `the API server refuses to change ${fields.join(", ")} of an existing ${before.kind}, so the patch would fail; the ${before.kind} has to be re-created with the change`,
        steps: recreates ? [] : recreateSteps(before, fields, fromFile),
      };
    }
    return undefined;
  }

  private checkApplied(finding: Finding, changes: FixChange[], replaced: Map<KubeObject, KubeObject>, created: LoadedObject[]): Verdict {
    if (this.proofs >= MAX_PROOFS) return { proven: false, dropped: false, proof: `not re-checked: ktriage proves at most ${MAX_PROOFS} distinct changes in one run; narrow the inputs (-n, a smaller PATH) to prove this one` };
    this.proofs++;
    const nearby = this.index.near(changes);
    const nearObjects = this.index.objectsIn(nearby.namespaces);
    const changedWorkloads = [...replaced.keys(), ...replaced.values(), ...created.map((loaded) => loaded.object)];
    const reach = changes.every((change) => WORKLOAD_KINDS.has(change.kind)) ? reachOf(changes[0]!.namespace, changedWorkloads, nearObjects) : undefined;
    const before = this.beforePart(changes, reach);
    const afterParts = focusedParts(this.view, changes, [...changedObjects(this.view, this.index.objectsIn([...nearby.namespaces, ...changes.map((change) => change.namespace)]), replaced, changes), ...created], nearby, reach);
    // Rules that cannot see what the change makes different find the same before and after: only the others run, with the answered one.
    const seeing = this.runner.rulesSeeing(changedInputs(before.parts, afterParts, created.length > 0));
    const rules = seeing ? new Set([...seeing, this.runner.producerOf(finding.rule)]) : undefined;
    const beforeFindings = this.findingsBefore(before, rules);
    const answered = findingKey(finding);
    if (!beforeFindings.some((other) => findingKey(other) === answered)) return { proven: false, dropped: false, proof: "this finding depends on more of the inputs than the change touches, so it was not re-checked" };
    const after = this.rerun(viewOf(this.view, afterParts), rules);
    const stillThere = stillReported(finding, beforeFindings, after);
    const known = new Set(beforeFindings.map(findingKey));
    const fresh = after.filter((other) => other.severity !== "info" && !known.has(findingKey(other)));
    if (fresh.length > 0) {
      const list = fresh.slice(0, 3).map((other) => `${other.rule} (${other.severity}): ${other.summary}`).join("; ");
      return { proven: false, dropped: true, proof: `applied to the view, the change brings a new problem: ${list}` };
    }
    if (stillThere) return { proven: false, dropped: false, proof: "applied to the view, the change does not make this finding go away; check the cause before changing anything" };
    return { proven: true, proof: `applied to ${changes.map(objectLabel).join(", ")} in the view and re-checked: this finding is gone and no new error or warning appears` };
  }

  private rerun(view: ClusterView, rules: ReadonlySet<string> | undefined): Finding[] {
    this.figures.reruns++;
    this.figures.ruleRuns += rules?.size ?? this.runner.ruleCount;
    return this.runner.run(view, rules);
  }

  /**
   * The part before a change, shared by every change it is the same for: a change of anything but workloads
   * keeps its whole namespace (with cluster-scoped objects and the mesh root namespace), so all such changes
   * in one namespace share one part and the findings of each rule on it.
   */
  private beforePart(changes: readonly FixChange[], reach: Reach | undefined): BeforePart {
    const wholeNamespace = !changes.every((change) => WORKLOAD_KINDS.has(change.kind));
    const key = wholeNamespace ? `namespace ${changes[0]!.namespace ?? ""}` : `${changes.map((change) => `${change.kind}/${change.namespace ?? ""}/${change.name}`).sort().join(",")}#${reach?.key ?? ""}`;
    let part = this.before.get(key);
    if (!part) {
      const nearby = this.index.near(changes);
      const parts = focusedParts(this.view, changes, this.index.objectsIn(nearby.namespaces), nearby, reach);
      this.before.set(key, (part = { parts, view: viewOf(this.view, parts), findings: new Map(), everyRule: false }));
    }
    return part;
  }

  /** The findings of these rules (of every rule when undefined) on the part before the change, each rule run once per part. */
  private findingsBefore(part: BeforePart, rules: ReadonlySet<string> | undefined): Finding[] {
    const missing = rules && !part.everyRule ? new Set([...rules].filter((rule) => !part.findings.has(rule))) : undefined;
    if (!part.everyRule && (rules === undefined || missing!.size > 0)) {
      const found = this.rerun(part.view, rules === undefined ? undefined : missing);
      if (rules === undefined) part.findings.clear();
      if (missing) for (const rule of missing) part.findings.set(rule, []);
      for (const finding of found) {
        const producer = this.runner.producerOf(finding.rule);
        let list = part.findings.get(producer);
        if (!list) part.findings.set(producer, (list = []));
        list.push(finding);
      }
      if (rules === undefined) part.everyRule = true;
    }
    if (rules === undefined) return [...part.findings.values()].flat();
    return [...rules].flatMap((rule) => part.findings.get(rule) ?? []);
  }
}

/**
 * The view's objects, events and logs by namespace, so that a proof reads only the namespaces it
 * focuses on (each list keeps the view's order: rules see the same order as on the whole view).
 */
class NamespaceIndex {
  private readonly objects = new Map<string | undefined, Array<{ loaded: LoadedObject; at: number }>>();
  private readonly events = new Map<string, Array<{ item: EventRecord; at: number }>>();
  private readonly logs = new Map<string, Array<{ item: LogStream; at: number }>>();
  private readonly nearby = new Map<string | undefined, { namespaces: (string | undefined)[] } & Candidates>();
  private readonly merged = new Map<string, readonly LoadedObject[]>();

  constructor(view: ClusterView) {
    view.objects.forEach((loaded, at) => push(this.objects, loaded.object.metadata.namespace, { loaded, at }));
    view.events.forEach((item, at) => push(this.events, item.involved.namespace ?? "", { item, at }));
    view.logs.forEach((item, at) => push(this.logs, item.namespace ?? "", { item, at }));
  }

  /** What a focused part of these changes may hold: the first change's namespace, cluster-scoped objects and the mesh root namespace. */
  near(changes: readonly FixChange[]): { namespaces: (string | undefined)[] } & Candidates {
    const namespace = changes[0]!.namespace;
    let near = this.nearby.get(namespace);
    if (!near) {
      const namespaces = [...new Set([namespace, undefined, "istio-system"])];
      // Events and logs name their namespace as "" when they have none (the focused part's keys do too).
      const keys = [...new Set(namespaces.map((name) => name ?? ""))];
      near = { namespaces, events: inOrder(keys.map((key) => this.events.get(key) ?? [])).map((entry) => entry.item), logs: inOrder(keys.map((key) => this.logs.get(key) ?? [])).map((entry) => entry.item) };
      this.nearby.set(namespace, near);
    }
    return near;
  }

  /** The objects of these namespaces in the view's order; each distinct set is merged once (callers only read the list). */
  objectsIn(namespaces: readonly (string | undefined)[]): readonly LoadedObject[] {
    const distinct = [...new Set(namespaces)];
    const key = distinct.map((namespace) => (namespace === undefined ? "\u0000" : namespace)).join("\u0001");
    let objects = this.merged.get(key);
    if (!objects) this.merged.set(key, (objects = inOrder(distinct.map((namespace) => this.objects.get(namespace) ?? [])).map((entry) => entry.loaded)));
    return objects;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  list.push(value);
}

/** Lists each in the view's order, merged into one in that order. */
function inOrder<T extends { at: number }>(lists: readonly (readonly T[])[]): T[] {
  const nonEmpty = lists.filter((list) => list.length > 0);
  if (nonEmpty.length === 1) return [...nonEmpty[0]!];
  return nonEmpty.flat().sort((a, b) => a.at - b.at);
}

/**
 * An unproven fix: the YAML stays as the template of the change; commands that would change the
 * cluster no longer run as printed (their patch becomes a placeholder, other changing commands are
 * commented out); read-only commands stay.
 */
function asGuidance(fix: Fix, verdict: { dropped: boolean; proof: string; steps?: string[]; refused?: boolean }): Fix {
  // A patch the API server refuses is left out: the steps that re-create the object take its place.
  const commands = fix.commands.filter((command) => !(verdict.refused && /^kubectl patch /.test(command))).map((command) => {
    if (!CHANGING.test(command) || /--dry-run/.test(command)) return command;
    const payload = /(?:-p|--patch)[ =]'([^']*)'/.exec(command)?.[1];
    const patched = command.replace(/((?:-p|--patch)[ =])'[^']*'/, "$1'<the change shown above, once checked>'");
    if (patched !== command && !verdict.dropped) return PLACEHOLDER.test(payload ?? "") ? patched : `${patched}   # proposed, not proven: ${payload}`;
    return command.startsWith("#") ? command : `# ${command}   <not proven: check first>`;
  });
  commands.push(...(verdict.steps ?? []));
  const { patch: _patch, ...rest } = fix;
  if (verdict.dropped) {
    const { yaml: _yaml, ...withoutYaml } = rest;
    return { ...withoutYaml, commands, proven: false, proof: verdict.proof };
  }
  return { ...rest, commands, proven: false, proof: verdict.proof };
}
