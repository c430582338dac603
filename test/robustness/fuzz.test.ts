import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type FuzzCase, hostileCases, mutatedCases } from "./support/fuzz-cases.js";
import { runCli } from "./support/run-cli.js";

const lab = resolve(import.meta.dirname, "../../examples/lab");
const dir = mkdtempSync(join(tmpdir(), "ktriage-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  name: string;
  command: string;
  problem: string;
}

/** A few thousand cases with the hostile classes: every mutation operator meets every kind of lab input many times. */
const MUTATIONS = 2500;

/** Peak resident memory above the start of a batch: an alias bomb or unbounded read took over 2 GB before the limits. */
const MEMORY_CEILING_BYTES = 1024 * 1024 * 1024;

interface Cost {
  /** Peak RSS growth over the batch, bytes. */
  peakRssGrowth: number;
  /** CPU time (user + system) per command run, milliseconds: reported, not asserted (the machine is shared). */
  cpuMs: { median: number; p95: number; max: number; slowest: string };
}

async function run(cases: readonly FuzzCase[]): Promise<{ runs: number; problems: Outcome[]; cost: Cost }> {
  const problems: Outcome[] = [];
  let runs = 0;
  const baseline = process.memoryUsage().rss;
  let peakRss = baseline;
  const cpu: Array<{ ms: number; label: string }> = [];
  for (const [index, fuzzCase] of cases.entries()) {
    const path = join(dir, `${index}-${fuzzCase.file}`);
    writeFileSync(path, fuzzCase.text);
    for (const command of fuzzCase.commands) {
      const args = command.map((arg) => (arg === "FILE" ? path : arg));
      const before = process.cpuUsage();
      const result = await runCli(args);
      const used = process.cpuUsage(before);
      cpu.push({ ms: (used.user + used.system) / 1000, label: `${fuzzCase.name}: ${command.join(" ")}` });
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      runs++;
      const label = { name: fuzzCase.name, command: command.join(" ") };
      if (result.crash) problems.push({ ...label, problem: `crashed: ${result.crash}` });
      else if (![0, 1, 2].includes(result.code)) problems.push({ ...label, problem: `exit ${result.code}` });
      else if (/\n\s+at [^\n]+:\d+:\d+\)?/.test(result.stderr)) problems.push({ ...label, problem: "printed a stack trace" });
      else if (fuzzCase.invalid && !`${result.stderr}${result.stdout}`.includes(path)) problems.push({ ...label, problem: "the invalid input was not named" });
    }
  }
  const sorted = [...cpu].sort((a, b) => a.ms - b.ms);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]?.ms ?? 0;
  const cost = { peakRssGrowth: peakRss - baseline, cpuMs: { median: at(0.5), p95: at(0.95), max: sorted.at(-1)?.ms ?? 0, slowest: sorted.at(-1)?.label ?? "" } };
  return { runs, problems, cost };
}

function report(what: string, runs: number, cost: Cost): void {
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
  console.log(
    `${what}: ${runs} runs; peak RSS growth ${mib(cost.peakRssGrowth)} (ceiling ${mib(MEMORY_CEILING_BYTES)}); CPU per run median ${cost.cpuMs.median.toFixed(0)} ms, p95 ${cost.cpuMs.p95.toFixed(0)} ms, max ${cost.cpuMs.max.toFixed(0)} ms (${cost.cpuMs.slowest})`,
  );
}

describe("hostile input (seeded fuzz, in process)", () => {
  it("the classes that crashed or hung before: no crash, no stack trace, every invalid file named", async () => {
    const { runs, problems, cost } = await run(hostileCases());
    report("hostile cases", runs, cost);
    expect(problems).toEqual([]);
    expect(cost.peakRssGrowth).toBeLessThan(MEMORY_CEILING_BYTES);
  }, 240_000);

  it("seeded mutations of the lab's real inputs: no crash, no stack trace", async () => {
    const { runs, problems, cost } = await run(mutatedCases(20261202, MUTATIONS, lab));
    report("mutated cases", runs, cost);
    expect(problems).toEqual([]);
    expect(cost.peakRssGrowth).toBeLessThan(MEMORY_CEILING_BYTES);
  }, 240_000);
});
