import type { Category } from "../model/categories.js";
import type { Evidence, Fix, ResourceRef, Severity } from "../model/finding.js";
import type { KubeObject } from "../model/kube.js";
import type { ClusterView, InputKind } from "../view/cluster-view.js";

export interface RuleDocs {
  /** What goes wrong, in plain words. */
  cause: string;
  /** What to change. */
  fix: string;
  /** Commands that confirm the fix worked. */
  verify: string[];
  /** Public documentation: kubernetes.io, istio.io, envoyproxy.io. */
  references: string[];
}

/**
 * Where a rule runs: `diagnose` on observed state (scan/pod), `lint` on
 * manifests before deploy. Most Istio configuration rules run in both.
 */
export type RuleScope = "diagnose" | "lint";

/** `spec.http[0].route[0].destination.host` as `["spec", "http", 0, "route", 0, "destination", "host"]`. */
export type FieldPath = ReadonlyArray<string | number>;

/**
 * A rule's messages by id (kebab-case): the summary line of each finding, with `{name}`
 * placeholders filled from the report's `data`.
 */
export type Messages = Readonly<Record<string, string>>;

/** What a rule reports; the engine turns it into a Finding. */
export interface Report {
  /** The id of one of the rule's `messages`: the finding's summary is that template filled with `data`. */
  message: string;
  /** The values of the template's `{name}` placeholders. */
  data?: Readonly<Record<string, string | number>>;
  /** The object the finding is about: its kind, namespace and name, and the file:line of `fieldPath` when it came from a file. */
  object?: KubeObject;
  /** The offending field of `object`: the finding points at its line (the object's own line without it). */
  fieldPath?: FieldPath;
  /** What the finding is about when it is not an object of the view (a config dump, a log file, a proxy). */
  resource?: ResourceRef;
  container?: string;
  /** The cause in plain words. */
  cause: string;
  evidence?: Evidence[];
  /** The fix, or how to build it: a function is called only when the fix is wanted (the prover's re-runs read none). */
  fix?: Fix | (() => Fix | undefined);
  /** Commands that confirm the fix worked; the rule's `docs.verify` when absent. */
  verify?: string[];
  /** 0..1, 0.9 when absent. */
  confidence?: number;
  /** Only when this finding differs from the rule's own severity, category or equivalents. */
  severity?: Severity;
  category?: Category;
  equivalents?: string[];
  /** The message istioctl analyze prints for the same problem (rules that mirror an IST code). */
  istioMessage?: string;
  /** The finding's message is its summary: for checks istioctl has retired, whose message ktriage still gives (IST0113, IST0115). */
  summaryIsIstioMessage?: boolean;
}

/**
 * The order in which causes outrank each other: named stages, best first. It holds no detector: cause rules
 * join it with detectors of their own, and the engine arbitrates between every rule that joined.
 */
export interface Precedence<Subject, Cause> {
  readonly id: string;
  readonly stages: readonly string[];
  /** Only for the types: what its detectors are asked about and answer with. */
  __types?(subject: Subject): Cause;
}

/** One question a cause rule's detection answers about a subject (a pod, a container), at a stage of a precedence. */
export interface CauseDetector<Subject, Cause> {
  readonly precedence: Precedence<Subject, Cause>;
  readonly stage: string;
  /** Order among the detectors of one stage, lower first (0 when absent); ties keep the rules' order. */
  readonly position?: number;
  detect(subject: Subject): Cause | undefined;
}

/** What the engine answers a competition's walk with: the best-placed detector of every rule that joined, and whose it is. */
export interface Arbitration {
  /** The cause the best-placed detector names for the subject, with the rule that owns it; worse detectors never run once one answered. */
  firstCause<Subject, Cause>(order: Precedence<Subject, Cause>, subject: Subject): { stage: string; rule: string; cause: Cause } | undefined;
  /** A cause of the whole is its only cause; otherwise each part keeps its own; when no part has one, the fallback speaks for the whole. */
  wholeThenParts<Whole, Part, Cause>(whole: Whole, parts: readonly Part[], causeOfWhole: (whole: Whole) => Cause | undefined, causeOfPart: (part: Part) => Cause | undefined, fallback: (whole: Whole) => Cause | undefined): Cause[];
}

