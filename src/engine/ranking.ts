import { SEVERITY_ORDER, type Finding } from "../model/finding.js";

function groupKey(finding: Finding): string {
  const r = finding.resource;
  return `${r.kind}/${r.namespace ?? ""}/${r.name}/${r.container ?? ""}`;
}

function score(finding: Finding, fallbackRules: ReadonlySet<string>): number {
  const fallbackPenalty = fallbackRules.has(finding.rule) ? 0 : 10;
  return fallbackPenalty + SEVERITY_ORDER[finding.severity] * 2 + finding.confidence;
}

/**
 * Per resource (and container), the most likely root cause comes first and
 * fallback findings (generic crash loop, unknown crash) are folded under it
 * as symptoms. Resources are then ordered by their worst finding.
 */
export function rankAndFold(findings: Finding[], fallbackRules: ReadonlySet<string>): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = groupKey(finding);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(finding);
  }

  const ranked: Finding[][] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => score(b, fallbackRules) - score(a, fallbackRules));
    const top = group[0]!;
    if (fallbackRules.has(top.rule)) {
      ranked.push(group);
      continue;
    }
    const kept: Finding[] = [];
    const folded: Finding[] = [];
    for (const finding of group) (fallbackRules.has(finding.rule) ? folded : kept).push(finding);
    if (folded.length > 0) {
      kept[0] = {
        ...top,
        symptoms: [...(top.symptoms ?? []), ...folded.map((f) => ({ rule: f.rule, category: f.category, summary: f.summary }))],
      };
    }
    ranked.push(kept);
  }

  ranked.sort((a, b) => {
    const diff = score(b[0]!, fallbackRules) - score(a[0]!, fallbackRules);
    if (diff !== 0) return diff;
    const ra = a[0]!.resource;
    const rb = b[0]!.resource;
    return `${ra.namespace ?? ""}/${ra.kind}/${ra.name}`.localeCompare(`${rb.namespace ?? ""}/${rb.kind}/${rb.name}`);
  });
  return ranked.flat();
}
