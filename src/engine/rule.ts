import type { Category } from "../model/categories.js";
import type { Finding, Severity } from "../model/finding.js";
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

export interface Rule {
  /** Stable kebab-case id grouped by layer: `pod/oom-killed`, `istio/virtualservice-subset-not-found`. */
  id: string;
  category: Category;
  severity: Severity;
  title: string;
  docs: RuleDocs;
  /** Codes other tools use for the same problem (IST0101, KIA1107, popeye, kube-linter ...). */
  equivalents: string[];
  /** The evidence the rule reads; the engine skips the rule, and says so, when none of `requires` is present. */
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
  analyze(view: ClusterView): Finding[];
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