/**
 * Cause rules that compete for the same subjects (the pod rules for a pod's containers): the precedences they
 * join and the walk over the view that asks them. The engine runs the walk once per view with the detectors
 * of every rule that joined, whichever of them were selected, and hands each rule the outcomes it owns.
 */
export interface Competition<Outcome> {
  readonly id: string;
  readonly precedences: readonly Precedence<unknown, unknown>[];
  /** Every outcome, in the order the walk met them, each with the rule that owns it (from `firstCause`). */
  decide(view: ClusterView, arbitration: Arbitration): readonly Outcome[];
  ownerOf(outcome: Outcome): string | undefined;
}

/** A cause rule's part in a competition: the detectors it owns. */
export interface Detection {
  readonly competition: Competition<unknown>;
  readonly detectors: readonly CauseDetector<unknown, unknown>[];
}

/** What a rule's `analyze` gets: the view, handing out only the declared inputs, the one way to report, and its share of a competition. */
export interface RuleContext {
  /** Reading an input the rule does not declare is recorded, and refused with an internal error in tests and with KTRIAGE_STRICT_INPUTS=1. */
  readonly view: ClusterView;
  report(report: Report): void;
  /** False while the prover re-runs rules on a changed view: it reads only each finding's rule, resource, severity and summary, so a fix need not be built. */
  readonly fixes: boolean;
  /** A cause rule: the outcomes of its competition that its detectors won. A rule that runs `after` a competition: all of them. Absent otherwise. */
  readonly causes?: readonly unknown[];
}

/** Everything about a rule but how it analyses. */
export interface RuleMeta {
  /** Stable kebab-case id grouped by layer: `pod/oom-killed`, `istio/virtualservice-subset-not-found`. */
  id: string;
  category: Category;
  severity: Severity;
  title: string;
  docs: RuleDocs;
  /** Codes other tools use for the same problem (IST0101, KIA1107, popeye, kube-linter ...). */
  equivalents: string[];
  /** The evidence the rule reads (and all it may read); the engine skips the rule, and says so, when none of `requires` is present. */
  inputs: InputKind[];
  /**
   * The Kubernetes kinds the rule reads from the view, through its helpers too (`*`: any object, as
   * `view.objects` gives them). A fix proof re-runs the rule only when the change makes an object of one
   * of them different; the rule contract test runs each rule alone and fails on a kind read but not declared.
   * Absent: any kind.
   */
  reads?: readonly string[];
  /** Inputs that must all be present to run; defaults to `inputs[0]`. */
  requires?: InputKind[];
  scopes: RuleScope[];
  /**
   * A fallback rule only speaks when nothing more specific explains the same
   * resource (unknown-crash, generic CrashLoopBackOff): the engine folds it away otherwise.
   */
  fallback?: boolean;
  /**
   * Rules whose findings on the same pod this rule's finding explains (a starved proxy is also slow to
   * acknowledge istiod's pushes): the engine folds them under it as symptoms, so the cause ranks first.
   */
  explains?: readonly string[];
  /** A cause rule: the competition it joins and the detectors it owns there (see Competition). */
  detection?: Detection;
  /** A rule that reads a competition's outcome without competing in it: it runs after the arbitration, on every outcome. */
  after?: Competition<unknown>;
  /** Too noisy for every run (istioctl leaves its counterpart out too): runs only when named with `--enable` or `--rule`. */
  optIn?: boolean;
}

/** A rule: metadata, its messages, and `analyze(ctx)`, which reports through `ctx.report`. */
export interface Rule extends RuleMeta {
  messages: Messages;
  analyze(ctx: RuleContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** A rule's published metadata: how it analyses, what it competes with and which kinds fix proofs re-run it for are code, not metadata. */
export type RuleMetadata = Omit<Rule, "analyze" | "detection" | "after" | "reads">;

export function metadataOf({ analyze: _analyze, detection: _detection, after: _after, reads: _reads, ...metadata }: Rule): RuleMetadata {
  return metadata;
}
