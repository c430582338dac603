import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaksIn, writeCanaryInputs, type CanaryInputs } from "../robustness/support/canaries.js";
import { runCli } from "../robustness/support/run-cli.js";

/**
 * The HTML page carries more than the other outputs (event messages, access-log hosts and
 * URLs, the readiness checklist): with credentials of every shape seeded into the lab, its
 * logs, an access log and a config dump, no page may show one.
 */
const lab = resolve(__dirname, "../../examples/lab");
let dir: string;
let inputs: CanaryInputs;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ktriage-html-canary-"));
  inputs = writeCanaryInputs(dir, lab);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("no credential reaches the HTML report", () => {
  it("scan, pod, lint, envoy logs and mesh readiness with -o html", async () => {
    const runs = [
      ["scan", "--snapshot", inputs.snapshot, "-o", "html"],
      ["pod", "report-worker-xd8nqrtjds-pbzgr", "-n", "lab-oom", "--snapshot", inputs.snapshot, "-o", "html"],
      ["pod", "orders-api-d8fdc4646t-mj5sz", "-n", "lab-secret-typo", "--snapshot", inputs.snapshot, "-o", "html"],
      ["pod", "-f", inputs.describe, "-o", "html"],
      ["lint", inputs.manifests, "-o", "html", "--fail-on", "none"],
      ["envoy", "logs", inputs.accessLog, "-o", "html"],
      ["envoy", "logs", inputs.accessLog, "--dump", inputs.dump, "--snapshot", inputs.snapshot, "-o", "html"],
      ["mesh", "readiness", "--snapshot", inputs.snapshot, "-o", "html"],
    ];
    const leaks: string[] = [];
    for (const args of runs) {
      const result = await runCli(args);
      expect(result.crash, args.join(" ")).toBeUndefined();
      expect(result.stdout, args.join(" ")).toMatch(/^<!DOCTYPE html>/);
      // The seeded credentials did reach the page, masked: the test sees what it guards.
      if (args[0] !== "mesh") expect(result.stdout, args.join(" ")).toContain("[REDACTED");
      if (args[0] === "envoy") expect(result.stdout).toContain('data-chart="codes"');
      const found = leaksIn(result.stdout + result.stderr);
      if (found.length > 0) leaks.push(`${args.slice(0, 2).join(" ")}: ${found.join(", ")}`);
    }
    expect(leaks).toEqual([]);
  }, 240_000);
});
