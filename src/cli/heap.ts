import { totalmem } from "node:os";

const MB = 1024 * 1024;
/** Heap one byte of input takes once read: its text (kept for line lookups) and the parsed objects. */
const HEAP_PER_INPUT_BYTE = 2.5;
const BASE_HEAP = 256 * MB;
/** Set in the environment of the re-started process, so it never restarts itself again. */
const RESTARTED = "KTRIAGE_HEAP_MB";

/** Bytes of input listed so far in this run (a snapshot given as context, then the manifests ...). */
let listedBytes = 0;

/**
 * The V8 heap flags for reading `bytes` of input, or undefined when the default heap (`limitBytes`)
 * is enough. The old generation starts at the expected size, so V8 does not run full collections
 * on the way up to it while the inputs are parsed, and the young generation is larger.
 */
export function heapFlagsFor(bytes: number, limitBytes: number, machineBytes: number): { flags: string[]; heapMb: number; wantedMb: number } | undefined {
  const needed = bytes * HEAP_PER_INPUT_BYTE + BASE_HEAP;
  if (needed <= limitBytes * 0.85) return undefined;
  const wantedMb = Math.ceil((needed * 1.25) / MB);
  const heapMb = Math.min(wantedMb, Math.floor((machineBytes * 0.85) / MB));
  if (heapMb <= limitBytes / MB) return undefined;
  const initialMb = Math.min(Math.ceil(needed / MB), heapMb);
  // A larger young generation means fewer scavenges, each of which scans a remembered set that grows with the heap.
  return { flags: [`--max-old-space-size=${heapMb}`, `--initial-old-space-size=${initialMb}`, "--max-semi-space-size=64"], heapMb, wantedMb };
}

/**
 * Node's default heap limit (about 4 GB) is too small for very large snapshots (100k pods, 2 GB of
 * JSON): V8 would abort with an out-of-memory stack trace. Called with the size of the inputs about
 * to be read (the loader lists them first); when they need more than the limit, ktriage runs itself
 * again with a heap sized for them, and exits with that run's code.
 */
export function ensureHeapFor(bytes: number): void {
  listedBytes += bytes;
  if (process.env[RESTARTED] !== undefined) return;
  const sizing = heapFlagsFor(listedBytes, process.getBuiltinModule("node:v8").getHeapStatistics().heap_size_limit, totalmem());
  if (!sizing) return;
  const { flags, heapMb, wantedMb } = sizing;
  if (heapMb < wantedMb) {
    process.stderr.write(`ktriage: the inputs are ${(listedBytes / 1024 ** 3).toFixed(1)} GB on disk and need about ${(wantedMb / 1024).toFixed(1)} GB of memory; this machine has ${(totalmem() / 1024 ** 3).toFixed(1)} GB. Trying with ${(heapMb / 1024).toFixed(1)} GB.\n`);
  }
  const [script, ...args] = process.argv.slice(1);
  // Loaded here, not at start-up: most runs never restart (node:child_process costs a few ms to load).
  const { spawnSync } = process.getBuiltinModule("node:child_process");
  const child = spawnSync(process.execPath, [...process.execArgv, ...flags, script!, ...args], {
    stdio: "inherit",
    env: { ...process.env, [RESTARTED]: String(heapMb) },
  });
  if (child.error) {
    process.stderr.write(`ktriage: could not restart with a ${heapMb} MB heap: ${child.error.message}\n`);
    process.exit(2);
  }
  if (child.signal) {
    process.stderr.write(`ktriage: stopped by ${child.signal}${child.signal === "SIGABRT" ? " (out of memory: narrow the inputs, or run on a machine with more memory)" : ""}\n`);
    process.exit(2);
  }
  process.exit(child.status ?? 2);
}
