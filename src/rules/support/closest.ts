import { nearest } from "../../util/suggest.js";

/** The candidate closest to `wanted` (case-insensitive, `_`/`-`/`.` ignored), if close enough to be a typo. */
export function closest(wanted: string, candidates: readonly string[]): string | undefined {
  return nearest(wanted, candidates, { compare: "folded", allowed: (length) => Math.max(1, Math.floor(Math.max(length, 4) / 3)) });
}
