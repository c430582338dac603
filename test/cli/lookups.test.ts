import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { catalogGatewayDump } from "../envoy/fixtures/catalog-gateway-dump.js";

const root = resolve(__dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "ktriage-lookups-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function ktriage(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [resolve(root, "dist/cli.js"), ...args], { cwd: root, encoding: "utf8", input, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "" }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("lookups that fail say so (exit 2, the nearest names, on stderr)", () => {
  it("an unknown pod offline is an error, not every finding of the cluster", () => {
    const unknown = ktriage(["pod", "zzz", "--snapshot", "examples/lab"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toMatch(/^ktriage: no pod zzz in the snapshot/);
    const typo = ktriage(["pod", "report-worker-xd8nqrtjds-pbzg", "--snapshot", "examples/lab"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("did you mean report-worker-xd8nqrtjds-pbzgr (-n lab-oom)?");
    expect(typo.stdout).toBe("");
  });

  it("a pod that exists is diagnosed alone; an unknown container names the pod's containers", () => {
    const pod = ktriage(["pod", "report-worker-xd8nqrtjds-pbzgr", "--snapshot", "examples/lab", "--summary"]);
    expect(pod.code).toBe(1);
    expect(pod.stdout).toMatch(/lab-oom\s+deploy\/report-worker\s+OOMKilled/);
    expect(pod.stdout).not.toContain("lab-job-fail");
    const container = ktriage(["pod", "report-worker-xd8nqrtjds-pbzgr", "--snapshot", "examples/lab", "-c", "wrker"]);
    expect(container.code).toBe(2);
    expect(container.stderr).toContain("has no container wrker (containers: worker)");
  });

  it("an unknown namespace is an error with the nearest namespaces", () => {
    const result = ktriage(["scan", "--snapshot", "examples/lab", "-n", "lab-oomm"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/no namespace lab-oomm in the snapshot; did you mean lab-oom\b/);
    expect(ktriage(["scan", "--snapshot", "examples/lab", "-n", "lab-oom", "--summary"]).code).toBe(1);
  });

  it("a missing file is an error on stderr naming the nearest file beside it", () => {
    const scan = ktriage(["scan", "-f", "examples/lab/namespaces/lab-oom/pod.json"]);
    expect(scan.code).toBe(2);
    expect(scan.stdout).toBe("");
    expect(scan.stderr).toMatch(/no file or folder examples\/lab\/namespaces\/lab-oom\/pod\.json; did you mean examples\/lab\/namespaces\/lab-oom\/pods\.json/);
    const lint = ktriage(["lint", "nothing/"]);
    expect(lint.code).toBe(2);
    expect(lint.stdout).toBe("");
    expect(lint.stderr).toContain("no file or folder nothing/");
  });

  it("empty input is an error, never 'No problems found'", () => {
    const stdin = ktriage(["lint", "-"], "");
    expect(stdin.code).toBe(2);
    expect(stdin.stdout).not.toContain("No problems found");
    expect(stdin.stderr).toContain("nothing to lint");
    const empty = join(scratch, "empty.yaml");
    writeFileSync(empty, "");
    const scan = ktriage(["scan", "-f", empty]);
    expect(scan.code).toBe(2);
    expect(scan.stdout).toBe("");
    expect(scan.stderr).toContain("nothing to analyse");
    const folder = mkdtempSync(join(scratch, "empty-dir-"));
    const lintFolder = ktriage(["lint", folder]);
    expect(lintFolder.code).toBe(2);
    expect(lintFolder.stdout).toBe("");
  });

  it("lint reads -f like kubectl apply, as well as PATHs", () => {
    const manifest = join(scratch, "deploy.yaml");
    writeFileSync(manifest, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n");
    const byFlag = ktriage(["lint", "-f", manifest, "-o", "json", "--fail-on", "none"]);
    const byPath = ktriage(["lint", manifest, "-o", "json", "--fail-on", "none"]);
    expect(byFlag.code).toBe(0);
    expect(JSON.parse(byFlag.stdout).findings).toEqual(JSON.parse(byPath.stdout).findings);
  });

  it("envoy trace without --port proposes the listener ports that exist", () => {
    const dump = join(scratch, "gateway-dump.json");
    writeFileSync(dump, JSON.stringify(catalogGatewayDump({ withSubsets: true })));
    const result = ktriage(["envoy", "trace", "-f", dump, "--url", "http://catalog.istioinaction.io/items"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/no listener on port 80, the URL's port, and no --port given; .* listens on 8080.*trace again with --port 8080/);
    const traced = ktriage(["envoy", "trace", "-f", dump, "--url", "http://catalog.istioinaction.io/items", "--port", "8080"]);
    expect(traced.stdout).toContain("on listener port 8080");
  });

  it("snapshot takes --output-dir; mesh readiness takes --fail-on", () => {
    expect(ktriage(["snapshot", "--help"]).stdout).toContain("--output-dir <dir>");
    const checks = (JSON.parse(ktriage(["mesh", "readiness", "--snapshot", "examples/lab", "-o", "json"]).stdout) as { checks: Array<{ status: string }> }).checks;
    expect(checks.some((check) => check.status === "warn")).toBe(true);
    const readiness = ktriage(["mesh", "readiness", "--snapshot", "examples/lab", "--fail-on", "error"]);
    expect(readiness.code).toBe(checks.some((check) => check.status === "fail") ? 1 : 0);
    expect(ktriage(["mesh", "readiness", "--snapshot", "examples/lab", "--fail-on", "warning"]).code).toBe(1);
    expect(ktriage(["mesh", "readiness", "--snapshot", "examples/lab", "--fail-on", "none"]).code).toBe(0);
    const legacy = ktriage(["mesh", "readiness", "--snapshot", "examples/lab", "--fail-on-fail"]);
    expect(legacy.code).toBe(readiness.code);
    expect(legacy.stderr).toContain("--fail-on-fail is deprecated: use --fail-on error");
  });
});
