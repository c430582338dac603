import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/model/kube.js";
import { CONFIGMAPS, PODS, EVENTS } from "../../src/sources/live/resources.js";
import { SnapshotRecorder } from "../../src/sources/snapshot-writer.js";
import { CANARY_LINES, leaksIn, writeCanaryInputs, type CanaryInputs } from "./support/canaries.js";
import { runCli } from "./support/run-cli.js";

/**
 * Credentials of every shape are seeded into a copy of the bundled lab (env
 * values, image references, arguments, events, logs, ConfigMaps), an access
 * log and an Envoy config dump with SDS secrets and Authorization headers.
 * Every command in every output format, and the snapshot writer, must print
 * none of them.
 */
const lab = resolve(__dirname, "../../examples/lab");
const FORMATS = ["text", "json", "yaml", "markdown", "sarif", "istioctl"];

let dir: string;
let inputs: CanaryInputs;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ktriage-canary-"));
  inputs = writeCanaryInputs(dir, lab);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function commands(): string[][] {
  const runs: string[][] = [];
  for (const format of FORMATS) {
    runs.push(["scan", "--snapshot", inputs.snapshot, "-o", format, "--verbose"]);
    runs.push(["pod", "report-worker-xd8nqrtjds-pbzgr", "-n", "lab-oom", "--snapshot", inputs.snapshot, "-o", format]);
    runs.push(["pod", "nginx-deployment-hzqb7bnh9r-cxlcg", "-n", "lab-image-pull", "--snapshot", inputs.snapshot, "-o", format]);
    runs.push(["pod", "orders-api-d8fdc4646t-mj5sz", "-n", "lab-secret-typo", "--snapshot", inputs.snapshot, "-o", format]);
    runs.push(["pod", "-f", inputs.describe, "-o", format]);
    runs.push(["lint", inputs.manifests, "-o", format, "--fail-on", "none"]);
  }
  for (const format of ["text", "json"]) {
    runs.push(["mesh", "readiness", "--snapshot", inputs.snapshot, "-o", format]);
    runs.push(["envoy", "logs", inputs.accessLog, "-o", format]);
    runs.push(["envoy", "logs", inputs.accessLog, "--dump", inputs.dump, "-o", format]);
    runs.push(["envoy", "trace", "-f", inputs.dump, "--url", "http://catalog.istioinaction.io/items", "--port", "8080", "-o", format]);
    for (const what of ["all", "clusters", "listeners", "routes", "endpoints", "secrets", "bootstrap"]) runs.push(["envoy", "config", what, "-f", inputs.dump, "-o", format]);
  }
  runs.push(["envoy", "config", "all", "-f", inputs.dump, "--with-headers"]);
  return runs;
}

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const full = join(root, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe("no credential is ever printed", () => {
  it("every command in every output format", async () => {
    const leaks: string[] = [];
    let runs = 0;
    for (const args of commands()) {
      const result = await runCli(args);
      runs++;
      expect(result.crash, args.join(" ")).toBeUndefined();
      const found = leaksIn(result.stdout + result.stderr);
      if (found.length > 0) leaks.push(`${args.slice(0, 3).join(" ")} ${args.includes("-o") ? args[args.indexOf("-o") + 1] : ""}: ${found.join(", ")}`);
    }
    console.log(`canary: ${runs} runs, ${leaks.length} leaking`);
    expect(leaks).toEqual([]);
  }, 300_000);

  it("the snapshot writer", () => {
    const recorder = new SnapshotRecorder();
    for (const file of filesUnder(join(inputs.snapshot, "namespaces"))) {
      const list = JSON.parse(readFileSync(file, "utf8")) as { items?: KubeObject[] };
      const type = file.endsWith("pods.json") ? PODS : file.endsWith("events.json") ? EVENTS : file.endsWith("configmaps.json") ? CONFIGMAPS : undefined;
      if (!type) continue;
      for (const item of list.items ?? []) recorder.object(item, type);
    }
    recorder.log({ namespace: "shop", pod: "api", container: "api", previous: false, call: "GET /api/v1/namespaces/shop/pods/api/log", text: CANARY_LINES.join("\n") });
    recorder.problem("GET /api/v1/namespaces/shop/pods?token=x", `401 Unauthorized: Bearer ${CANARY_LINES[1]}`);
    const out = join(dir, "written");
    recorder.write(out, { capturedAt: "2025-06-02T10:45:00Z", context: "kind-lab", namespaces: ["shop"] });
    const leaks = filesUnder(out).flatMap((file) => leaksIn(readFileSync(file, "utf8")).map((leak) => `${file.slice(out.length + 1)}: ${leak}`));
    console.log(`canary: snapshot writer, ${leaks.length} leaking files`);
    expect(leaks).toEqual([]);
  });
});
