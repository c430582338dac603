import type { Category } from "./categories.js";

export type Severity = "error" | "warning" | "info";

export const SEVERITY_ORDER: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** The object a finding is about. `file`/`line` point at the offending field when it came from a file. */
export interface ResourceRef {
  kind: string;
  namespace?: string;
  name: string;
  container?: string;
  file?: string;
  line?: number;
}

/**
 * One fact the diagnosis relied on. `source` says what kind of evidence it is
 * (`status`, `event`, `log`, `previous-log`, `spec`, `manifest`, `config-dump`,
 * `access-log`, `proxy-status`, `api`), `text` says what it showed.
 */
export interface Evidence {
  source: string;
  text: string;
  /** Where it came from: a status field path, a file path, an API path. */
  path?: string;
  /** 1-based line in `path` for files and logs. */
  line?: number;
}

/**
 * Evidence sources that record what happened (a pod's status, events, logs, access logs, proxies' sync
 * status), as opposed to what objects declare (`spec`, `manifest`, `api`, `config-dump`). A change to the
 * view cannot change such a record: a fix's effect on it shows only once the change rolls out.
 */
export const OBSERVED_EVIDENCE: Readonly<Record<string, string>> = { status: "status", event: "events", log: "logs", "previous-log": "logs", "access-log": "access logs", "proxy-status": "proxy sync status" };

export interface YamlChange {
  /** What the object (usually the owner's pod template) says now, trimmed to the part that changes. */
  before: string;
  /** The same part after the fix. */
  after: string;
  /** The object the YAML belongs to, e.g. `Deployment default/api`. */
  target?: string;
}

/**
 * The change a fix makes to one object, as `kubectl patch --type <type> -p <patch>` would send it;
 * `create` is a new object (`patch` holds its manifest), as `kubectl apply` of the fix's YAML creates it.
 */
export interface FixChange {
  kind: string;
  namespace?: string;
  name: string;
  type: "strategic" | "merge" | "json" | "create";
  patch: string;
}

export interface Fix {
  description: string;
  yaml?: YamlChange;
  /** A strategic-merge or JSON patch, as passed to `kubectl patch`; only on proven fixes. */
  patch?: string;
  /** The change the fix makes, which the engine applies to the view to prove it. */
  change?: FixChange;
  /**
   * Set by the engine: true when it applied the change to the view, re-ran the rules, and the finding was gone
   * with no new error or warning; the commands then run as printed. False: guidance, whose changing commands
   * carry `<...>` placeholders or are commented out.
   */
  proven?: boolean;
  /** What the proof found, in one sentence. */
  proof?: string;
  /**
   * Set by the engine on guidance whose change applies and brings no new error or warning, for a finding
   * that rests on records taken before the change (a pod's status, events, logs): a re-check keeps those
   * records, so only the verify commands, once the change is rolled out, show the finding gone.
   */
  checkedSafe?: boolean;
  commands: string[];
}

export interface Finding {
  rule: string;
  category: Category;
  severity: Severity;
  /** 0..1: how sure the rule is that this is the cause. */
  confidence: number;
  resource: ResourceRef;
  summary: string;
  evidence: Evidence[];
  cause: string;
  fix?: Fix;
  verify: string[];
  /** Codes other tools give the same problem: `IST0101`, `KIA1107`, `popeye:POP-203`, `kube-linter:latest-tag`. */
  equivalents: string[];
  /**
   * Findings this one explains: the engine folds other findings for the same
   * resource here (a CrashLoopBackOff caused by an OOM is one problem).
   */
  symptoms?: FoldedFinding[];
  /** The message istioctl analyze would print for this finding, when the rule mirrors an IST code. */
  message?: string;
}

export interface FoldedFinding {
  rule: string;
  category: Category;
  summary: string;
}

/** A rule the engine did not run, and why. */
export interface SkippedRule {
  rule: string;
  reason: string;
}
