/**
 * Large access-log files are read by a thread per core: each reads a part of the file that starts and
 * ends at a line break, and the summaries are added up in file order, which gives the summary of the
 * whole file read in one thread (see AccessLogSummary.addFollowing in src/envoy/access-log/summary.ts).
 */
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import type { AccessLogSummary } from "../envoy/access-log/summary.js";

/** Below this size one thread reads the file: starting a thread costs more than it saves. */
export const PARALLEL_FROM_BYTES = 32 * 1024 * 1024;

export interface FileRange {
  start: number;
  end: number;
}

/** What a reading thread is given. */
export interface RangeTask {
  path: string;
  range: FileRange;
  format?: string;
  containerLog?: boolean;
}

/** The thread script: beside this module in dist/, beside the command line's bundle in dist/chunks/. */
const WORKER_SCRIPT = new URL("./access-log-worker.js", import.meta.url);

/** A thread reads at least this much: on a machine with many cores, a thread for a few MiB costs more than it saves. */
const MIN_BYTES_PER_THREAD = PARALLEL_FROM_BYTES / 2;

/**
 * How many threads read a file of `size` bytes: one per core the load average leaves idle, from
 * PARALLEL_FROM_BYTES on (at least one, and at most one per MIN_BYTES_PER_THREAD); one below. On a busy machine
 * more threads only add their start-up and each one's compiling of the reader.
 * KTRIAGE_WORKERS=N reads any file with N. One when the thread script is not there (the sources run
 * under a TypeScript loader, or the library bundle, which does not ship it).
 */
export function threadsFor(size: number): number {
  const asked = Number(process.env.KTRIAGE_WORKERS);
  const threads = Number.isInteger(asked) && asked > 0 ? asked : size >= PARALLEL_FROM_BYTES ? Math.max(1, Math.min(Math.round(availableParallelism() - loadavg()[0]!), Math.floor(size / MIN_BYTES_PER_THREAD))) : 1;
  return threads > 1 && existsSync(fileURLToPath(WORKER_SCRIPT)) ? threads : 1;
}

/** `parts` ranges of about equal size covering [0, size), each starting after a line break; empty ones left out. */
export function lineAlignedRanges(path: string, size: number, parts: number): FileRange[] {
  const starts = [0];
  const fd = openSync(path, "r");
  try {
    const block = Buffer.allocUnsafe(1 << 16);
    for (let part = 1; part < parts; part++) {
      let position = Math.max(Math.floor((size * part) / parts), starts.at(-1)!);
      let start = size;
      for (;;) {
        const read = readSync(fd, block, 0, block.length, position);
        if (read === 0) break;
        const newline = block.subarray(0, read).indexOf(10);
        if (newline >= 0) {
          start = position + newline + 1;
          break;
        }
        position += read;
      }
      starts.push(start);
    }
  } finally {
    closeSync(fd);
  }
  starts.push(size);
  const ranges: FileRange[] = [];
  for (let index = 0; index + 1 < starts.length; index++) if (starts[index]! < starts[index + 1]!) ranges.push({ start: starts[index]!, end: starts[index + 1]! });
  return ranges;
}

/** Starts a thread that summarises `task.range`; resolves to its summary (its fields: the class stays behind). */
export async function summarizeRangeInThread(task: RangeTask): Promise<AccessLogSummary> {
  // Loaded here: most runs start no thread, and node:worker_threads costs a few modules to load.
  const { Worker } = await import("node:worker_threads");
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SCRIPT, { workerData: task });
    let result: AccessLogSummary | undefined;
    worker.once("message", (summary: AccessLogSummary) => (result = summary));
    worker.once("error", reject);
    worker.once("exit", (code) => (result ? resolve(result) : reject(new Error(`the thread reading bytes ${task.range.start}-${task.range.end} of ${task.path} stopped (exit code ${code})`))));
  });
}
