// A real Prometheus server (Debian's prometheus package, installed by
// scripts/prometheus/ensure.sh when missing) scrapes `ktriage watch --listen`
// and answers PromQL over its HTTP API about the findings.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startControlPlane } from "../../scripts/control-plane/cluster.mjs";
import type { Plane } from "./scenario.js";
import { ensureBuiltCli, repoRoot } from "./support.js";
import { createWorkload, listenAddress, setImagePullBackOff, startWatch, waitFor, waitForWatching, type WatchProcess } from "./watch-support.js";

let plane: Plane;
let watch: WatchProcess;
let prometheus: ChildProcess | undefined;
let prometheusUrl = "";
let prometheusLog = "";
const work = mkdtempSync(join(tmpdir(), "ktriage-prometheus-"));

beforeAll(async () => {
  const binary = execFileSync("bash", [join(repoRoot, "scripts", "prometheus", "ensure.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim().split("\n").pop()!;
  plane = (await startControlPlane()) as Plane;
  const catalog = await createWorkload(plane, "shop", "catalog", "5f6b9d7c8");
  await setImagePullBackOff(plane, catalog);
  ensureBuiltCli();
  watch = startWatch(plane, ["--listen", "127.0.0.1:0", "--output", "none"]);
  await waitForWatching(watch);

  const port = await freePort();
  writeFileSync(
    join(work, "prometheus.yml"),
    [
      "global:",
      "  scrape_interval: 1s",
      "  evaluation_interval: 1s",
      "scrape_configs:",
      "- job_name: ktriage",
      "  static_configs:",
      `  - targets: ["${listenAddress(watch)}"]`,
      "    labels:",
      "      cluster: test-a",
      "",
    ].join("\n"),
  );
  prometheus = spawn(binary, [`--config.file=${join(work, "prometheus.yml")}`, `--storage.tsdb.path=${join(work, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"], { stdio: ["ignore", "pipe", "pipe"] });
  prometheus.stdout!.on("data", (chunk) => (prometheusLog += chunk));
  prometheus.stderr!.on("data", (chunk) => (prometheusLog += chunk));
  prometheusUrl = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (prometheus!.exitCode !== null) throw new Error(`prometheus exited: ${prometheusLog}`);
    try {
      return (await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined;
    } catch {
      return undefined;
    }
  }, 60_000, "Prometheus ready");
}, 1_800_000);

afterAll(async () => {
  prometheus?.kill("SIGTERM");
  await watch?.stop();
  await plane?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  expect(body.status).toBe("success");
  return body.data.result;
}

describe("ktriage watch metrics in a real Prometheus", () => {
  it("scrapes /metrics, and a PromQL query over the HTTP API sees the findings by category, severity and namespace", { timeout: 120_000 }, async () => {
    const result = await waitFor(async () => {
      const rows = await query('sum by (cluster, namespace, severity, category) (ktriage_findings{namespace="shop", severity="error"})');
      return rows.length > 0 ? rows : undefined;
    }, 60_000, `findings in Prometheus (log: ${prometheusLog.slice(-500)})`);
    expect(result.map((row) => row.metric)).toContainEqual({ cluster: "test-a", namespace: "shop", severity: "error", category: expect.any(String) });
    expect(result.reduce((sum, row) => sum + Number(row.value[1]), 0)).toBeGreaterThanOrEqual(1);

    const up = await query('up{job="ktriage"}');
    expect(up.map((row) => row.value[1])).toEqual(["1"]);
    const leader = await query("ktriage_leader");
    expect(leader.map((row) => row.value[1])).toEqual(["1"]);
    const requests = await waitFor(async () => {
      const rows = await query('sum by (verb) (ktriage_api_requests_total{code="200"})');
      return rows.some((row) => row.metric.verb === "WATCH") ? rows : undefined;
    });
    expect(requests.map((row) => row.metric.verb)).toEqual(expect.arrayContaining(["LIST", "WATCH"]));
  });
});
