import type { Category } from "../../model/categories.js";
import type { Evidence, Fix, ResourceRef, Severity } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import { meaningfulTail } from "../../signatures/scan.js";
import type { ClusterView, InputKind } from "../../view/cluster-view.js";
import { defineRule, type CauseDetector, type Messages, type Rule, type RuleDocs } from "../../contract/rule.js";
import { podCauses } from "./causes/competition.js";
import type { Cause, Diagnosis } from "./causes/cause.js";
import { eventEvidence, logLineEvidence } from "./causes/evidence.js";
import type { ContainerContext } from "./causes/context.js";
import type { ContainerSpec, PodSpec, PodStatus } from "./causes/pod-types.js";
import { restartTimeline, timelineEvidence } from "./causes/timeline.js";
import { findContainer, kubectlRef, namespaceFlag, rolloutUndoCommand } from "../../k8s/workload-changes.js";
import { podSpecOf, templateOwnerOf, type JsonObject, type TemplateOwner } from "../../k8s/workloads.js";
import { appliedNamespace } from "../../model/namespace.js";

/** Names a rule's commands need: pod, namespace flag, container flag, owner. */
export interface CommandNames {
  pod: string;
  namespace: string;
  /** ` -n NS` or "" */
  ns: string;
  /** ` -c NAME` or "" */
  c: string;
  container: string;
  /** `deployment/api` when the pod has a template owner, else `pod/NAME`. */
  owner: string;
  ownerKind: string;
}

export function commandNames(d: Diagnosis, owner: TemplateOwner | undefined): CommandNames {
  const container = d.container?.name ?? "";
  return {
    pod: d.pod.name,
    namespace: appliedNamespace(d.pod.namespace),
    ns: namespaceFlag(d.pod.namespace),
    c: container ? ` -c ${container}` : "",
    container,
    owner: owner && owner.kind !== "Pod" ? kubectlRef(owner) : `pod/${d.pod.name}`,
    ownerKind: owner?.kind ?? "Pod",
  };
}

export interface FixContext {
  d: Diagnosis;
  view: ClusterView;
  /** The Pod's template owner (Deployment, StatefulSet, DaemonSet, Job, CronJob) or the pod itself; absent without a Pod object. */
  owner?: TemplateOwner;
  /** The container as the owner's template (or the pod) declares it. */
  current?: ContainerSpec;
  /** The pod spec as the owner's template (or the pod) declares it. */
  podSpec?: PodSpec;
  names: CommandNames;
}

export interface PodRuleSpec {
  id: string;
  category: Category;
  title: string;
  docs: RuleDocs;
  /** The rule's messages: those its detectors word their causes with (`worded`), and those `refine` words a sharper summary with. */
  messages: Messages;
  equivalents?: string[];
  severity?: Severity;
  fallback?: boolean;
  inputs?: InputKind[];
  /** The Kubernetes kinds its detectors and fix read beyond those every pod cause reads (POD_CAUSE_READS). */
  reads?: string[];
  /**
   * The rule's detection: what it answers at which stage of the pod causes' precedences (competition.ts).
   * Every answer is of the rule's category; the engine arbitrates between the detectors of all pod rules.
   */
  detectors: ReadonlyArray<CauseDetector<unknown, unknown>>;
  /** A sharper summary (one of the rule's messages, with its data) and cause than the diagnosis's, from what only this rule reads (claims, classes ...). */
  refine?: (context: FixContext) => { said: Cause["said"]; cause: string } | undefined;
  /** The plain-words cause, when the diagnosis leaves it to the rule. */
  explain?: (context: FixContext) => string;
  /** Evidence only this rule knows to add (spec fields with their lines). */
  extraEvidence?: (context: FixContext) => Evidence[];
  fix: (context: FixContext) => Fix | undefined;
  /**
   * Whether the spec, as a fix changed it, answers the observed cause: judged against the spec the failure
   * was observed under and the evidence (sizes, names, paths the inputs show). Asked only of a changed
   * spec; true only when the evidence says so, never on a guess.
   */
  answered?: (context: FixContext, observed: ContainerSpec, observedPod: PodSpec | undefined) => boolean;
  verify: (names: CommandNames, context: FixContext) => string[];
}

/** The container in the owner's template when the inputs hold the owner, else in the pod. */
export function templateContainer(owner: TemplateOwner | undefined, d: Diagnosis): { container?: ContainerSpec; podSpec?: PodSpec } {
  const from = owner?.object ? podSpecOf(owner.object) : undefined;
  const spec = (from?.spec ?? d.pod.spec) as PodSpec | undefined;
  const name = d.container?.name;
  const container = d.container && spec ? (findContainer(spec as JsonObject, name, d.container.init) as ContainerSpec | undefined) : undefined;
  return { container: container ?? d.container?.spec, podSpec: spec };
}

