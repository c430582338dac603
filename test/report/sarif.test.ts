import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliPath, ensureBuiltCli, repoRoot } from "../cluster/support.js";

// SARIF as GitHub code scanning keeps it, checked against the SARIF 2.1.0 JSON schema that
// Microsoft's SARIF SDK ships (the @microsoft/sarif-multitool package, pinned as a devDependency).

interface SarifResult {
  ruleId: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } } }[];
  partialFingerprints: Record<string, string>;
  properties: { fix?: { description: string } };
}
interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; semanticVersion: string; rules: { id: string; helpUri: string; help: { text: string; markdown: string }; properties: { precision: string } }[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    invocations: { toolExecutionNotifications: { message: { text: string } }[] }[];
    results: SarifResult[];
  }[];
}

const requireFromHere = createRequire(import.meta.url);
let validate: ReturnType<Ajv2020["compile"]>;
let work: string;

beforeAll(() => {
  ensureBuiltCli();
  const wrapper = dirname(requireFromHere.resolve("@microsoft/sarif-multitool/package.json"));
  const platform = { linux: "linux", darwin: "darwin", win32: "win32" }[process.platform as "linux"] ?? "linux";
  const schemaPath = join(dirname(wrapper), `sarif-multitool-${platform}`, "sarif-2.1.0.json");
  const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as Record<string, unknown>;
  expect(schema.title).toBe("Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema");
  validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
  work = mkdtempSync(join(tmpdir(), "ktriage-sarif-"));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function sarif(args: string[], options: { cwd?: string; input?: string } = {}): SarifLog {
  const run = spawnSync(process.execPath, [cliPath, ...args, "-o", "sarif", "--fail-on", "none"], { cwd: options.cwd ?? repoRoot, input: options.input, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", KUBECONFIG: "" }, maxBuffer: 64 << 20 });
  expect(run.status, run.stderr).toBe(0);
  const log = JSON.parse(run.stdout) as SarifLog;
  const valid = validate(log);
  expect(valid ? [] : validate.errors!.slice(0, 5)).toEqual([]);
  return log;
}

function uris(log: SarifLog): string[] {
  return [...new Set(log.runs[0]!.results.map((result) => result.locations[0]!.physicalLocation.artifactLocation.uri))];
}

describe("SARIF for code scanning", () => {
  it("lint output validates against the SARIF 2.1.0 schema, with repository-relative URIs and tool version", () => {
    const log = sarif(["lint", "examples/manifests/broken"]);
    const run = log.runs[0]!;
    const version = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version as string;
    expect(run.tool.driver).toMatchObject({ name: "ktriage", version, semanticVersion: version });
    expect(run.results.length).toBeGreaterThan(5);
    expect(uris(log).sort()).toEqual(["examples/manifests/broken/networking.yaml", "examples/manifests/broken/platform.yaml", "examples/manifests/broken/workloads.yaml"]);
    for (const result of run.results) {
      expect(result.locations[0]!.physicalLocation.artifactLocation.uriBaseId).toBe("%SRCROOT%");
      expect(result.locations[0]!.physicalLocation.region.startLine).toBeGreaterThan(0);
      expect(Object.values(result.partialFingerprints)[0]).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(run.originalUriBaseIds["%SRCROOT%"]!.uri).toBe(`file://${repoRoot}/`);
  });

  it("every rule has a helpUri, a precision and markdown help; fix text stays out of the message", () => {
    const log = sarif(["scan", "--snapshot", "examples/lab"]);
    const run = log.runs[0]!;
    for (const rule of run.tool.driver.rules) {
      expect(rule.helpUri).toMatch(/^https:\/\//);
      expect(["very-high", "high", "medium", "low"]).toContain(rule.properties.precision);
      expect(rule.help.markdown).toMatch(/\*\*Cause\*\*\n\n[\s\S]+\*\*Fix\*\*\n\n/);
      // Only public links go into the help's references.
      const references = rule.help.markdown.split("**References**\n\n")[1]?.split("\n\n")[0]?.split("\n") ?? [];
      for (const line of references) expect(line).toMatch(/^- <https:\/\/[^>\s]+>$/);
    }
    const withFix = run.results.filter((result) => result.properties.fix);
    expect(withFix.length).toBeGreaterThan(0);
    for (const result of withFix) {
      expect(result.message.text).not.toContain(result.properties.fix!.description);
      expect(result.message.text).not.toMatch(/ Fix: /);
    }
  });

  it("fingerprints stay equal across two runs whose counts differ, and differ between resources", () => {
    const before = join(work, "before");
    const after = join(work, "after");
    cpSync(join(repoRoot, "examples/lab"), before, { recursive: true });
    cpSync(join(repoRoot, "examples/lab"), after, { recursive: true });
    // The sidecar was OOMKilled 8 times in one snapshot, 23 times in the next.
    const pods = join(after, "namespaces/lab-mesh-oom/pods.json");
    writeFileSync(pods, readFileSync(pods, "utf8").replace('"restartCount": 8', '"restartCount": 23'));
    const first = sarif(["scan", "--snapshot", "before", "--sarif-root", work], { cwd: work }).runs[0]!.results;
    const second = sarif(["scan", "--snapshot", "after", "--sarif-root", work], { cwd: work }).runs[0]!.results;
    const oomBefore = first.find((result) => result.ruleId === "sidecar/proxy-oom-killed")!;
    const oomAfter = second.find((result) => result.ruleId === "sidecar/proxy-oom-killed")!;
    expect(oomBefore.message.text).toContain("8 restarts");
    expect(oomAfter.message.text).toContain("23 restarts");
    expect(oomAfter.partialFingerprints).toEqual(oomBefore.partialFingerprints);
    const key = (result: SarifResult) => Object.values(result.partialFingerprints)[0]!;
    expect(second.map(key).sort()).toEqual(first.map(key).sort());
    // The URIs are relative to --sarif-root, so the folders' names show.
    expect(oomBefore.locations[0]!.physicalLocation.artifactLocation.uri).toBe("before/namespaces/lab-mesh-oom/pods.json");
    expect(oomAfter.locations[0]!.physicalLocation.artifactLocation.uri).toBe("after/namespaces/lab-mesh-oom/pods.json");
    const distinct = new Set(first.map(key));
    const resources = new Set(first.map((result) => `${result.ruleId} ${JSON.stringify((result.properties as { resource?: unknown }).resource)}`));
    expect(distinct.size).toBe(resources.size);
  });

  it("maps - (stdin) to the file named by --stdin-filename, and leaves stdin findings out with a note without it", () => {
    const manifest = readFileSync(join(repoRoot, "examples/manifests/broken/workloads.yaml"), "utf8");
    const named = sarif(["lint", "-", "--stdin-filename", "deploy/workloads.yaml"], { input: manifest });
    expect(uris(named)).toEqual(["deploy/workloads.yaml"]);
    const unnamed = sarif(["lint", "-"], { input: manifest });
    expect(unnamed.runs[0]!.results).toEqual([]);
    expect(unnamed.runs[0]!.invocations[0]!.toolExecutionNotifications.map((item) => item.message.text).join("\n")).toMatch(/read from stdin: name the file with --stdin-filename/);
  });

  it("an absolute or ../ path becomes relative to the repository root", () => {
    const absolute = sarif(["lint", join(repoRoot, "examples/manifests/broken/workloads.yaml")], { cwd: join(repoRoot, "docs") });
    expect(uris(absolute)).toEqual(["examples/manifests/broken/workloads.yaml"]);
    const parent = sarif(["lint", "../examples/manifests/broken/workloads.yaml"], { cwd: join(repoRoot, "docs") });
    expect(uris(parent)).toEqual(["examples/manifests/broken/workloads.yaml"]);
  });
});
