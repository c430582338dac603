/** "Did you mean" suggestions: one edit distance, and the ways a near name counts as the intended one. */

/** Levenshtein distance; with `max`, stops and returns `max + 1` as soon as it is exceeded (linear in the shorter name then). */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      rowMin = Math.min(rowMin, current[j]!);
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}

export interface Nearness {
  /**
   * How names are compared: `exact`, `folded` (case-insensitive, `-` `_` `.`
   * ignored), or `folded-equal` (exact, but names equal once folded are 0 apart).
   */
  compare: "exact" | "folded" | "folded-equal";
  /** The most edits a typo of a name of this length (after folding) may have. */
  allowed(length: number): number;
  /** The nearest candidate also counts when one name starts with the other. */
  prefixes?: boolean;
  /** With no near candidate, the only one that extends the name by `-suffix` (or the reverse) counts. */
  dashExtensions?: boolean;
}

const fold = (text: string): string => text.toLowerCase().replace(/[-_.]/g, "");

/** The candidate nearest to `wanted` (the first of equals) when it is near enough by `nearness`. */
export function nearest(wanted: string, candidates: Iterable<string>, nearness: Nearness): string | undefined {
  const target = nearness.compare === "folded" ? fold(wanted) : wanted;
  const limit = nearness.allowed(target.length);
  // Only a prefix match needs the true distance of a far candidate.
  const bound = nearness.prefixes ? Infinity : limit;
  let best: string | undefined;
  let bestDistance = Infinity;
  const seen: string[] = [];
  for (const candidate of candidates) {
    if (typeof candidate !== "string" || candidate === wanted) continue;
    seen.push(candidate);
    const distance =
      nearness.compare === "folded"
        ? editDistance(target, fold(candidate), bound)
        : nearness.compare === "folded-equal" && fold(candidate) === fold(wanted)
          ? 0
          : editDistance(wanted, candidate, bound);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && (bestDistance <= limit || (nearness.prefixes && (best.startsWith(wanted) || wanted.startsWith(best))))) return best;
  if (!nearness.dashExtensions) return undefined;
  const extended = seen.filter((candidate) => candidate.startsWith(`${wanted}-`) || wanted.startsWith(`${candidate}-`));
  return extended.length === 1 ? extended[0] : undefined;
}

/** The candidate at most `maxDistance` edits from `value`, ignoring case; the first of the nearest. */
export function nearestWithin(value: string, candidates: Iterable<string>, maxDistance: number): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  const lower = value.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase(), maxDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Up to `count` candidates nearest to `wanted`: typos first, then names that contain it or that it contains. */
export function nearestNames(wanted: string, candidates: Iterable<string>, count = 3): string[] {
  const target = wanted.toLowerCase();
  const scored: Array<{ name: string; score: number }> = [];
  for (const name of new Set(candidates)) {
    if (name === wanted || name.length > 253) continue;
    const lower = name.toLowerCase();
    const distance = editDistance(target, lower);
    const related = lower.includes(target) || target.includes(lower) || lower.startsWith(target.slice(0, Math.max(4, Math.ceil((target.length * 2) / 3))));
    const allowed = Math.max(2, Math.floor(target.length / 3));
    if (distance <= allowed || related) scored.push({ name, score: related && distance > allowed ? allowed + 1 + distance / 100 : distance });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, count)
    .map((item) => item.name);
}

export function didYouMean(names: readonly string[]): string {
  return names.length === 0 ? "" : `; did you mean ${names.join(", ")}?`;
}
