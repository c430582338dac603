/**
 * Reports for requests that share a response flag (or an RBAC/JWT denial),
 * one per proxy log, plus the matching Envoy lines in container logs.
 */
import type { Report, RuleContext } from "../../contract/rule.js";
import type { Evidence, Fix, ResourceRef } from "../../model/finding.js";
import { IssueBucket } from "../../envoy/access-log/summary.js";
import { accessLogResource, bucketEvidence } from "./access-log-evidence.js";
import { sidecarLineMatches, type SidecarLineMatch } from "../../envoy/sidecar-log-lines.js";
import { envoyData, type ViewAccessLog } from "../../envoy/view-data.js";

/** One of the rule's message ids and the data its template needs. */
export type FlagMessage = Pick<Report, "message" | "data">;

export interface FlagFindingSpec {
  /** Issue keys in the access-log summary (flags such as UF, or RBAC/JWT/BLACKHOLE). */
  keys: string[];
  /** Signature ids in container logs (sidecar-log-lines.ts) this rule also reports. */
  lineSignatures?: string[];
  /** "ended 503 UH (no healthy upstream)" */
  what: string;
  message(log: ViewAccessLog, bucket: IssueBucket, keys: string[]): FlagMessage;
  cause(log: ViewAccessLog, bucket: IssueBucket, keys: string[]): string;
  fix(log: ViewAccessLog, bucket: IssueBucket): Fix;
  verify(log: ViewAccessLog): string[];
  /** The report for lines of one container; `where` is `namespace/pod (container)`, or the log file. */
  lineFinding?(matches: SidecarLineMatch[], where: string): FlagMessage & Pick<Report, "cause" | "fix" | "verify">;
  confidence?: number;
}

function merge(buckets: IssueBucket[]): IssueBucket {
  if (buckets.length === 1) return buckets[0]!;
  const merged = new IssueBucket();
  for (const bucket of buckets) merged.mergeFrom(bucket);
  return merged;
}

export function flagFindings({ view, report }: RuleContext, spec: FlagFindingSpec): void {
  const reported: ResourceRef[] = [];
  for (const log of envoyData(view).accessLogs) {
    const present = spec.keys.filter((key) => log.summary.issues.has(key));
    if (present.length === 0) continue;
    const bucket = merge(present.map((key) => log.summary.issues.get(key)!));
    const flags = [...bucket.flags.keys()];
    const named = [...new Set(present.flatMap((key) => (key === "CONNECT" || key === "DISCONNECT" ? flags.filter((flag) => !present.includes(flag)) : [key])))];
    const resource = accessLogResource(log);
    reported.push(resource);
    report({
      ...spec.message(log, bucket, named),
      confidence: spec.confidence ?? 0.9,
      resource,
      evidence: bucketEvidence(log, bucket, spec.what),
      cause: spec.cause(log, bucket, named),
      fix: spec.fix(log, bucket),
      verify: spec.verify(log),
    });
  }
  if (!spec.lineSignatures || !spec.lineFinding) return;
  const byContainer = new Map<string, SidecarLineMatch[]>();
  for (const match of sidecarLineMatches(view)) {
    if (!spec.lineSignatures.includes(match.signature.id)) continue;
    const key = `${match.namespace ?? ""}/${match.pod ?? ""}/${match.container ?? ""}/${match.file}`;
    let list = byContainer.get(key);
    if (!list) byContainer.set(key, (list = []));
    list.push(match);
  }
  for (const matches of byContainer.values()) {
    const first = matches[0]!;
    // The access log of the same proxy already explains these lines.
    if (reported.some((resource) => resource.kind === "Pod" && resource.name === first.pod && resource.namespace === first.namespace)) continue;
    const where = first.pod ? `${first.namespace}/${first.pod} (${first.container})` : first.file;
    const evidence: Evidence[] = [
      { source: "log", text: `${matches.length} line${matches.length > 1 ? "s say" : " says"} "${first.matched}": ${first.signature.explanation}`, path: first.file },
      ...matches.slice(0, 3).map((match) => ({ source: "log", text: match.text, path: match.file, line: match.line })),
    ];
    report({
      ...spec.lineFinding(matches, where),
      confidence: 0.75,
      resource: first.pod ? { kind: "Pod", namespace: first.namespace, name: first.pod, container: first.container, file: first.file } : { kind: "Log", name: first.file, file: first.file },
      evidence,
    });
  }
}
