#!/usr/bin/env node
// Pod diagnosis benchmark. Prints two figures:
//
//   pod_10k_lines diagnose_ms_median=... diagnose_ms_p90=... (target <= 20 ms after load)
//   signature_pass mb=... mb_per_s=...                       (target >= 50 MB/s)
//
//   node bench/pod-diagnosis.mjs [--lines 10000] [--mb 64] [--runs 30]
//
// Node 20 cannot run TypeScript, so src/ is compiled once into node_modules/.cache/ktriage-pod-bench
// (again whenever a source file is newer than the build).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const LINES = option("--lines", 10_000);
const MB = option("--mb", 64);
const RUNS = option("--runs", 30);

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function compiled() {
  const out = join(root, "node_modules", ".cache", "ktriage-pod-bench");
  const marker = join(out, "rules", "pod", "index.js");
  if (!existsSync(marker) || statSync(marker).mtimeMs < newest(join(root, "src"))) {
    mkdirSync(out, { recursive: true });
    process.stderr.write("bench: compiling src/ ...\n");
    try {
      execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", join(root, "tsconfig.json"), "--outDir", out, "--declaration", "false"], { stdio: "pipe" });
    } catch {
      // Type errors elsewhere in the tree still emit JavaScript; only a missing output is fatal.
    }
    if (!existsSync(marker)) throw new Error("could not compile src/ for the benchmark");
  }
  return out;
}

const out = compiled();
const load = (path) => import(pathToFileURL(join(out, path)).href);
const { ViewBuilder } = await load("view/builder.js");
const { runRules } = await load("engine/engine.js");
const { allRules } = await load("rules/index.js");
const { podRules } = await load("rules/pod/index.js");
const { scanLogs } = await load("signatures/scan.js");

// A Spring service's log: request lines, DEBUG noise, a retried warning, stack traces, and the crash at the end.
const TEMPLATES = [
  (i) => `2025-06-02T10:${String(Math.floor(i / 600) % 60).padStart(2, "0")}:${String(Math.floor(i / 10) % 60).padStart(2, "0")}.${String(i % 1000).padStart(3, "0")}Z  INFO 1 --- [nio-8080-exec-${i % 10}] c.e.shop.web.OrderController : GET /api/orders/${10000 + i} 200 ${3 + (i % 40)}ms`,
  (i) => `2025-06-02T10:00:00.${String(i % 1000).padStart(3, "0")}Z DEBUG 1 --- [pool-2-thread-${i % 4}] o.h.SQL : select o1_0.id,o1_0.customer_id,o1_0.status from orders o1_0 where o1_0.id=?`,
  (i) => `2025-06-02T10:00:01.${String(i % 1000).padStart(3, "0")}Z  WARN 1 --- [main] o.s.b.a.jdbc.DataSourceHealthIndicator : slow health check ${i % 900}ms`,
  () => "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)",
  (i) => `{"level":"info","ts":1717323128.${i},"caller":"cache/warm.go:88","msg":"warmed cache shard","shard":${i % 64},"keys":${i * 7}}`,
];

function logLines(count) {
  const lines = [];
  for (let i = 0; i < count - 2; i++) lines.push(TEMPLATES[i % TEMPLATES.length](i));
  lines.push("2025-06-02T10:12:08.901Z ERROR 1 --- [main] o.s.boot.SpringApplication : Application run failed");
  lines.push("Terminating due to java.lang.OutOfMemoryError: Java heap space");
  return lines;
}

