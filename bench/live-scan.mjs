#!/usr/bin/env node
// Live-mode benchmark against a real kube-apiserver (scripts/control-plane):
// creates PODS pods through the API on a kwok node (10 % failing, with kubelet
// statuses, events and previous logs), then times `ktriage scan -A` and
// `ktriage pod NAME` with the built CLI and prints requests, wall time and peak RSS.
//
//   npm run build && node bench/live-scan.mjs            # 5000 pods
//   PODS=10000 node bench/live-scan.mjs
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startControlPlane } from "../scripts/control-plane/cluster.mjs";
import { create, createNamespace, createNode, criLog, setPodStatus, NODE_NAME } from "../scripts/control-plane/fixtures.mjs";

const root = resolve(import.meta.dirname, "..");
const cli = join(root, "dist", "cli.js");
const POD_COUNT = Number(process.env.PODS ?? 5000);
const NAMESPACES = Number(process.env.NAMESPACES ?? 10);
const PODS_PER_DEPLOYMENT = 10;
if (!existsSync(cli)) {
  console.error("bench: build first (npm run build): dist/cli.js is missing");
  process.exit(2);
}

async function pool(items, concurrency, work) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

const ago = (seconds) => new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

function status(kind, pod) {
  const base = { hostIP: "127.0.0.1", podIP: `10.244.${pod.index >> 8 & 255}.${pod.index & 255}`, startTime: ago(3600), qosClass: "Burstable" };
  const image = `registry.example.com/bench/${pod.app}:1.0.${pod.deployment}`;
  const condition = (ready, name) => [
    { type: "Initialized", status: "True", lastTransitionTime: ago(3600) },
    { type: "Ready", status: ready ? "True" : "False", lastTransitionTime: ago(3500), ...(ready ? {} : { reason: "ContainersNotReady", message: `containers with unready status: [${name}]` }) },
    { type: "ContainersReady", status: ready ? "True" : "False", lastTransitionTime: ago(3500) },
    { type: "PodScheduled", status: "True", lastTransitionTime: ago(3600) },
  ];
  const container = { name: "app", image, imageID: "", ready: true, started: true, restartCount: 0, lastState: {} };
  switch (kind) {
    case "healthy":
      return { ...base, phase: "Running", conditions: condition(true), containerStatuses: [{ ...container, state: { running: { startedAt: ago(3590) } } }] };
    case "oom":
      return {
        ...base,
        phase: "Running",
        conditions: condition(false, "app"),
        containerStatuses: [
          {
            ...container,
            ready: false,
            started: false,
            restartCount: 9,
            state: { waiting: { reason: "CrashLoopBackOff", message: `back-off 5m0s restarting failed container=app pod=${pod.name}_${pod.namespace}(${pod.uid})` } },
            lastState: { terminated: { exitCode: 137, reason: "OOMKilled", startedAt: ago(400), finishedAt: ago(340), containerID: "containerd://0f3e" } },
          },
        ],
      };
    case "pull":
      return { ...base, phase: "Pending", conditions: condition(false, "app"), containerStatuses: [{ ...container, ready: false, started: false, state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${image}"` } } }] };
    case "config":
      return { ...base, phase: "Pending", conditions: condition(false, "app"), containerStatuses: [{ ...container, ready: false, started: false, state: { waiting: { reason: "CreateContainerConfigError", message: `couldn't find key passwrod in Secret ${pod.namespace}/db` } } }] };
  }
}

function kindOf(index) {
  if (index % 10 !== 0) return "healthy"; // 10 % failing
  return ["oom", "oom", "pull", "config"][(index / 10) % 4];
}

async function populate(plane) {
  await createNode(plane);
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `bench-${String(i).padStart(2, "0")}`);
  for (const ns of namespaces) {
    await createNamespace(plane, ns);
    await create(plane, `/api/v1/namespaces/${ns}/secrets`, { apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, data: { password: Buffer.from("bench").toString("base64") } });
  }
  // Previous logs of every crash-looping container, served by kwok.
  const logFile = join(plane.dir, "bench-previous.log");
  writeFileSync(logFile, criLog(["Starting worker pool with 64 threads", "loading product index into memory (2.1 GiB)"]));
  await create(plane, "/apis/kwok.x-k8s.io/v1alpha1/clusterlogs", {
    apiVersion: "kwok.x-k8s.io/v1alpha1",
    kind: "ClusterLogs",
    metadata: { name: "bench" },
    spec: { selector: { matchNamespaces: namespaces }, logs: [{ logsFile: logFile, previousLogsFile: logFile }] },
  });

  const pods = [];
  const perNamespace = Math.ceil(POD_COUNT / NAMESPACES);
  for (let index = 0; index < POD_COUNT; index++) {
    const namespace = namespaces[Math.floor(index / perNamespace)];
    const deployment = Math.floor((index % perNamespace) / PODS_PER_DEPLOYMENT);
    pods.push({ index, namespace, deployment, app: `svc-${deployment}`, name: `svc-${deployment}-6f7d8c9b5-${String(index).padStart(5, "0")}`, kind: kindOf(index) });
  }
  const owners = new Map();
  const deployments = [...new Set(pods.map((pod) => `${pod.namespace}/${pod.app}`))];
  await pool(deployments, 16, async (key) => {
    const [namespace, app] = key.split("/");
    const template = { containers: [{ name: "app", image: `registry.example.com/bench/${app}:1.0`, resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } }, env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "passwrod" } } }] }] };
    const labels = { app };
    const deployment = await create(plane, `/apis/apps/v1/namespaces/${namespace}/deployments`, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: app, labels }, spec: { replicas: PODS_PER_DEPLOYMENT, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: template } } });
    const replicaSet = await create(plane, `/apis/apps/v1/namespaces/${namespace}/replicasets`, {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: `${app}-6f7d8c9b5`, labels: { ...labels, "pod-template-hash": "6f7d8c9b5" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: app, uid: deployment.metadata.uid, controller: true }] },
      spec: { replicas: PODS_PER_DEPLOYMENT, selector: { matchLabels: { ...labels, "pod-template-hash": "6f7d8c9b5" } }, template: { metadata: { labels: { ...labels, "pod-template-hash": "6f7d8c9b5" } }, spec: template } },
    });
    owners.set(key, { replicaSet, template });
  });
  let done = 0;
  await pool(pods, 32, async (pod) => {
    const { replicaSet, template } = owners.get(`${pod.namespace}/${pod.app}`);
    const created = await create(plane, `/api/v1/namespaces/${pod.namespace}/pods`, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: pod.name, labels: { app: pod.app, "pod-template-hash": "6f7d8c9b5" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: replicaSet.metadata.name, uid: replicaSet.metadata.uid, controller: true }] },
      spec: { ...template, nodeName: NODE_NAME },
    });
    pod.uid = created.metadata.uid;
    await setPodStatus(plane, pod.namespace, pod.name, status(pod.kind, pod));
    if (pod.kind !== "healthy") {
      const message = {
        oom: [`Back-off restarting failed container app in pod ${pod.name}_${pod.namespace}(${pod.uid})`, "BackOff"],
        pull: [`Back-off pulling image "registry.example.com/bench/${pod.app}:1.0.${pod.deployment}"`, "BackOff"],
        config: [`Error: couldn't find key passwrod in Secret ${pod.namespace}/db`, "Failed"],
      }[pod.kind];
      await create(plane, `/api/v1/namespaces/${pod.namespace}/events`, {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name: `${pod.name}.${pod.index.toString(16)}` },
        involvedObject: { apiVersion: "v1", kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, fieldPath: "spec.containers{app}" },
        reason: message[1],
        message: message[0],
        type: "Warning",
        count: 12,
        firstTimestamp: ago(3000),
        lastTimestamp: ago(30),
        source: { component: "kubelet", host: NODE_NAME },
      });
    }
    if (++done % 1000 === 0) process.stderr.write(`bench: ${done}/${pods.length} pods\n`);
  });
  return pods;
}

