import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { CATEGORIES } from "../../src/model/categories.js";

const root = resolve(__dirname, "../..");
const fixtures = resolve(root, "test/fixtures/inputs");

function ktriage(args: string[], env: Record<string, string> = {}, input?: string) {
  const result = spawnSync(process.execPath, [resolve(root, "dist/cli.js"), ...args], {
    cwd: root,
    encoding: "utf8",
    input,
    env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "", ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const schema = JSON.parse(readFileSync(resolve(root, "schema/report.schema.json"), "utf8"));

describe("ktriage CLI", () => {
  it("prints its version and help with examples", () => {
    const version = ktriage(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")).version);
    const help = ktriage(["scan", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Examples:");
  });

  it("exits 2 with one line on a usage error", () => {
    const result = ktriage(["scan", "--output", "pdf", "-f", fixtures]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/argument 'pdf' is invalid/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 when no input can be read, naming each file", () => {
    const result = ktriage(["scan", "-f", resolve(fixtures, "truncated.json"), "-f", resolve(fixtures, "binary.bin")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/truncated\.json:\d+: invalid JSON/);
    expect(result.stderr).toMatch(/binary\.bin:1: binary data/);
    expect(result.stdout).toBe("");
  });

  it("writes JSON that validates against the published schema and keeps reading past bad files", () => {
    const result = ktriage(["scan", "-o", "json", "--fail-on", "none", "-f", fixtures]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.inputs.objects).toBeGreaterThanOrEqual(4);
    expect(report.inputs.problems.map((p: { file: string }) => p.file.split("/").pop()).sort()).toEqual(
      ["binary.bin", "empty.yaml", "mixed-bad.yaml", "mixed-bad.yaml", "truncated.json"].sort(),
    );
  });

  it("reads stdin with -f -", () => {
    const result = ktriage(["scan", "-o", "json", "-f", "-"], {}, readFileSync(resolve(fixtures, "deployment-and-pod.yaml"), "utf8"));
    expect(JSON.parse(result.stdout).inputs.objects).toBe(2);
  });

  it("never colours output when NO_COLOR is set or stdout is not a TTY", () => {
    const result = ktriage(["scan", "-f", fixtures], { NO_COLOR: "1" });
    expect(result.stdout).not.toMatch(/\x1b\[/);
  });

  it("never prints a Secret's value", () => {
    const result = ktriage(["scan", "-o", "yaml", "-f", resolve(fixtures, "secret.yaml")]);
    expect(result.stdout + result.stderr).not.toContain("czNjcjN0");
  });

  it("explains codes and categories, and says when a topic is unknown", () => {
    const category = ktriage(["explain", "oom-killed"]);
    expect(category.code).toBe(0);
    expect(category.stdout).toContain("oom-killed: the container exceeds its memory limit");
    const unknown = ktriage(["explain", "no-such-topic"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/nothing known as "no-such-topic"/);
  });

  it("runs only the rules --rule names, and opt-in rules only with --enable", () => {
    const misannotated = resolve(root, "../shared/peer/istio-analyzers/testdata/misannotated.yaml");
    const rulesOf = (args: string[]) => {
      const result = ktriage(["lint", misannotated, "-o", "json", "--fail-on", "none", ...args]);
      expect(result.code, result.stderr).toBe(0);
      return new Set((JSON.parse(result.stdout).findings as Array<{ rule: string }>).map((finding) => finding.rule));
    };
    const byDefault = rulesOf([]);
    expect(byDefault).toContain("istio/annotation-misplaced");
    expect(byDefault).not.toContain("istio/annotation-alpha");
    expect(rulesOf(["--enable", "istio/annotation-alpha"])).toContain("istio/annotation-alpha");
    expect([...rulesOf(["--rule", "istio/annotation-"])].every((rule) => rule.startsWith("istio/annotation-"))).toBe(true);
    const unknown = ktriage(["lint", misannotated, "--enable", "istio/no-such-rule"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--enable istio\/no-such-rule: no such rule/);
  });

  it("lists rules as JSON with their metadata", () => {
    const result = ktriage(["rules", "-o", "json"]);
    expect(result.code).toBe(0);
    const rules = JSON.parse(result.stdout) as Array<{ id: string; category: string }>;
    for (const rule of rules) expect(Object.keys(CATEGORIES)).toContain(rule.category);
  });
});

describe("finding schema", () => {
  it("lists exactly the taxonomy's categories", () => {
    expect([...schema.$defs.category.enum].sort()).toEqual(Object.keys(CATEGORIES).sort());
  });
});
