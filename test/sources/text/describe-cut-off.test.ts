import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDescribePod } from "../../../src/sources/text/describe-pod.js";
import { runCli } from "../../robustness/support/run-cli.js";

// Pasted `kubectl describe pod` text that was cut off is named, never accepted silently:
// kubectl always ends the output with an Events: section (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_describe/).
const cases = resolve(import.meta.dirname, "../../../../shared/cases/pods");
const describes = readdirSync(cases).filter((name) => name.endsWith(".describe.txt"));

describe("cut-off describe text", () => {
  it("each real paste without its Events: section gets one line naming where it ends; whole pastes get none", () => {
    let cut = 0;
    for (const name of describes) {
      const text = readFileSync(join(cases, name), "utf8");
      const parsed = parseDescribePod(text, { file: name });
      const notes = parsed.problems.filter((problem) => problem.message.startsWith("kubectl describe output looks cut off"));
      if (/^Events:/m.test(text)) {
        expect(notes, name).toEqual([]);
      } else {
        cut++;
        expect(notes, name).toHaveLength(1);
        const lastLine = text.split(/\r?\n/).findLastIndex((line) => line.trim() !== "") + 1;
        expect(notes[0]!.origin).toMatchObject({ file: name, line: lastLine });
      }
    }
    expect(cut).toBeGreaterThan(0);
    expect(cut).toBeLessThan(describes.length);
  });

  it("a describe cut in the middle of its container section: the line is printed, the pod still diagnosed", async () => {
    const whole = describes.map((name) => join(cases, name)).find((path) => /^Events:/m.test(readFileSync(path, "utf8")) && /OOMKilled/.test(readFileSync(path, "utf8")))!;
    expect(whole).toBeDefined();
    const text = readFileSync(whole, "utf8");
    const cutAt = text.indexOf("\nConditions:");
    const scratch = join(tmpdir(), `ktriage-cut-${process.pid}.txt`);
    writeFileSync(scratch, text.slice(0, cutAt > 0 ? cutAt : text.length / 2));
    try {
      const run = await runCli(["pod", "-f", scratch, "-o", "json", "--fail-on", "none"]);
      const report = JSON.parse(run.stdout) as { findings: Array<{ category: string }>; inputs: { problems: Array<{ file: string; message: string }> } };
      expect(report.findings[0]?.category).toBe("oom-killed");
      expect(report.inputs.problems).toContainEqual(expect.objectContaining({ file: scratch, message: expect.stringMatching(/^kubectl describe output looks cut off: it ends in Containers and has no Events: section/) }));
    } finally {
      rmSync(scratch, { force: true });
    }
  });
});
