import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main.js";
import { register } from "../../src/cli/commands/lint.js";
import { EXIT_USAGE, UsageError } from "../../src/cli/shared.js";
import { docs, reviewsDestinationRule, reviewsService, reviewsVirtualService } from "../rules/istio/fixtures.js";

/** The program with the lint command, as src/cli/main.ts wires it. */
async function main(args: string[]): Promise<number> {
  const program = buildProgram();
  register(program);
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(["node", "ktriage", ...args]);
  } catch (error) {
    if (error instanceof UsageError) return EXIT_USAGE;
    throw error;
  }
  const code = program.getOptionValue("exitCode");
  return typeof code === "number" ? code : 0;
}

/** Runs the CLI in-process and captures what it prints. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

const reviews = docs(reviewsService, reviewsDestinationRule("v1", "v2"));
/** Routes to subset v3, which the DestinationRule does not define (IST0101 at the subset, line 13). */
const vs = docs(reviewsVirtualService("v3"));
const gateway = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
spec:
  selector:
    istio: ingressgateway
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - "*"
`;

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ktriage-lint-"));
  writeFileSync(join(dir, "reviews.yaml"), reviews);
  writeFileSync(join(dir, "vs.yaml"), vs);
  writeFileSync(join(dir, "gateway.yaml"), gateway);
  writeFileSync(join(dir, "broken.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  key: [unclosed\n");
  writeFileSync(join(dir, "nokind.yaml"), "apiVersion: v1\nmetadata:\n  name: app\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ktriage lint", () => {
  it("prints istioctl lines with file and line of the offending field, then cause and fix", async () => {
    const { code, stdout } = await run(["lint", join(dir, "reviews.yaml"), join(dir, "vs.yaml"), "-o", "istioctl"]);
    expect(stdout).toContain(`Error [IST0101] (VirtualService default/reviews ${join(dir, "vs.yaml")}:13) Referenced host+subset in destinationrule not found: "reviews+v3"`);
    expect(stdout).toMatch(/\n {4}Why: /);
    expect(stdout).toMatch(/\n {4}Fix: Add subset "v3" to DestinationRule default\/reviews/);
    expect(code).toBe(1);
  });

  it("-o json carries the finding schema with Istio's code in equivalents", async () => {
    const { stdout } = await run(["lint", join(dir, "reviews.yaml"), join(dir, "vs.yaml"), "-o", "json"]);
    const report = JSON.parse(stdout) as { findings: { rule: string; equivalents: string[]; resource: { file: string; line: number }; message: string }[] };
    const finding = report.findings.find((item) => item.rule === "istio/virtualservice-subset-not-found");
    expect(finding?.equivalents).toEqual(["IST0101", "KIA1107"]);
    expect(finding?.resource.line).toBe(13);
    expect(finding?.message).toBe('Referenced host+subset in destinationrule not found: "reviews+v3"');
  });

  it("-o sarif is SARIF 2.1.0 with rule help and physical locations", async () => {
    const { stdout } = await run(["lint", join(dir, "reviews.yaml"), join(dir, "vs.yaml"), "-o", "sarif"]);
    const sarif = JSON.parse(stdout);
    expect(sarif.version).toBe("2.1.0");
    const run0 = sarif.runs[0];
    const result = run0.results.find((item: { ruleId: string }) => item.ruleId === "istio/virtualservice-subset-not-found");
    expect(result.locations[0].physicalLocation.region.startLine).toBe(13);
    const rule = run0.tool.driver.rules[result.ruleIndex];
    expect(rule.id).toBe("istio/virtualservice-subset-not-found");
    expect(rule.help.text).toContain("Fix:");
    expect(rule.helpUri).toBe("https://istio.io/latest/docs/reference/config/analysis/ist0101/");
  });

  it("assumes the default ingress gateway unless told not to", async () => {
    const withDefault = await run(["lint", join(dir, "gateway.yaml"), "-o", "istioctl"]);
    expect(withDefault.stdout).not.toContain("IST0101");
    expect(withDefault.code).toBe(0);
    const without = await run(["lint", join(dir, "gateway.yaml"), "-o", "istioctl", "--no-default-gateway"]);
    expect(without.stdout).toContain('Error [IST0101] (Gateway default/bookinfo-gateway');
    expect(without.stdout).toContain('Referenced selector not found: "istio=ingressgateway"');
  });

  it("names the file and line of unreadable input and still analyses the rest", async () => {
    const { code, stdout } = await run(["lint", dir, "-o", "istioctl", "--fail-on", "error"]);
    expect(stdout).toMatch(new RegExp(`\\(${join(dir, "broken.yaml").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:\\d+\\) invalid YAML`));
    expect(stdout).toContain(`(${join(dir, "nokind.yaml")}:1) document has no kind`);
    expect(stdout).toContain('"reviews+v3"');
    expect(code).toBe(1);
  });

  it("with --snapshot, reports only objects from the PATHs", async () => {
    const { stdout } = await run(["lint", join(dir, "vs.yaml"), "--snapshot", join(dir, "reviews.yaml"), "-o", "json", "--fail-on", "none"]);
    const report = JSON.parse(stdout) as { findings: { resource: { kind: string } }[] };
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((finding) => finding.resource.kind === "VirtualService")).toBe(true);
  });

  it("exits 0 with --fail-on none and 2 when nothing can be read", async () => {
    expect((await run(["lint", join(dir, "vs.yaml"), "--fail-on", "none", "-o", "json"])).code).toBe(0);
    expect((await run(["lint", join(dir, "missing.yaml"), "-o", "json"])).code).toBe(2);
  });
});
