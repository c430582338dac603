import { OBSERVED_EVIDENCE, type Finding, type Fix, type FixChange } from "../model/finding.js";
import type { KubeObject, LoadedObject } from "../model/kube.js";
import { immutableChanges, recreateSteps } from "../k8s/immutable-fields.js";
import type { ClusterView } from "../view/cluster-view.js";
import { changedInputs, NamespaceIndex, reachOf, WORKLOAD_KINDS, type ChangedInputs, type FocusedParts, type Reach } from "./focused-parts.js";
import { applyChange } from "./patch/apply-change.js";

export { applyChange } from "./patch/apply-change.js";
export type { ChangedInputs } from "./focused-parts.js";

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
  /** Whether a rule rests on records only (what pods and proxies recorded: status, events, logs), not on what objects declare: it runs on observed state alone. */
  restsOnRecords(ruleId: string): boolean;
  /** The rule that reports findings with this id. */
  producerOf(ruleId: string): string;
  /** How many rules a run of every rule runs at most. */
  readonly ruleCount: number;
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

/**
 * What a finding rests on that was recorded rather than declared (a pod's status, events, logs, access
 * logs), from the sources of its evidence: in scan and pod mode a re-check keeps such records as they
 * were, so it cannot show the finding go away, only that the change is safe.
 */
function recordsOf(finding: Finding): string[] {
  return [...new Set(finding.evidence.map((item) => OBSERVED_EVIDENCE[item.source]).filter((words): words is string => words !== undefined))];
}

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function objectLabel(change: FixChange): string {
  return `${change.kind} ${change.namespace ? `${change.namespace}/` : ""}${change.name}`;
}

/** `steps`: what to run instead when the change cannot be made in place. */
type Verdict = { proven: true; proof: string; steps?: string[] } | Unproven;
type Unproven = { proven: false; dropped: boolean; proof: string; steps?: string[]; refused?: boolean; checkedSafe?: boolean };

/** A focused part of the view before any change, and the findings of each rule run on it so far. */
interface BeforePart {
  parts: FocusedParts;
  /** Built when a rule first runs on the part. */
  view?: ClusterView;
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

  /** How many findings the run being proven reported under each key: all were there before any change. */
  private readonly reported = new Map<string, number>();

  constructor(
    private readonly view: ClusterView,
    private readonly runner: ProofRunner,
    reported: readonly Finding[] = [],
  ) {
    this.index = new NamespaceIndex(view);
    for (const other of reported) this.reported.set(findingKey(other), (this.reported.get(findingKey(other)) ?? 0) + 1);
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
    const inOneNamespace = created.length === 0 && changes.every((change) => change.namespace === changes[0]!.namespace);
    const afterParts = (inOneNamespace ? this.index.changedPart(before.parts, replaced, changes) : undefined) ?? this.index.focusedParts(changes, [...this.index.changedObjects(this.index.objectsIn([...nearby.namespaces, ...changes.map((change) => change.namespace)]), replaced, changes), ...created], nearby, reach);
    // Rules that cannot see what the change makes different find the same before and after: only the others run, with the answered one.
    const seeing = this.runner.rulesSeeing(changedInputs(before.parts, afterParts, created.length > 0));
    const producer = this.runner.producerOf(finding.rule);
    const rules = seeing ? new Set([...seeing, producer]) : undefined;
    const afterView = this.index.viewOf(afterParts);
    const records = this.view.mode === "lint" ? [] : recordsOf(finding);
    if (records.length > 0 && seeing) {
      // Rules that rest on records too (what a pod or a proxy recorded) read the same records after a change of templates: a finding
      // resting on records is re-checked with the rules that read templates first. Unless that shows it checked safe, every rule that sees the change runs.
      const readingTemplates = new Set([...seeing].filter((rule) => !this.runner.restsOnRecords(rule)));
      const verdict = this.judge(finding, changes, before, this.rerun(afterView, readingTemplates.add(producer)), records);
      if (!verdict.proven && verdict.checkedSafe) return verdict;
    }
    return this.judge(finding, changes, before, this.rerun(afterView, rules), records);
  }

  /** The verdict on the findings after the change, against those of the part before it. */
  private judge(finding: Finding, changes: readonly FixChange[], before: BeforePart, after: readonly Finding[], records: readonly string[]): Verdict {
    const producer = this.runner.producerOf(finding.rule);
    const answered = findingKey(finding);
    // Every finding of the answered rule after the change was reported before it (on other pods of the workload too), and under the
    // answered one's key as many as before (the change fixed none of them): the answered rule's run on the part before would only say so.
    const producerAfter = after.filter((other) => this.runner.producerOf(other.rule) === producer);
    const asItWas = records.length > 0 && producerAfter.every((other) => this.reported.has(findingKey(other))) && producerAfter.filter((other) => findingKey(other) === answered).length >= (this.reported.get(answered) ?? Infinity);
    // A finding's key holds the rule that reported it: on the part before, only the answered rule and the rules with an error or warning after the change decide the verdict.
    const deciding = new Set(after.filter((other) => other.severity !== "info").map((other) => this.runner.producerOf(other.rule)));
    if (asItWas) deciding.delete(producer);
    else deciding.add(producer);
    const beforeFindings = deciding.size > 0 ? this.findingsBefore(before, deciding) : [];
    if (!asItWas && !beforeFindings.some((other) => findingKey(other) === answered)) return { proven: false, dropped: false, proof: "this finding depends on more of the inputs than the change touches, so it was not re-checked" };
    const stillThere = asItWas || stillReported(finding, beforeFindings, after);
    const known = new Set(beforeFindings.map(findingKey));
    if (asItWas) for (const other of producerAfter) known.add(findingKey(other));
    const fresh = after.filter((other) => other.severity !== "info" && !known.has(findingKey(other)));
    if (fresh.length > 0) {
      const list = fresh.slice(0, 3).map((other) => `${other.rule} (${other.severity}): ${other.summary}`).join("; ");
      return { proven: false, dropped: true, proof: `applied to the view, the change brings a new problem: ${list}` };
    }
    if (stillThere) {
      if (records.length > 0) return { proven: false, dropped: false, checkedSafe: true, proof: `applied to ${changes.map(objectLabel).join(", ")} in the view, the change brings no new error or warning; this finding rests on ${joinWords(records)} recorded before the change, so run the verify commands once it is rolled out` };
      return { proven: false, dropped: false, proof: "applied to the view, the change does not make this finding go away; check the cause before changing anything" };
    }
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
      const parts = this.index.focusedParts(changes, this.index.objectsIn(nearby.namespaces), nearby, reach);
      this.before.set(key, (part = { parts, findings: new Map(), everyRule: false }));
    }
    return part;
  }

  /** The findings of these rules (of every rule when undefined) on the part before the change, each rule run once per part. */
  private findingsBefore(part: BeforePart, rules: ReadonlySet<string> | undefined): Finding[] {
    const missing = rules && !part.everyRule ? new Set([...rules].filter((rule) => !part.findings.has(rule))) : undefined;
    if (!part.everyRule && (rules === undefined || missing!.size > 0)) {
      const found = this.rerun((part.view ??= this.index.viewOf(part.parts)), rules === undefined ? undefined : missing);
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
 * An unproven fix: the YAML stays as the template of the change; commands that would change the
 * cluster no longer run as printed (their patch becomes a placeholder, other changing commands are
 * commented out); read-only commands stay.
 */
function asGuidance(fix: Fix, verdict: Unproven): Fix {
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
  return { ...rest, commands, proven: false, proof: verdict.proof, ...(verdict.checkedSafe ? { checkedSafe: true } : {}) };
}
