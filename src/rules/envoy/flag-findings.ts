/**
 * Findings for requests that share a response flag (or an RBAC/JWT denial),
 * one per proxy log, plus the matching Envoy lines in container logs.
 */
import type { Rule } from "../../engine/rule.js";
import type { Evidence, Finding, Fix } from "../../model/finding.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { IssueBucket } from "../../envoy/access-log/summary.js";
import { accessLogResource, bucketEvidence, describeProxy } from "../../envoy/findings.js";
import { sidecarLineMatches, type SidecarLineMatch } from "../../envoy/sidecar-log-lines.js";
import { envoyData, type ViewAccessLog } from "../../envoy/view-data.js";

export interface FlagFindingSpec {
  /** Issue keys in the access-log summary (flags such as UF, or RBAC/JWT/BLACKHOLE). */
  keys: string[];
  /** Signature ids in container logs (sidecar-log-lines.ts) this rule also reports. */
  lineSignatures?: string[];
  /** "ended 503 UH (no healthy upstream)" */
  what: string;
  summary(log: ViewAccessLog, bucket: IssueBucket, keys: string[]): string;
  cause(log: ViewAccessLog, bucket: IssueBucket, keys: string[]): string;
  fix(log: ViewAccessLog, bucket: IssueBucket): Fix;
  verify(log: ViewAccessLog): string[];
  extraEvidence?(log: ViewAccessLog, bucket: IssueBucket): Evidence[];
  lineFinding?(matches: SidecarLineMatch[]): Pick<Finding, "summary" | "cause" | "fix" | "verify">;
  confidence?: number;
}

function merge(buckets: IssueBucket[]): IssueBucket {
  if (buckets.length === 1) return buckets[0]!;
  const merged = new IssueBucket();
  for (const bucket of buckets) merged.mergeFrom(bucket);
  return merged;
}

export function flagFindings(rule: Rule, view: ClusterView, spec: FlagFindingSpec): Finding[] {
  const findings: Finding[] = [];
  for (const log of envoyData(view).accessLogs) {
    const present = spec.keys.filter((key) => log.summary.issues.has(key));
    if (present.length === 0) continue;
    const bucket = merge(present.map((key) => log.summary.issues.get(key)!));
    const flags = [...bucket.flags.keys()];
    const named = present.flatMap((key) => (key === "CONNECT" || key === "DISCONNECT" ? flags.filter((flag) => !present.includes(flag)) : [key]));
    findings.push({
      rule: rule.id,
      category: rule.category,
      severity: rule.severity,
      confidence: spec.confidence ?? 0.9,
      resource: accessLogResource(log),
      summary: spec.summary(log, bucket, [...new Set(named)]),
      evidence: [...bucketEvidence(log, bucket, spec.what), ...(spec.extraEvidence?.(log, bucket) ?? [])],
      cause: spec.cause(log, bucket, [...new Set(named)]),
      fix: spec.fix(log, bucket),
      verify: spec.verify(log),
      equivalents: rule.equivalents,
    });
  }
  if (spec.lineSignatures && spec.lineFinding) {
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
      if (findings.some((finding) => finding.resource.kind === "Pod" && finding.resource.name === first.pod && finding.resource.namespace === first.namespace)) continue;
      const described = spec.lineFinding(matches);
      findings.push({
        rule: rule.id,
        category: rule.category,
        severity: rule.severity,
        confidence: 0.75,
        resource: first.pod ? { kind: "Pod", namespace: first.namespace, name: first.pod, container: first.container, file: first.file } : { kind: "Log", name: first.file, file: first.file },
        evidence: [
          { source: "log", text: `${matches.length} line${matches.length > 1 ? "s say" : " says"} "${first.text.match(first.signature.pattern)?.[0] ?? first.signature.id}": ${first.signature.explanation}`, path: first.file },
          ...matches.slice(0, 3).map((match) => ({ source: "log", text: match.text, path: match.file, line: match.line })),
        ],
        equivalents: rule.equivalents,
        ...described,
      });
    }
  }
  return findings;
}

export function proxyNoun(log: ViewAccessLog): string {
  return describeProxy(log);
}
