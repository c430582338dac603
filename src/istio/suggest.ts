import { nearest } from "../util/suggest.js";

/** The candidate closest to `value`, if it is close enough to be a likely typo (or one name starts with the other). */
export function closest(value: string, candidates: Iterable<string>): string | undefined {
  return nearest(value, candidates, { compare: "exact", allowed: (length) => Math.max(2, Math.floor(length / 3)), prefixes: true });
}

