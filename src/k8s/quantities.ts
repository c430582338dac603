/**
 * Kubernetes resource quantities (`resource.Quantity`,
 * https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/):
 * a signed decimal number (`1`, `1.5`, `.5`, `1.`) followed by either a binary
 * suffix (Ki Mi Gi Ti Pi Ei), a decimal suffix (n u m "" k M G T P E) or a
 * decimal exponent (`1e3`, `2E-3`), never both. Anything else (`1K`, `1e3Mi`,
 * `1 core`) is not a quantity.
 */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const QUANTITY = /^\s*([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?\s*$/;

/** Base units (bytes for memory and storage, cores for cpu) of a quantity; undefined when Kubernetes would refuse it. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = QUANTITY.exec(value);
  if (!match) return undefined;
  const number = Number(match[1]);
  if (match[2]) return Number(`${match[1]}${match[2]}`);
  const suffix = match[3] ?? "";
  return number * (BINARY[suffix] ?? DECIMAL[suffix]!);
}

export function isQuantity(value: string): boolean {
  return parseQuantity(value) !== undefined;
}

/** A byte count as a memory limit, rounded up to a whole Mi (or Gi when even): `320Mi`, `2Gi`. */
export function formatMemory(bytes: number): string {
  const mi = Math.ceil(bytes / 2 ** 20);
  if (mi >= 1024 && mi % 1024 === 0) return `${mi / 1024}Gi`;
  return `${mi}Mi`;
}

/** A byte count as read back to the user: exact Gi/Mi/Ki when it is one, else whole Mi rounded up, else bytes. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [["Gi", 2 ** 30], ["Mi", 2 ** 20], ["Ki", 2 ** 10]] as const) {
    if (bytes >= size && Math.abs(bytes / size - Math.round(bytes / size)) < 0.01) return `${Math.round(bytes / size)}${unit}`;
  }
  if (bytes >= 2 ** 20) return `${Math.ceil(bytes / 2 ** 20)}Mi`;
  return `${Math.round(bytes)}`;
}

/** A byte count rounded up to a tidy step (64Mi under 1Gi, 256Mi from 1Gi). */
export function roundMemoryUp(bytes: number): number {
  const step = bytes < 2 ** 30 ? 64 * 2 ** 20 : 256 * 2 ** 20;
  return Math.ceil(bytes / step) * step;
}

/** Cores as a cpu quantity: `2`, `500m`. */
export function formatCpu(cores: number): string {
  return cores >= 1 && Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}

/** A JVM size (`512m`, `2g`, `1024k`, bytes) in bytes, as `-Xmx` takes it. */
export function parseJvmSize(value: string): number | undefined {
  const match = /^(\d+)([kKmMgGtT]?)$/.exec(value);
  if (!match) return undefined;
  const factor = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[match[2]!.toLowerCase()]!;
  return Number(match[1]) * factor;
}

/** `-Xmx1024m`, `-Xmx2g`, `-XX:MaxRAMPercentage=80` from a JVM command line or JAVA_OPTS. */
export function jvmHeapOf(text: string): { maxHeapBytes?: number; maxRamPercentage?: number; flag?: string } {
  const xmx = /-Xmx(\d+[kKmMgGtT]?)\b/.exec(text);
  const percentage = /-XX:MaxRAMPercentage=(\d+(?:\.\d+)?)/.exec(text);
  const result: { maxHeapBytes?: number; maxRamPercentage?: number; flag?: string } = {};
  if (xmx) {
    result.maxHeapBytes = parseJvmSize(xmx[1]!);
    result.flag = xmx[0];
  }
  if (percentage) {
    result.maxRamPercentage = Number(percentage[1]);
    result.flag ??= percentage[0];
  }
  return result;
}
