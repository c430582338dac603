import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliPath, ensureBuiltCli, repoRoot } from "../cluster/support.js";
import { catalogGatewayDump } from "../envoy/fixtures/catalog-gateway-dump.js";
import { catalogObjectsYaml } from "../envoy/fixtures/catalog-objects.js";

// `-o json` of each command against the schema published for it in schema/.

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
for (const file of readdirSync(join(repoRoot, "schema"))) ajv.addSchema(JSON.parse(readFileSync(join(repoRoot, "schema", file), "utf8")));

beforeAll(() => ensureBuiltCli());

const scratch = mkdtempSync(join(tmpdir(), "ktriage-schemas-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const scratchFile = (name: string, text: string) => {
  writeFileSync(join(scratch, name), text);
  return join(scratch, name);
};
const brokenDump = scratchFile("broken-dump.json", JSON.stringify(catalogGatewayDump({ withSubsets: false })));
const fixedDump = scratchFile("fixed-dump.json", JSON.stringify(catalogGatewayDump({ withSubsets: true, timeout: "0.5s" })));
const catalogObjects = scratchFile("catalog.yaml", catalogObjectsYaml);
// istioctl's own proxy-config test data: real dumps.
const istioctlDumps = resolve(repoRoot, "../shared/peer/istioctl-proxyconfig");
const sidecarDump = join(istioctlDumps, "proxyconfig__config_dump.json");
const ecdsDump = join(istioctlDumps, "writer__ecds__configdump.json");
const bootstrapDump = join(istioctlDumps, "writer__configdump.json");
const secretDump = join(istioctlDumps, "writer__secret__istio__config_dump.json");
const endpointDump = join(istioctlDumps, "writer__endpoint__configdump.json");

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

const COVERED: Array<[name: string, args: string[], schema: string]> = [
  ["scan", ["scan", "--snapshot", "examples/lab", "--fail-on", "none"], "report.schema.json"],
  ["pod", ["pod", "--snapshot", "examples/lab", "-n", "lab-oom", "--fail-on", "none"], "report.schema.json"],
  ["lint", ["lint", "examples/manifests/broken", "--fail-on", "none"], "report.schema.json"],
  ["envoy logs", ["envoy", "logs", access, "--fail-on", "none"], "envoy-logs.schema.json"],
  ["rules", ["rules"], "rules.schema.json"],
  ["version", ["version"], "version.schema.json"],
  ["envoy status", ["envoy", "status", "-f", "examples/lab/envoy/proxy-status.txt", "--fail-on", "none"], "envoy-status.schema.json"],
  ["envoy trace (broken)", ["envoy", "trace", "-f", brokenDump, "--url", "http://catalog.istioinaction.io/items", "--port", "8080", "--objects", catalogObjects], "envoy-trace.schema.json"],
  ["envoy trace (fixed)", ["envoy", "trace", "-f", fixedDump, "--url", "http://catalog.istioinaction.io/items", "--port", "8080", "--objects", catalogObjects], "envoy-trace.schema.json"],
  ["envoy config all", ["envoy", "config", "all", "-f", sidecarDump], "envoy-config.schema.json"],
  ["envoy config clusters", ["envoy", "config", "clusters", "-f", sidecarDump], "envoy-config.schema.json"],
  ["envoy config listeners", ["envoy", "config", "listeners", "-f", sidecarDump], "envoy-config.schema.json"],
  ["envoy config routes", ["envoy", "config", "routes", "-f", sidecarDump], "envoy-config.schema.json"],
  ["envoy config endpoints", ["envoy", "config", "endpoints", "-f", endpointDump], "envoy-config.schema.json"],
  ["envoy config secrets", ["envoy", "config", "secrets", "-f", secretDump], "envoy-config.schema.json"],
  ["envoy config ecds", ["envoy", "config", "ecds", "-f", ecdsDump], "envoy-config.schema.json"],
  ["envoy config bootstrap", ["envoy", "config", "bootstrap", "-f", bootstrapDump], "envoy-config.schema.json"],
  ["mesh readiness", ["mesh", "readiness", "--snapshot", "examples/lab", "--fail-on", "none"], "mesh-readiness.schema.json"],
  ["mesh readiness -n", ["mesh", "readiness", "--snapshot", "examples/lab", "-n", "shop", "--fail-on", "none"], "mesh-readiness.schema.json"],
  ["mesh describe pod (in the mesh)", ["mesh", "describe", "pod", "catalog-5899bbc954-xnq22", "-n", "istioinaction", "--snapshot", "examples/lab"], "mesh-describe.schema.json"],
  ["mesh describe pod (outside the mesh)", ["mesh", "describe", "pod", "web-f48c8kkkxh-kzrdv", "-n", "shop", "--snapshot", "examples/lab"], "mesh-describe.schema.json"],
  ["explain a rule", ["explain", "pod/oom-killed"], "explain.schema.json"],
  ["explain a category", ["explain", "oom-killed"], "explain.schema.json"],
  ["explain a reason", ["explain", "CrashLoopBackOff"], "explain.schema.json"],
  ["explain a code", ["explain", "IST0101"], "explain.schema.json"],
];

describe("every -o json has a published schema", () => {
  it.each(COVERED)("%s", (_name, args, schema) => {
    expectValid(schema, json(args));
  });

  it("each table's JSON is that table's part of the dump, not an empty answer", () => {
    const tables = Object.fromEntries(
      (["clusters", "listeners", "routes"] as const).map((table) => [table, json(["envoy", "config", table, "-f", sidecarDump]) as Array<{ "@type": string }>]),
    );
    expect(tables.clusters!.length).toBeGreaterThan(0);
    expect(tables.clusters!.every((item) => item["@type"].endsWith("envoy.config.cluster.v3.Cluster"))).toBe(true);
    expect(tables.listeners!.every((item) => item["@type"].endsWith("envoy.config.listener.v3.Listener"))).toBe(true);
    expect(tables.routes!.every((item) => item["@type"].endsWith("envoy.config.route.v3.RouteConfiguration"))).toBe(true);
    expect((json(["envoy", "config", "ecds", "-f", ecdsDump]) as unknown[]).length).toBeGreaterThan(0);
    expect((json(["envoy", "config", "secrets", "-f", secretDump]) as unknown[]).length).toBeGreaterThan(0);
    const explained = json(["explain", "137"]) as { kind: string; term: { kind: string }; rules: Array<{ category: string }> };
    expect(explained.kind).toBe("term");
    expect(explained.term.kind).toBe("exit code");
    expect(explained.rules.some((rule) => rule.category === "oom-killed")).toBe(true);
  });

  it("a schema rejects output that breaks it (the checks are not vacuous)", () => {
    const validate = ajv.getSchema("https://ktriage.dev/schema/envoy-trace.schema.json")!;
    const trace = json(["envoy", "trace", "-f", brokenDump, "--url", "http://catalog.istioinaction.io/items", "--port", "8080", "--objects", catalogObjects]) as { steps: Array<{ stage: string }> };
    expect(validate(trace)).toBe(true);
    trace.steps[0]!.stage = "somewhere";
    expect(validate(trace)).toBe(false);
    const readiness = ajv.getSchema("https://ktriage.dev/schema/mesh-readiness.schema.json")!;
    expect(readiness({ scope: "all namespaces", cluster: { nodes: 1, istiod: "running" }, estimate: { podsToInject: 1, sidecarMemoryMiB: [50], istiodMemoryMiB: 200 }, checks: [], plan: [], rollback: [], afterAdoption: [] })).toBe(false);
  });

  it("every command whose -o offers json is covered above, and every schema file is used", async () => {
    const program = new Command("ktriage");
    for (const file of readdirSync(join(repoRoot, "src/cli/commands")).filter((name) => name.endsWith(".ts"))) {
      const module = (await import(join(repoRoot, "src/cli/commands", file))) as { register?: (program: Command) => void };
      module.register?.(program);
    }
    const withJson: string[] = [];
    const walk = (command: Command, path: string[]) => {
      const output = command.options.find((option) => option.long === "--output");
      if (output?.argChoices?.includes("json")) withJson.push([...path, command.name()].join(" "));
      for (const sub of command.commands) walk(sub, [...path, command.name()]);
    };
    for (const command of program.commands) walk(command, []);
    expect(withJson.length).toBeGreaterThan(5);
    const covered = new Set(COVERED.map(([name]) => name.replace(/ \(.*\)$| -n$| (a|an) .*$| (all|clusters|listeners|routes|endpoints|secrets|ecds|bootstrap)$/, "")));
    expect(withJson.filter((name) => !covered.has(name))).toEqual([]);
    const used = new Set(COVERED.map(([, , schema]) => schema));
    expect(readdirSync(join(repoRoot, "schema")).filter((file) => !used.has(file))).toEqual([]);
  });
});