/** Evidence that quotes a field of the container's spec, with the file and line it sits on. */
export function containerSpecEvidence(context: FixContext, field: Array<string | number>, text: string): Evidence {
  const container = context.d.container;
  const object = context.owner?.object && context.owner.object !== context.d.pod.object ? context.owner.object : context.d.pod.object;
  const loaded = object ? context.view.loadedOf(object) : undefined;
  let base: Array<string | number> = container?.specPath ?? ["spec", "containers", 0];
  if (object && object !== context.d.pod.object && context.owner) {
    const list = (podSpecOf(object)?.spec[container?.init ? "initContainers" : "containers"] as Array<{ name?: string }> | undefined) ?? [];
    const index = Math.max(0, list.findIndex((c) => c.name === container?.name));
    base = [...context.owner.templatePath, "spec", container?.init ? "initContainers" : "containers", index];
  }
  const file = loaded && !loaded.origin.file.startsWith("api:") ? loaded.origin.file : undefined;
  const line = file ? loaded?.locate?.([...base, ...field]) : undefined;
  const evidence: Evidence = { source: "spec", text, path: file ?? [...base, ...field].join(".") };
  if (line !== undefined) evidence.line = line;
  return evidence;
}

/** `status.containerStatuses[0].state` as a field path. */
function fieldPathOf(path: string): Array<string | number> {
  return path.split(/[.[\]]+/).filter(Boolean).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function isHealthy(container: ContainerContext): boolean {
  const status = container.status;
  if (!status) return false;
  if (status.state?.terminated?.exitCode === 0) return true;
  return !!status.state?.running && status.ready !== false;
}

function othersEvidence(d: Diagnosis): Evidence[] {
  if (!d.container) return [];
  const others = d.pod.containers.filter((c) => c !== d.container && !c.init && c.status);
  if (others.length === 0) return [];
  const healthy = others.filter(isHealthy);
  const text = others
    .map((c) => `${c.name} ${c.status?.state?.running ? "Running" : c.status?.state?.terminated ? `Terminated (${c.status.state.terminated.reason ?? c.status.state.terminated.exitCode})` : `Waiting (${c.status?.state?.waiting?.reason ?? ""})`}${c.status?.ready ? ", Ready" : ""}, ${c.status?.restartCount ?? 0} restarts`)
    .join("; ");
  return [{ source: "status", path: "status.containerStatuses", text: `${healthy.length === others.length ? "the other containers are fine" : "other containers"}: ${text}` }];
}

/** A new ReplicaSet crashing while pods of an older one of the same Deployment are Ready: the rollout brought the crash. */
export function rolloutEvidence(view: ClusterView, d: Diagnosis, owner: TemplateOwner | undefined): Evidence | undefined {
  const pod = d.pod.object;
  if (!pod || owner?.kind !== "Deployment") return undefined;
  const hash = pod.metadata.labels?.["pod-template-hash"];
  if (!hash) return undefined;
  const index = rolloutIndex(view, pod.metadata.namespace);
  const olderReady = (index.readyPods.get(owner.name) ?? []).filter((other) => other.hash !== hash);
  const replicaSets = index.replicaSets.get(owner.name) ?? [];
  const current = replicaSets.find((rs) => rs.metadata.name === `${owner.name}-${hash}`);
  const revision = (rs: KubeObject) => Number(rs.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0);
  const olderRs = replicaSets.find((rs) => rs !== current && (rs.status as { readyReplicas?: number } | undefined)?.readyReplicas && (!current || revision(rs) < revision(current)));
  if (olderReady.length === 0 && !olderRs) return undefined;
  const oldName = olderRs?.metadata.name ?? olderReady[0]?.replicaSet ?? "the previous ReplicaSet";
  const shown = olderReady.slice(0, 3).map((other) => other.name).join(", ");
  const more = olderReady.length > 3 ? ` and ${olderReady.length - 3} more` : "";
  return {
    source: "status",
    path: `ReplicaSet ${appliedNamespace(owner.namespace)}/${owner.name}-${hash}`,
    text: `recent rollout: new ReplicaSet ${owner.name}-${hash} crashes while ${oldName} still has Ready pods${olderReady.length ? ` (${shown}${more})` : ""}: rolling back restores service`,
  };
}

interface RolloutIndex {
  /** Deployment name -> its Running pods whose containers are all Ready, with their template hash. */
  readyPods: Map<string, Array<{ name: string; hash: string; replicaSet: string }>>;
  /** Deployment name -> the ReplicaSets it owns. */
  replicaSets: Map<string, KubeObject[]>;
}

const rolloutIndexes = new WeakMap<ClusterView, Map<string, RolloutIndex>>();

/** One pass over a namespace's pods and ReplicaSets, shared by every pod diagnosed in it. */
function rolloutIndex(view: ClusterView, namespace: string | undefined): RolloutIndex {
  let byNamespace = rolloutIndexes.get(view);
  if (!byNamespace) rolloutIndexes.set(view, (byNamespace = new Map()));
  const key = namespace ?? "";
  const cached = byNamespace.get(key);
  if (cached) return cached;
  const index: RolloutIndex = { readyPods: new Map(), replicaSets: new Map() };
  for (const other of view.kindIn("Pod", namespace)) {
    const hash = other.metadata.labels?.["pod-template-hash"];
    const replicaSet = other.metadata.ownerReferences?.find((ref) => ref.kind === "ReplicaSet")?.name ?? "";
    if (!hash || !replicaSet.endsWith(`-${hash}`)) continue;
    const status = other.status as PodStatus | undefined;
    if (status?.phase !== "Running" || !(status.containerStatuses ?? []).every((s) => s.ready)) continue;
    const deployment = replicaSet.slice(0, -(hash.length + 1));
    let list = index.readyPods.get(deployment);
    if (!list) index.readyPods.set(deployment, (list = []));
    list.push({ name: other.metadata.name ?? "", hash, replicaSet });
  }
  for (const rs of view.kindIn("ReplicaSet", namespace)) {
    for (const ref of rs.metadata.ownerReferences ?? []) {
      if (ref.kind !== "Deployment") continue;
      let list = index.replicaSets.get(ref.name);
      if (!list) index.replicaSets.set(ref.name, (list = []));
      list.push(rs);
    }
  }
  byNamespace.set(key, index);
  return index;
}

function tailEvidence(d: Diagnosis): Evidence[] {
  const container = d.container;
  if (!container || container.logs.length === 0) return [];
  const stream = container.logs[0]!;
  return meaningfulTail(stream, 6).map((entry) => logLineEvidence(stream, entry.line, entry.text));
}

/** The lines after a matched line that belong to it (panic message, exception chain), so the evidence reads whole. */
function followingLines(d: Diagnosis): Evidence[] {
  const match = d.cause.match;
  if (!match || d.cause.category !== "app-runtime-error") return [];
  const out: Evidence[] = [];
  for (let index = match.index + 1; index < match.stream.lines.length && out.length < 2; index++) {
    const text = match.stream.lines[index]!;
    if (text.trim() === "" || /^\s+at |^\s*goroutine \d+/.test(text)) continue;
    out.push(logLineEvidence(match.stream, match.stream.firstLine + index, text));
  }
  return out;
}

/** Each pod rule's fix builder, so a cause found inside an init container gets the same fix as in an app container. */
const FIX_BUILDERS = new WeakMap<Rule, PodRuleSpec["fix"]>();

export function fixBuilderOf(rule: Rule): PodRuleSpec["fix"] | undefined {
  return FIX_BUILDERS.get(rule);
}

/** The kinds the pod causes' walk and their fixes read: pods and their owners, nodes and metrics, the config and Services they name. */
const POD_CAUSE_READS = ["ConfigMap", "CronJob", "DaemonSet", "Deployment", "EndpointSlice", "Endpoints", "Job", "Node", "Pod", "PodMetrics", "ReplicaSet", "ReplicationController", "Secret", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"];

/** Builds the Rule for one pod cause: its detectors join the pod causes' competition, and it reports the causes they win. */
export function podCauseRule(spec: PodRuleSpec): Rule {
  const rule = defineRule({
    id: spec.id,
    category: spec.category,
    severity: spec.severity ?? "error",
    title: spec.title,
    docs: spec.docs,
    equivalents: spec.equivalents ?? [],
    inputs: spec.inputs ?? ["pods", "events", "logs", "workloads"],
    reads: [...new Set([...POD_CAUSE_READS, ...(spec.reads ?? [])])],
    requires: [],
    scopes: ["diagnose"],
    ...(spec.fallback ? { fallback: true } : {}),
    messages: spec.messages,
    detection: { competition: podCauses, detectors: spec.detectors },
    analyze({ view, report, causes }) {
      if (!view.has("pods") && !view.has("events") && !view.has("logs")) return;
      if (!causes) throw new Error(`internal error: ${spec.id} reports the pod causes its detectors won, which only the engine hands out`);
      for (const d of causes as readonly Diagnosis[]) {
        if (d.cause.category !== spec.category) throw new Error(`internal error: ${spec.id} won a cause of category ${d.cause.category}; its detectors answer only with ${spec.category}`);
        if (!d.cause.summary) throw new Error(`internal error: ${spec.id} won a cause its detector did not word (message "${d.cause.said.message}"): wrap the detector in worded(messages, ids, ...)`);
        const owner = d.pod.object ? templateOwnerOf(view, d.pod.object) : undefined;
        const { container: current, podSpec } = templateContainer(owner, d);
        const names = commandNames(d, owner);
        const context: FixContext = { d, view, owner, current, podSpec, names };
        if (d.container?.observedSpec && spec.answered?.(context, d.container.observedSpec, d.pod.observedSpec)) continue;
        const evidence: Evidence[] = [...d.cause.evidence, ...followingLines(d), ...(spec.extraEvidence?.(context) ?? [])];
        const backoff = d.container?.events.find((e) => e.reason === "BackOff" && /restarting failed container/i.test(e.message));
        if (backoff && !evidence.some((e) => e.text.includes(backoff.message))) evidence.push(eventEvidence(backoff));
        const timeline = restartTimeline(d.container?.status);
        if (timeline && (timeline.restartCount > 0 || d.container?.status?.state?.waiting?.reason === "CrashLoopBackOff")) {
          evidence.push(...timelineEvidence(timeline, view.now, d.container!.statusPath));
        }
        if (d.cause.category === "unknown-crash" || (d.cause.category === "init-container-failure" && !d.cause.match)) evidence.push(...tailEvidence(d));
        evidence.push(...othersEvidence(d));
        const rollout = rolloutEvidence(view, d, owner);
        if (rollout) evidence.push(rollout);
        const fix = (): Fix | undefined => {
          const built = spec.fix(context);
          if (!rollout || !owner) return built;
          const undo = rolloutUndoCommand(owner);
          return built
            ? { ...built, commands: [`${undo}   # quickest way back: the previous ReplicaSet was healthy`, ...built.commands] }
            : { description: "Roll back to the previous ReplicaSet, which was healthy, then fix the new version.", commands: [undo, `kubectl rollout status ${kubectlRef(owner)}${namespaceFlag(owner.namespace)}`] };
        };
        const refined = spec.refine?.(context);
        // The Pod object at the container's status, placed by the engine (file:line from a file, none for a live pod);
        // a pod known only from its events or logs (or without a name) is named as they name it.
        const container = d.container?.name ? { container: d.container.name } : {};
        const placed = typeof d.pod.object?.metadata.name === "string"
          ? { object: d.pod.object, fieldPath: fieldPathOf(d.container?.statusPath ?? "status"), ...container }
          : { resource: { kind: "Pod", ...(d.pod.namespace ? { namespace: d.pod.namespace } : {}), name: d.pod.name, ...container } satisfies ResourceRef };
        const said = refined?.said ?? d.cause.said;
        report({
          message: said.message,
          data: said.data,
          ...placed,
          severity: d.cause.severity,
          confidence: d.cause.confidence,
          evidence,
          cause: refined?.cause ?? (d.cause.cause || spec.explain?.(context) || spec.docs.cause),
          verify: spec.verify(names, context),
          fix,
        });
      }
    },
  });
  FIX_BUILDERS.set(rule, spec.fix);
  return rule;
}

/** The restart checks every crash fix ends with. */
export function restartVerify(n: CommandNames): string[] {
  const rollout = n.ownerKind === "Deployment" || n.ownerKind === "StatefulSet" || n.ownerKind === "DaemonSet" ? [`kubectl rollout status ${n.owner}${n.ns}`] : [];
  return [
    ...rollout,
    `kubectl get pod ${n.pod}${n.ns} -o jsonpath='{.status.containerStatuses[*].restartCount}{"\\n"}'   # must stop increasing`,
    `kubectl get events${n.ns} --sort-by=.lastTimestamp | tail -n 50   # no new BackOff/Killing`,
  ];
}

/** `kubectl logs --previous` for the container, where every crash diagnosis starts. */
export function logsCommand(n: CommandNames, previous = true): string {
  return `kubectl logs ${n.pod}${n.c}${n.ns}${previous ? " --previous" : ""} --timestamps`;
}
