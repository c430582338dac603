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
  fix?: Fix;
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

/** One question a rule's detection answers about a subject (a pod, a container), at a stage of the precedence it declares. */
export interface CauseDetector<Subject, Cause> {
  stage: string;
  detect(subject: Subject): Cause | undefined;
}

/** The order in which causes outrank each other: stages best first, and the detectors that answer at them. */
export interface Precedence<Subject, Cause> {
  readonly stages: readonly string[];
  readonly detectors: readonly CauseDetector<Subject, Cause>[];
}

/** Arbitration between causes, done by the engine (engine/arbitration.ts) on the precedence the rules declare. */
export interface Arbitration {
  /** The cause the best-placed detector names for the subject; detectors of worse stages never run once one answered. */
  firstCause<Subject, Cause>(order: Precedence<Subject, Cause>, subject: Subject): { stage: string; cause: Cause } | undefined;
  /** A cause of the whole is its only cause; otherwise each part keeps its own; when no part has one, the fallback speaks for the whole. */
  wholeThenParts<Whole, Part, Cause>(whole: Whole, parts: readonly Part[], causeOfWhole: (whole: Whole) => Cause | undefined, causeOfPart: (part: Part) => Cause | undefined, fallback: (whole: Whole) => Cause | undefined): Cause[];
}

/** What a rule's `analyze` gets: the view, handing out only the declared inputs, the one way to report, and the engine's arbitration. */
export interface RuleContext {
  /** Reading an input the rule does not declare is recorded, and refused with an internal error in tests and with KTRIAGE_STRICT_INPUTS=1. */
  readonly view: ClusterView;
  report(report: Report): void;
  /** Always given by the engine; a rule that wraps its context for a helper need not pass it on unless the helper arbitrates. */
  readonly arbitration?: Arbitration;
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