/** Sum of apiserver_request_total for read verbs: what clients asked while nothing else reads. */
async function readRequests(plane) {
  const metrics = await plane.request("GET", "/metrics", undefined, { Accept: "text/plain" });
  let total = 0;
  let logs = 0;
  for (const line of metrics.text.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    // pods/log is counted as CONNECT; discovery (/apis) is a non-resource URL and not counted here.
    if (!/verb="(GET|LIST)"/.test(line) && !/subresource="log"/.test(line)) continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    total += value;
    if (/subresource="log"/.test(line)) logs += value;
  }
  return { total, logs };
}

/** Runs the CLI; wall time and peak RSS from GNU time when installed (apt install time), else wall time only. */
function timed(args, kubeconfig) {
  const command = [process.execPath, cli, ...args, "--kubeconfig", kubeconfig];
  const options = { encoding: "utf8", maxBuffer: 256 << 20, env: { ...process.env, NO_COLOR: "1" } };
  if (!existsSync("/usr/bin/time")) {
    const started = process.hrtime.bigint();
    const result = spawnSync(command[0], command.slice(1), options);
    return { status: result.status, wallSeconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssMb: Number.NaN, stdout: result.stdout, stderr: result.stderr };
  }
  const result = spawnSync("/usr/bin/time", ["-f", "%e %M", ...command], options);
  const timing = result.stderr.trim().split("\n").pop().split(" ");
  return { status: result.status, wallSeconds: Number(timing[0]), peakRssMb: Number(timing[1]) / 1024, stdout: result.stdout, stderr: result.stderr };
}

