import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import { cliPath, ensureBuiltCli, repoRoot } from "../cluster/support.js";

// `-o json` of each command against the schema published for it in schema/.

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
for (const file of readdirSync(join(repoRoot, "schema"))) ajv.addSchema(JSON.parse(readFileSync(join(repoRoot, "schema", file), "utf8")));

beforeAll(() => ensureBuiltCli());

function json(args: string[]): unknown {
  const run = spawnSync(process.execPath, [cliPath, ...args, "-o", "json"], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", KUBECONFIG: "" }, maxBuffer: 64 << 20 });
  expect(run.stdout.length, run.stderr).toBeGreaterThan(0);
  return JSON.parse(run.stdout);
}

function expectValid(schema: string, document: unknown): void {
  const validate = ajv.getSchema(`https://ktriage.dev/schema/${schema}`)!;
  expect(validate, schema).toBeDefined();
  const valid = validate(document);
  expect(valid ? [] : validate.errors!.slice(0, 5)).toEqual([]);
}

const access = "examples/lab/envoy/istio-system/istio-ingressgateway-74df47f5f9-nv65v/access.log";

describe("every -o json has a published schema", () => {
  it.each([
    ["scan", ["scan", "--snapshot", "examples/lab", "--fail-on", "none"], "report.schema.json"],
    ["pod", ["pod", "--snapshot", "examples/lab", "-n", "lab-oom", "--fail-on", "none"], "report.schema.json"],
    ["lint", ["lint", "examples/manifests/broken", "--fail-on", "none"], "report.schema.json"],
    ["envoy logs", ["envoy", "logs", access, "--fail-on", "none"], "envoy-logs.schema.json"],
    ["rules", ["rules"], "rules.schema.json"],
    ["version", ["version"], "version.schema.json"],
  ])("%s", (_name, args, schema) => {
    expectValid(schema as string, json(args as string[]));
  });
});
