import { SEVERITY_ORDER, type Finding } from "../model/finding.js";

function groupKey(finding: Finding): string {
  const r = finding.resource;
  return `${r.kind}/${r.namespace ?? ""}/${r.name}/${r.container ?? ""}`;
}

function score(finding: Finding, fallbackRules: ReadonlySet<string>): number {
  const fallbackPenalty = fallbackRules.has(finding.rule) ? 0 : 10;
  return fallbackPenalty + SEVERITY_ORDER[finding.severity] * 2 + finding.confidence;
}

function resourceKey(finding: Finding): string {
  const r = finding.resource;
  return `${r.kind}/${r.namespace ?? ""}/${r.name}`;
}

function layerOf(rule: string): string {
  return rule.split("/", 1)[0]!;
}

/** `target` with `folded` listed as the symptoms it explains. */
export function foldInto(target: Finding, folded: readonly Finding[]): Finding {
  return { ...target, symptoms: [...(target.symptoms ?? []), ...folded.map((f) => ({ rule: f.rule, category: f.category, summary: f.summary }))] };
}

/**
 * Findings a rule declares it explains (`explains`), on the same resource, fold under the explaining
 * finding whatever their category or container: the cause is one incident, its symptoms listed in it.
 */
function foldExplained(findings: Finding[], explains: ReadonlyMap<string, readonly string[]>): { findings: Finding[]; explained: Map<Finding, Finding[]> } {
  const explained = new Map<Finding, Finding[]>();
  if (explains.size === 0) return { findings, explained };
  const causes = new Map<string, Finding>();
  for (const finding of findings) {
    for (const rule of explains.get(finding.rule) ?? []) {
      const key = `${resourceKey(finding)}#${rule}`;
      if (!causes.has(key)) causes.set(key, finding);
    }
  }
  const kept = findings.filter((finding) => {
    const cause = causes.get(`${resourceKey(finding)}#${finding.rule}`);
    if (!cause || cause === finding) return true;
    let list = explained.get(cause);
    if (!list) explained.set(cause, (list = []));
    list.push(finding);
    return false;
  });
  return { findings: kept, explained };
}

/**
 * Per resource (and container), the most likely root cause comes first.
 * Folded under it as symptoms: fallback findings (generic crash loop, unknown
 * crash), another rule's finding of the same category on the same container
 * (a container has one cause of a kind; configuration findings without a
 * container, or one rule's several findings, are distinct problems), and a
 * finding of the same category that another layer reports on another
 * container of the same pod (the app's and the proxy's view of one blocked
 * call). Objects are then ordered by their worst finding, and each object's findings by
 * severity then confidence: the defect that stops the rollout before the risks and the taste.
 */
export function rankAndFold(allFindings: Finding[], fallbackRules: ReadonlySet<string>, explains: ReadonlyMap<string, readonly string[]> = new Map()): Finding[] {
  const byScore = (a: Finding, b: Finding) => score(b, fallbackRules) - score(a, fallbackRules);
  const { findings, explained } = foldExplained(allFindings, explains);
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = groupKey(finding);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(finding);
  }

  const kept: Finding[] = [];
  const foldedInto = new Map<Finding, Finding[]>(explained);
  const fold = (target: Finding, finding: Finding) => {
    let list = foldedInto.get(target);
    if (!list) foldedInto.set(target, (list = []));
    list.push(finding);
  };
  for (const group of groups.values()) {
    group.sort(byScore);
    const top = group[0]!;
    const topIsFallback = fallbackRules.has(top.rule);
    const seenCategories = new Map<string, Finding>();
    for (const finding of group) {
      const sameCategory = seenCategories.get(finding.category);
      if (finding !== top && !topIsFallback && fallbackRules.has(finding.rule)) fold(top, finding);
      else if (sameCategory && sameCategory.rule !== finding.rule && finding.resource.container !== undefined) fold(sameCategory, finding);
      else {
        seenCategories.set(finding.category, finding);
        kept.push(finding);
      }
    }
  }

  kept.sort(byScore);
  const firstOfCategory = new Map<string, Finding>();
  const survivors: Finding[] = [];
  for (const finding of kept) {
    const key = `${resourceKey(finding)}#${finding.category}`;
    const earlier = firstOfCategory.get(key);
    if (earlier && earlier.resource.container !== undefined && finding.resource.container !== undefined && earlier.resource.container !== finding.resource.container && layerOf(earlier.rule) !== layerOf(finding.rule)) {
      fold(earlier, finding);
      continue;
    }
    if (!earlier) firstOfCategory.set(key, finding);
    survivors.push(finding);
  }

  const withSymptoms = survivors.map((finding) => {
    const folded = foldedInto.get(finding);
    return folded ? foldInto(finding, folded) : finding;
  });

  // Objects ordered by their worst finding; an object's findings (all its containers) stay together,
  // what breaks its rollout (error) before risk (warning) before taste (info).
  const byResource = new Map<string, Finding[]>();
  for (const finding of withSymptoms) {
    const key = resourceKey(finding);
    let list = byResource.get(key);
    if (!list) byResource.set(key, (list = []));
    list.push(finding);
  }
  const ranked = [...byResource.values()].map((list) => [...list].sort(byScore));
  ranked.sort((a, b) => {
    const diff = score(b[0]!, fallbackRules) - score(a[0]!, fallbackRules);
    if (diff !== 0) return diff;
    const ra = a[0]!.resource;
    const rb = b[0]!.resource;
    return `${ra.namespace ?? ""}/${ra.kind}/${ra.name}`.localeCompare(`${rb.namespace ?? ""}/${rb.kind}/${rb.name}`);
  });
  return ranked.flat();
}
