/** Levenshtein distance, for "did you mean" suggestions (`passwrod` -> `password`). */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(previous[j]! + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** The candidate closest to `wanted` (case-insensitive, `_`/`-`/`.` ignored), if close enough to be a typo. */
export function closest(wanted: string, candidates: readonly string[]): string | undefined {
  const norm = (text: string) => text.toLowerCase().replace(/[-_.]/g, "");
  const target = norm(wanted);
  let best: { value: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === wanted) continue;
    const distance = editDistance(target, norm(candidate));
    if (!best || distance < best.distance) best = { value: candidate, distance };
  }
  if (!best) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(target.length, 4) / 3));
  return best.distance <= allowed ? best.value : undefined;
}