const plane = await startControlPlane();
try {
  const started = Date.now();
  const pods = await populate(plane);
  const failing = pods.filter((pod) => pod.kind !== "healthy");
  const crashLooping = pods.filter((pod) => pod.kind === "oom");
  process.stderr.write(`bench: created ${pods.length} pods (${failing.length} failing) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  // Reading /metrics may count itself: measure that with nothing in between, and take it off.
  const idle = await readRequests(plane);
  const overhead = (await readRequests(plane)).total - idle.total;
  const before = await readRequests(plane);
  const scan = timed(["scan", "-A", "-o", "json", "--fail-on", "none"], plane.kubeconfig);
  const after = await readRequests(plane);
  if (scan.status !== 0) throw new Error(`scan failed (${scan.status}): ${scan.stderr.slice(-2000)}`);
  const report = JSON.parse(scan.stdout);

  const target = crashLooping[0];
  const beforePod = await readRequests(plane);
  const pod = timed(["pod", target.name, "-n", target.namespace, "-o", "json", "--fail-on", "none"], plane.kubeconfig);
  const afterPod = await readRequests(plane);
  if (pod.status !== 0) throw new Error(`pod failed (${pod.status}): ${pod.stderr.slice(-2000)}`);

  // The same gathering through the library, for the client's own count of requests.
  const { gatherLive } = await import(join(root, "dist", "sources", "live", "index.js"));
  const { ViewBuilder } = await import(join(root, "dist", "view", "builder.js"));
  const library = await gatherLive(new ViewBuilder(), { kubeconfig: plane.kubeconfig, allNamespaces: true });
  const libraryPod = await gatherLive(new ViewBuilder(), { kubeconfig: plane.kubeconfig, namespace: target.namespace, pod: target.name });

  const figures = {
    cluster: { pods: pods.length, failing: failing.length, crashLoopingWithLogs: crashLooping.length, namespaces: NAMESPACES },
    scanAllNamespaces: {
      wallSeconds: scan.wallSeconds,
      peakRssMb: Math.round(scan.peakRssMb),
      apiRequests: after.total - before.total - overhead,
      logRequests: after.logs - before.logs,
      findings: report.findings.length,
      clientRequests: library.requests,
      gatherSecondsInProcess: Math.round(library.durationMs) / 1000,
      clientStats: library.stats,
    },
    podCommand: { pod: `${target.namespace}/${target.name}`, wallSeconds: pod.wallSeconds, peakRssMb: Math.round(pod.peakRssMb), apiRequests: afterPod.total - beforePod.total - overhead, clientRequests: libraryPod.requests, gatherSecondsInProcess: Math.round(libraryPod.durationMs) / 1000 },
  };
  console.log(JSON.stringify(figures, null, 2));
} finally {
  await plane.stop();
}
