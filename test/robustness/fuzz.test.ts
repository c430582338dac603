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

async function run(cases: readonly FuzzCase[]): Promise<{ runs: number; problems: Outcome[] }> {
  const problems: Outcome[] = [];
  let runs = 0;
  for (const [index, fuzzCase] of cases.entries()) {
    const path = join(dir, `${index}-${fuzzCase.file}`);
    writeFileSync(path, fuzzCase.text);
    for (const command of fuzzCase.commands) {
      const args = command.map((arg) => (arg === "FILE" ? path : arg));
      const result = await runCli(args);
      runs++;
      const label = { name: fuzzCase.name, command: command.join(" ") };
      if (result.crash) problems.push({ ...label, problem: `crashed: ${result.crash}` });
      else if (![0, 1, 2].includes(result.code)) problems.push({ ...label, problem: `exit ${result.code}` });
      else if (/\n\s+at [^\n]+:\d+:\d+\)?/.test(result.stderr)) problems.push({ ...label, problem: "printed a stack trace" });
      else if (fuzzCase.invalid && !`${result.stderr}${result.stdout}`.includes(path)) problems.push({ ...label, problem: "the invalid input was not named" });
    }
  }
  return { runs, problems };
}

describe("hostile input (seeded fuzz, in process)", () => {
  it("the classes that crashed or hung before: no crash, no stack trace, every invalid file named", async () => {
    const { runs, problems } = await run(hostileCases());
    console.log(`hostile cases: ${runs} runs`);
    expect(problems).toEqual([]);
  }, 240_000);

  it("seeded mutations of the lab's real inputs: no crash, no stack trace", async () => {
    const { runs, problems } = await run(mutatedCases(20261202, 300, lab));
    console.log(`mutated cases: ${runs} runs`);
    expect(problems).toEqual([]);
  }, 240_000);
});