function buildView(lines) {
  const builder = new ViewBuilder();
  builder.addObject(
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "orders-7d9f8b6c5d-x2k9p", namespace: "shop", labels: { "pod-template-hash": "7d9f8b6c5d" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "orders-7d9f8b6c5d", controller: true }] },
      spec: { restartPolicy: "Always", containers: [{ name: "app", image: "registry.example.com/shop/orders:3.2.0", resources: { limits: { memory: "1Gi" } } }] },
      status: {
        phase: "Running",
        containerStatuses: [
          {
            name: "app",
            ready: false,
            restartCount: 6,
            state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s restarting failed container=app pod=orders-7d9f8b6c5d-x2k9p_shop(5b0c)" } },
            lastState: { terminated: { reason: "Error", exitCode: 3, startedAt: "2025-06-02T10:11:40Z", finishedAt: "2025-06-02T10:12:09Z" } },
          },
        ],
      },
    },
    { file: "pod.json", line: 1 },
  );
  builder.addLog({ namespace: "shop", pod: "orders-7d9f8b6c5d-x2k9p", container: "app", previous: true, origin: { file: "app.previous.log", line: 1 }, firstLine: 1, lines });
  return builder.build({ mode: "offline" });
}

/** CPU time of this thread in ms: the machine may be shared, and wall time then measures the neighbours. */
function cpuMs() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

// 1. One pod with LINES lines of previous log: time from a loaded view to ranked findings.
const lines = logLines(LINES);
const podTimes = [];
const allTimes = [];
const podCpu = [];
let top;
for (let run = 0; run < RUNS + 3; run++) {
  const view = buildView(lines);
  const cpuStart = cpuMs();
  const start = performance.now();
  const result = runRules(podRules, view, { scope: "diagnose" });
  const podMs = performance.now() - start;
  const podCpuMs = cpuMs() - cpuStart;
  const view2 = buildView(lines);
  const start2 = performance.now();
  runRules(allRules, view2, { scope: "diagnose" });
  const allMs = performance.now() - start2;
  if (run >= 3) {
    podTimes.push(podMs);
    podCpu.push(podCpuMs);
    allTimes.push(allMs);
  }
  top = result.findings[0];
}
console.log(`pod_${LINES}_lines pod_rules_cpu_ms_median=${percentile(podCpu, 0.5).toFixed(2)} pod_rules_ms_median=${percentile(podTimes, 0.5).toFixed(2)} pod_rules_ms_p90=${percentile(podTimes, 0.9).toFixed(2)} all_rules_ms_median=${percentile(allTimes, 0.5).toFixed(2)} all_rules_ms_p90=${percentile(allTimes, 0.9).toFixed(2)} top=${top?.rule}`);

// 2. The signature pass alone over MB megabytes of log text.
const big = [];
let bytes = 0;
for (let i = 0; bytes < MB * 1e6; i++) {
  const line = TEMPLATES[i % TEMPLATES.length](i);
  big.push(line);
  bytes += line.length + 1;
}
for (let i = 0; i < big.length; i += 5000) big[i] = "dial tcp 10.96.12.7:5432: connect: connection refused";
const stream = { namespace: "shop", pod: "p", container: "app", previous: true, origin: { file: "big.log" }, firstLine: 1, lines: big };
scanLogs([{ ...stream, lines: big.slice(0, 20000) }]);
const passes = [];
const cpuPasses = [];
let matches = 0;
for (let run = 0; run < 3; run++) {
  const cpuStart = cpuMs();
  const start = performance.now();
  matches = scanLogs([stream]).length;
  passes.push(performance.now() - start);
  cpuPasses.push(cpuMs() - cpuStart);
}
const best = Math.min(...passes);
const bestCpu = Math.min(...cpuPasses);
const [l1, l5] = (await import("node:os")).loadavg();
console.log(`signature_pass mb=${(bytes / 1e6).toFixed(1)} lines=${big.length} matches=${matches} cpu_ms=${bestCpu.toFixed(0)} cpu_mb_per_s=${(bytes / 1e6 / (bestCpu / 1000)).toFixed(0)} wall_ms=${best.toFixed(0)} wall_mb_per_s=${(bytes / 1e6 / (best / 1000)).toFixed(0)}`);
console.log(`machine load_avg_1m=${l1.toFixed(1)} load_avg_5m=${l5.toFixed(1)} cpus=${(await import("node:os")).cpus().length}`);
