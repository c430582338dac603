/** Durations as Kubernetes and kubectl print them. */

/** Go duration as kubelet prints it (`5m0s`, `40s`, `2m40s`) -> seconds. */
export function parseGoDuration(text: string): number | undefined {
  const match = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$/.exec(text.trim());
  if (!match || text.trim() === "") return undefined;
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

/** kubectl's age format (`3m`, `70s`, `2d5h`, `3m2s`) -> seconds. */
export function parseAge(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(?:\d+[smhdy])+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, number, unit] of trimmed.matchAll(/(\d+)([smhdy])/g)) {
    total += Number(number) * ({ s: 1, m: 60, h: 3600, d: 86400, y: 365 * 86400 } as Record<string, number>)[unit!]!;
  }
  return total;
}

/** Seconds as kubectl prints a duration: `45s`, `3m20s`, `2h5m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ""}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ""}`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600) ? `${Math.floor((s % 86400) / 3600)}h` : ""}`;
}
