const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes resource quantity (`512Mi`, `1.5Gi`, `500m`, `1e9`) as a number of base units; undefined when it does not parse. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|K|M|G|T|P|E)?\s*$/.exec(value);
  if (!match) return undefined;
  const number = Number(match[1]);
  const suffix = match[2] ?? "";
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  return factor === undefined ? undefined : number * factor;
}

/** A JVM size (`-Xmx512m`, `2g`, `1024k`, bytes) in bytes. */
export function parseJvmSize(value: string): number | undefined {
  const match = /^(\d+)([kKmMgGtT]?)$/.exec(value);
  if (!match) return undefined;
  const factor = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[match[2]!.toLowerCase()]!;
  return Number(match[1]) * factor;
}

export function formatBytes(bytes: number): string {
  for (const [unit, size] of [["Gi", 2 ** 30], ["Mi", 2 ** 20], ["Ki", 2 ** 10]] as const) {
    if (bytes >= size && Math.abs(bytes / size - Math.round(bytes / size)) < 0.01) return `${Math.round(bytes / size)}${unit}`;
  }
  if (bytes >= 2 ** 20) return `${Math.ceil(bytes / 2 ** 20)}Mi`;
  return `${Math.round(bytes)}`;
}

export function formatCpu(cores: number): string {
  return cores >= 1 && Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}

/** Rounds a memory size up to a tidy value (multiples of 64Mi below 1Gi, 256Mi above). */
export function roundUpMemory(bytes: number): number {
  const step = bytes >= 2 ** 30 ? 256 * 2 ** 20 : 64 * 2 ** 20;
  return Math.ceil(bytes / step) * step;
}
