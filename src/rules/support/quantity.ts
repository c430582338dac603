/** Kubernetes resource quantities: parse to numbers and print back. */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Bytes (memory, storage) or cores (cpu) of a quantity such as `256Mi`, `1G`, `500m`, `0.5`. */
export function parseQuantity(value: string | number | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return value;
  const match = /^\s*([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|K|M|G|T|P|E)?\s*$/.exec(value);
  if (!match) return undefined;
  const number = Number(match[1]);
  const suffix = match[2] ?? "";
  return number * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}

/** A byte count as Kubernetes would write it, rounded up to a whole Mi (or Gi when even). */
export function formatMemory(bytes: number): string {
  const mi = Math.ceil(bytes / 2 ** 20);
  if (mi >= 1024 && mi % 1024 === 0) return `${mi / 1024}Gi`;
  return `${mi}Mi`;
}

/** A byte count rounded up to a tidy step (64Mi under 1Gi, 256Mi above). */
export function roundMemoryUp(bytes: number): number {
  const step = bytes < 2 ** 30 ? 64 * 2 ** 20 : 256 * 2 ** 20;
  return Math.ceil(bytes / step) * step;
}

export function formatCpu(cores: number): string {
  if (cores >= 1 && Number.isInteger(cores)) return String(cores);
  return `${Math.round(cores * 1000)}m`;
}

/** `-Xmx1024m`, `-Xmx2g`, `-XX:MaxRAMPercentage=80` from a JVM command line or JAVA_OPTS. */
export function jvmHeapOf(text: string): { maxHeapBytes?: number; maxRamPercentage?: number; flag?: string } {
  const xmx = /-Xmx(\d+)([kKmMgGtT]?)\b/.exec(text);
  const percentage = /-XX:MaxRAMPercentage=(\d+(?:\.\d+)?)/.exec(text);
  const result: { maxHeapBytes?: number; maxRamPercentage?: number; flag?: string } = {};
  if (xmx) {
    const unit = (xmx[2] ?? "").toLowerCase();
    const factor = unit === "k" ? 2 ** 10 : unit === "m" ? 2 ** 20 : unit === "g" ? 2 ** 30 : unit === "t" ? 2 ** 40 : 1;
    result.maxHeapBytes = Number(xmx[1]) * factor;
    result.flag = xmx[0];
  }
  if (percentage) {
    result.maxRamPercentage = Number(percentage[1]);
    result.flag ??= percentage[0];
  }
  return result;
}

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
