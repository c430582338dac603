import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { wrap } from "../../src/report/text.js";

const root = resolve(__dirname, "../..");

function ktriage(args: string[]) {
  const result = spawnSync(process.execPath, [resolve(root, "dist/cli.js"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "" }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("text layout of multi-line evidence", () => {
  it("reflows prose but prints YAML, diffs and stack frames with their own indentation", () => {
    const text = [
      "the container crashed with this stack trace and a very long explanation that needs more than one line to be read",
      "Traceback (most recent call last):",
      '  File "/app/main.py", line 12, in <module>',
      "    main()",
      "spec:",
      "  containers:",
      "    - name: api",
      "-        image: old",
      "+        image: new",
    ].join("\n");
    const lines = wrap(text, 60, "       ", "   • ");
    expect(lines[0]!.startsWith("   • the container crashed")).toBe(true);
    expect(lines[1]!.startsWith("       ")).toBe(true);
    expect(lines.every((line) => line.length <= 60 || /^ {7}\S* {2,}/.test(line))).toBe(true);
    const laidOut = lines.slice(lines.findIndex((line) => line.includes("Traceback")));
    expect(laidOut).toEqual([
      "       Traceback (most recent call last):",
      '         File "/app/main.py", line 12, in <module>',
      "           main()",
      "       spec:",
      "         containers:",
      "           - name: api",
      "       -        image: old",
      "       +        image: new",
    ]);
  });

  it("the lab's ReplicaSet template diff keeps every line as the JSON report holds it", () => {
    const json = ktriage(["scan", "--snapshot", "examples/lab", "-n", "lab-rollout", "-o", "json", "--fail-on", "none"]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { findings: Array<{ rule: string; evidence: Array<{ text: string }> }> };
    const diff = report.findings.flatMap((finding) => finding.evidence).find((item) => item.text.startsWith("what the new template changed:"));
    expect(diff, "the rollout finding quotes the template diff").toBeDefined();
    const diffLines = diff!.text.split("\n").slice(1);
    expect(diffLines.some((line) => /^[-+ ] {2,}/.test(line))).toBe(true);
    const text = ktriage(["scan", "--snapshot", "examples/lab", "-n", "lab-rollout", "--fail-on", "none"]);
    const printed = text.stdout.split("\n");
    const start = printed.findIndex((line) => line.includes("what the new template changed:"));
    expect(start).toBeGreaterThan(-1);
    expect(printed.slice(start + 1, start + 1 + diffLines.length)).toEqual(diffLines.map((line) => `       ${line}`.trimEnd()));
  });
});
