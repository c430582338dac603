import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { CommanderError } from "commander";
import { register } from "../../src/cli/commands/envoy.js";
import { buildProgram } from "../../src/cli/main.js";
import { UsageError } from "../../src/cli/shared.js";

/** What src/cli/main.ts does, for the envoy command alone (vitest cannot follow main's dynamic imports). */
async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  register(program);
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return 2;
    if (error instanceof UsageError) {
      process.stderr.write(`ktriage: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const code = program.getOptionValue("exitCode");
  return typeof code === "number" ? code : 0;
}
import { catalogGatewayDump } from "./fixtures/catalog-gateway-dump.js";
import { catalogObjectsYaml } from "./fixtures/catalog-objects.js";
import { catalogGatewayRequests, textLine } from "./fixtures/access-lines.js";

const scratchDirs: string[] = [];
/** A temp folder removed when the file's tests end. */
function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

const dir = scratchDir("ktriage-envoy-cli-");
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const broken = file("broken-dump.json", JSON.stringify(catalogGatewayDump({ withSubsets: false }), null, 2));
const fixed = file("fixed-dump.json", JSON.stringify(catalogGatewayDump({ withSubsets: true, timeout: "0.5s" })));
const objects = file("catalog.yaml", catalogObjectsYaml);
const peer = resolve(import.meta.dirname, "../../../shared/peer/istioctl-proxyconfig");

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk: unknown) => ((out += String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk: unknown) => ((err += String(chunk)), true));
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("ktriage envoy", () => {
  it("config all prints istioctl's text byte for byte", async () => {
    const result = await run("envoy", "config", "-f", join(peer, "proxyconfig__config_dump.json"), "all");
    expect(result.out).toBe(readFileSync(join(peer, "proxyconfig__config_dump_summary.txt"), "utf8"));
    expect(result.code).toBe(0);
  });

  it("config clusters --fqdn --port --subset filters like istioctl (no cluster for a subset no DestinationRule defines)", async () => {
    const result = await run("envoy", "config", "-f", broken, "clusters", "--fqdn", "catalog.istioinaction.svc.cluster.local", "--port", "80", "--subset", "version-v1");
    expect(result.out).toBe("SERVICE FQDN     PORT     SUBSET     DIRECTION     TYPE     DESTINATION RULE\n");
  });

  it("config -o json applies the same filters and never prints a private key", async () => {
    const clusters = JSON.parse((await run("envoy", "config", "-f", fixed, "clusters", "--subset", "version-v1", "-o", "json")).out);
    expect(clusters.map((cluster: { name: string }) => cluster.name)).toEqual(["outbound|80|version-v1|catalog.istioinaction.svc.cluster.local"]);
    const withKey = catalogGatewayDump({ withSubsets: true }) as { configs: unknown[] };
    withKey.configs.push({ "@type": "type.googleapis.com/envoy.admin.v3.SecretsConfigDump", dynamic_active_secrets: [{ name: "default", secret: { name: "default", tls_certificate: { certificate_chain: { inline_bytes: "LS0tLS1CRUdJTg==" }, private_key: { inline_bytes: "c2VjcmV0LWtleS1ieXRlcw==" } } } }] });
    const all = (await run("envoy", "config", "-f", file("with-key.json", JSON.stringify(withKey)), "all", "-o", "json")).out;
    expect(all).not.toContain("c2VjcmV0LWtleS1ieXRlcw==");
    // As Envoy's admin prints a sensitive bytes field: "[redacted]", base64-encoded.
    expect(JSON.parse(all).configs.at(-1).dynamic_active_secrets[0].secret.tls_certificate.private_key).toEqual({ inline_bytes: Buffer.from("[redacted]").toString("base64") });
  });

  it("trace stops at the missing cluster, prints the DestinationRule, and exits 1", async () => {
    const result = await run("envoy", "trace", "-f", broken, "--url", "http://catalog.istioinaction.io/items", "--port", "8080", "--objects", objects);
    expect(result.code).toBe(1);
    expect(result.out).toContain("FAIL cluster");
    expect(result.out).toContain("no DestinationRule defines subsets version-v1, version-v2");
    expect(result.out).toContain("    - name: version-v2\n      labels:\n        version: v2");
  });

  it("trace of a healthy path exits 0 and names the pods", async () => {
    const result = await run("envoy", "trace", "-f", fixed, "--url", "http://catalog.istioinaction.io/items", "--port", "8080", "--objects", objects, "-o", "json");
    const trace = JSON.parse(result.out);
    expect(result.code).toBe(0);
    expect(trace.timeoutMs).toBe(500);
    expect(trace.clusters[1].endpoints.map((endpoint: { pod: string }) => endpoint.pod)).toEqual(["istioinaction/catalog-v2-7cc6f578cd-rjrms", "istioinaction/catalog-v2-7cc6f578cd-5jzdl"]);
  });

  it("logs summarises, reports skipped lines, and diagnoses UT and the slow host", async () => {
    const log = file("gateway.log", [...catalogGatewayRequests(60).map(textLine), "GET /items 504 - this line is not an access log"].join("\n") + "\n");
    const result = await run("envoy", "logs", log, "--objects", objects, "--dump", fixed, "-o", "json");
    const document = JSON.parse(result.out);
    expect(document.summaries[0].requests).toBe(60);
    expect(document.summaries[0].skipped).toEqual({ count: 1, samples: [{ line: 61, text: "GET /items 504 - this line is not an access log" }] });
    expect(document.summaries[0].upstreamHosts.find((host: { name: string }) => host.name === "10.244.0.19:3000").pod).toBe("istioinaction/catalog-v2-7cc6f578cd-5jzdl");
    expect(document.findings.map((finding: { rule: string }) => finding.rule).sort()).toEqual(["envoy/slow-upstream-host", "envoy/upstream-timeout"]);
    expect(result.err).toContain("skipped 1 line(s)");
    expect(result.code).toBe(1);
  });

  it("bad input: a truncated dump, a YAML file and a missing file each get one clear line and exit 2", async () => {
    const truncated = file("truncated.json", JSON.stringify(catalogGatewayDump({ withSubsets: false })).slice(0, 2500));
    for (const [path, message] of [
      [truncated, "the config dump is truncated (JSON ends early)"],
      [objects, "not JSON: an Envoy config dump is a JSON object"],
      [join(dir, "missing.json"), "no such file or directory"],
    ] as const) {
      const result = await run("envoy", "config", "-f", path, "clusters");
      expect(result.code).toBe(2);
      expect(result.err).toContain(message);
      expect(result.err).not.toContain("    at ");
    }
  });

  it("status flags a STALE proxy from saved proxy-status output", async () => {
    const status = file("ps.txt", "NAME CLUSTER CDS LDS EDS RDS ECDS ISTIOD VERSION\ncatalog-v2-7cc6f578cd-5jzdl.istioinaction Kubernetes STALE (14m) SYNCED (14m) STALE (14m) SYNCED (14m) NOT SENT istiod-7d4f9c7b6d-2xk8q 1.24.2\n");
    const result = await run("envoy", "status", "-f", status, "-o", "json");
    const document = JSON.parse(result.out);
    expect(document.proxies[0].types.CDS).toEqual({ state: "STALE", note: "14m" });
    expect(document.findings[0].rule).toBe("envoy/proxy-status-stale");
    expect(result.code).toBe(1);
  });
});
