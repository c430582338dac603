import { describe, expect, it } from "vitest";
import { random as seeded } from "../robustness/support/fuzz-cases.js";
import { firstCategory, readCases } from "./pod-cases.js";

/**
 * The real cases as people also paste them: cut at random lines (seeded),
 * wrapped in prompts, comments and fences, with CRLF line ends. The answer
 * stays right, or becomes an honest "not enough evidence" (unknown-crash);
 * it never throws.
 */
const cases = readCases();

const crlf = (text: string) => text.replace(/\r?\n/g, "\r\n");
const wrapped = (text: string, name: string) => {
  const command = /logs/.test(name) ? `$ kubectl logs${/previous/.test(name) ? " --previous" : ""}` : /events/.test(name) ? "$ kubectl get events" : "$ kubectl describe pod";
  return ["# pasted from the incident channel", "```", command, text.trimEnd(), "```", "# that is all we had"].join("\n") + "\n";
};
/** Words that show a pod is not well; a cut that keeps one must still give a finding. */
const TROUBLE = /\b(?:Warning|BackOff|OOMKilled|CrashLoopBackOff|Exit Code:\s*[1-9]|exitCode: [1-9]|Restart Count:\s*[1-9]|Pending|Failed|ErrImagePull|ImagePullBackOff|CreateContainerConfigError)\b/;

describe.skipIf(cases.length === 0)("real pod cases, pasted differently", () => {
  it("with CRLF line ends, the answer is the same", async () => {
    for (const testCase of cases) {
      const plain = await firstCategory(testCase);
      const got = await firstCategory(testCase, crlf);
      expect(got.category, testCase.id).toBe(plain.category);
    }
  }, 120_000);

  it("wrapped in prompts, comments and Markdown fences, the answer is the same", async () => {
    for (const testCase of cases) {
      const plain = await firstCategory(testCase);
      const got = await firstCategory(testCase, wrapped);
      expect(got.category, testCase.id).toBe(plain.category);
    }
  }, 120_000);

  it("cut at random lines, the answer is right or an honest not-enough-evidence, never a crash", async () => {
    const random = seeded(13);
    const wrong: string[] = [];
    for (const testCase of cases) {
      for (let round = 0; round < 3; round++) {
        let kept = "";
        const cut = (text: string) => {
          const lines = text.split("\n");
          const start = Math.floor(random() * lines.length);
          const end = Math.min(lines.length, start + 1 + Math.floor(random() * lines.length));
          kept = lines.slice(start, end).join("\n");
          return `${kept}\n`;
        };
        const got = await firstCategory(testCase, cut);
        const honest = testCase.expected.includes(got.category) || got.category === "unknown-crash";
        const nothingShown = got.category === "none" && !TROUBLE.test(kept);
        if (!honest && !nothingShown) wrong.push(`${testCase.id} round ${round}: ${got.category} (${got.summary.slice(0, 100)}) from ${JSON.stringify(kept.slice(0, 160))}`);
      }
    }
    if (wrong.length) console.log(`cut cases not right and not honest (${wrong.length}):\n  ${wrong.join("\n  ")}`);
    expect(wrong.length).toBeLessThanOrEqual(Math.floor(cases.length * 3 * 0.1));
  }, 300_000);
});
