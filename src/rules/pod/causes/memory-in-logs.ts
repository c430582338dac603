import type { LogStream } from "../../../model/inputs.js";
import { parseJvmSize } from "../../../k8s/quantities.js";
import type { ContainerContext } from "./context.js";

/**
 * Memory sizes a container's own log states: what it loads or allocates
 * (`loading product index into memory (2.1 GiB)`, numpy's `Unable to allocate
 * 7.45 GiB`, Go's `cannot allocate 1073741824-byte block`), the heap it runs
 * with (`-Xmx2g` echoed by `Picked up JAVA_TOOL_OPTIONS`, Elasticsearch's
 * `heap size [1gb]`, Node's `--max-old-space-size=4096`). The largest one is
 * what the memory limit must hold at least.
 */
export interface StatedMemory {
  bytes: number;
  /** `heap` when the size is a runtime's maximum heap (the limit needs room above it), `working-set` otherwise. */
  kind: "heap" | "working-set";
  /** The log line that states it, trimmed. */
  line: string;
  stream: LogStream;
  /** Index of the line in the stream. */
  index: number;
}

const LINES_READ = 5000;
const LINE_CHARS = 2000;
const MEMORY_WORDS = /memory|heap|alloc|load|cache|index|buffer|resident|\bRSS\b|OutOfMemory|working set/i;
const SIZE = /(\d+(?:\.\d+)?)\s?([KMGT]i?B|[KMGT]i)\b/gi;
const BYTE_BLOCK = /(\d{4,})-byte block/;
const XMX = /-Xmx(\d+[kKmMgGtT]?)\b/;
const NODE_HEAP = /--max-old-space-size=(\d+)/;
const SETTING_BEFORE = /(?:limit|request|max(?:imum)?|threshold)s?\b[^,;()]{0,12}$/i;
/** The kernel's memory-cgroup report (`memory: usage 1048576kB, limit 1048576kB`) states the limit it enforced. */
const KERNEL_CGROUP = /memory: usage (\d+)kB, limit (\d+)kB/;
const UNIT: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

function sizeOf(value: string, unit: string): number {
  const base = UNIT[unit[0]!.toLowerCase()]!;
  // kB/MB/GB in logs are almost always the binary sizes runtimes print; a decimal reading would only understate the need.
  return Number(value) * base;
}

function statedOn(line: string): { bytes: number; kind: StatedMemory["kind"] } | undefined {
  const xmx = XMX.exec(line);
  if (xmx) {
    const bytes = parseJvmSize(xmx[1]!);
    if (bytes) return { bytes, kind: "heap" };
  }
  const node = NODE_HEAP.exec(line);
  if (node) return { bytes: Number(node[1]) * 2 ** 20, kind: "heap" };
  if (!MEMORY_WORDS.test(line) || KERNEL_CGROUP.test(line)) return undefined;
  const block = BYTE_BLOCK.exec(line);
  let best: number | undefined = block ? Number(block[1]) : undefined;
  for (const match of line.matchAll(SIZE)) {
    // "limit 768Mi", "request 50Mi": a setting the line quotes, not what the process holds.
    if (SETTING_BEFORE.test(line.slice(Math.max(0, match.index - 24), match.index))) continue;
    const bytes = sizeOf(match[1]!, match[2]!);
    if (best === undefined || bytes > best) best = bytes;
  }
  if (best === undefined) return undefined;
  return { bytes: best, kind: /heap size|max heap/i.test(line) ? "heap" : "working-set" };
}

/** The largest memory size the container's logs state (previous instance first), if any. */
export function memoryStatedInLogs(container: ContainerContext | undefined): StatedMemory | undefined {
  let found: StatedMemory | undefined;
  for (const stream of container?.logs ?? []) {
    const start = Math.max(0, stream.lines.length - LINES_READ);
    for (let index = start; index < stream.lines.length; index++) {
      const line = stream.lines[index]!.slice(0, LINE_CHARS);
      const stated = statedOn(line);
      // Sizes under 1 MiB are buffer chunks, not what the process holds.
      if (!stated || stated.bytes < 2 ** 20) continue;
      if (!found || stated.bytes > found.bytes) found = { ...stated, line: line.trim().slice(0, 200), stream, index };
    }
  }
  return found;
}

/** The memory limit the kernel enforced when it killed the container, from its memory-cgroup report in the log. */
export function limitStatedByKernel(container: ContainerContext | undefined): number | undefined {
  for (const stream of container?.logs ?? []) {
    const start = Math.max(0, stream.lines.length - LINES_READ);
    for (let index = start; index < stream.lines.length; index++) {
      const match = KERNEL_CGROUP.exec(stream.lines[index]!.slice(0, LINE_CHARS));
      if (match) return Number(match[2]) * 1024;
    }
  }
  return undefined;
}
