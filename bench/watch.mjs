#!/usr/bin/env node
// Watch-mode benchmark against a real kube-apiserver + etcd + kwok (scripts/control-plane):
// creates PODS healthy pods (Deployments of 10 replicas over NAMESPACES namespaces) on a kwok
// node, starts `ktriage watch --events --listen` (the built CLI), and measures
//   - its resident memory once steady (from its own /metrics: ktriage_process_resident_memory_bytes),
//   - API requests per minute at rest (ktriage_api_requests_total over REST_S seconds),
//   - the time from a pod status change to its Diagnosed Event (SAMPLES pods failed one at a time;
//     the Event is seen through a watch; includes the 2 s a diagnosis holds before it is written),
//   - a burst: BURST pods fail at once; requests per minute during it, and the time until every
//     burst pod has its Event;
//   - the watcher's CPU time (user+sys, ktriage_process_cpu_seconds_total), which load does not inflate.
// Prints one line of figures; say the machine's load with them (uptime).
//
//   npm run build && node bench/watch.mjs                         # 10,000 pods
//   PODS=50000 NAMESPACES=100 node bench/watch.mjs
//   PODS=1000 BURST=100 SAMPLES=10 REST_S=20 node bench/watch.mjs  # a quick look
import { spawn } from "node:child_process";
import https from "node:https";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { startControlPlane } from "../scripts/control-plane/cluster.mjs";
import { create, createDeployment, createNamespace, createNode, setPodStatus, NODE_NAME } from "../scripts/control-plane/fixtures.mjs";

const root = resolve(import.meta.dirname, "..");
const cli = join(root, "dist", "cli.js");
const POD_COUNT = Number(process.env.PODS ?? 10_000);
const NAMESPACES = Number(process.env.NAMESPACES ?? Math.max(1, Math.round(POD_COUNT / 500)));
const BURST = Math.min(Number(process.env.BURST ?? 1000), POD_COUNT);
const SAMPLES = Number(process.env.SAMPLES ?? 30);
const REST_S = Number(process.env.REST_S ?? 60);
const PER_DEPLOYMENT = 10;
if (!existsSync(cli)) {
  console.error("bench: build first (npm run build): dist/cli.js is missing");
  process.exit(2);
}

const log = (message) => process.stderr.write(`[bench watch] ${message}\n`);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const ago = (seconds) => new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

async function pool(items, concurrency, work) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

function healthy(pod) {
  return {
    phase: "Running",
    hostIP: "127.0.0.1",
    podIP: `10.244.${(pod.index >> 8) & 255}.${pod.index & 255}`,
    startTime: ago(3600),
    qosClass: "Burstable",
    conditions: [
      { type: "Initialized", status: "True", lastTransitionTime: ago(3600) },
      { type: "Ready", status: "True", lastTransitionTime: ago(3500) },
      { type: "ContainersReady", status: "True", lastTransitionTime: ago(3500) },
      { type: "PodScheduled", status: "True", lastTransitionTime: ago(3600) },
    ],
    containerStatuses: [{ name: "app", image: pod.image, imageID: `${pod.image}@sha256:4f1c8a0e2b9d7c3f6a5e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a`, ready: true, started: true, restartCount: 0, state: { running: { startedAt: ago(3590) } }, lastState: {} }],
  };
}

function pullFailing(pod) {
  const status = healthy(pod);
  return {
    ...status,
    phase: "Pending",
    conditions: status.conditions.map((condition) => (condition.type === "Ready" || condition.type === "ContainersReady" ? { ...condition, status: "False", reason: "ContainersNotReady", message: "containers with unready status: [app]" } : condition)),
    containerStatuses: [{ ...status.containerStatuses[0], imageID: "", ready: false, started: false, state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${pod.image}"` } } }],
  };
}

async function populate(plane) {
  await createNode(plane);
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `bench-${String(i).padStart(3, "0")}`);
  for (const ns of namespaces) await createNamespace(plane, ns);
  const pods = [];
  const perNamespace = Math.ceil(POD_COUNT / NAMESPACES);
  for (let index = 0; index < POD_COUNT; index++) {
    const namespace = namespaces[Math.floor(index / perNamespace)];
    const deployment = Math.floor((index % perNamespace) / PER_DEPLOYMENT);
    const app = `svc-${deployment}`;
    pods.push({ index, namespace, app, name: `${app}-6f7d8c9b5-${String(index).padStart(5, "0")}`, image: `registry.example.com/bench/${app}:1.0.${deployment}` });
  }
  const owners = new Map();
  const deployments = [...new Set(pods.map((pod) => `${pod.namespace}/${pod.app}`))];
  await pool(deployments, 16, async (key) => {
    const [namespace, app] = key.split("/");
    const template = {
      containers: [{
        name: "app",
        image: `registry.example.com/bench/${app}:1.0`,
        ports: [{ containerPort: 8080, name: "http" }],
        readinessProbe: { httpGet: { path: "/ready", port: "http" } },
        livenessProbe: { httpGet: { path: "/live", port: "http" }, periodSeconds: 10, failureThreshold: 3 },
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
      }],
    };
    const { replicaSet } = await createDeployment(plane, namespace, app, { hash: "6f7d8c9b5", podTemplate: template, replicas: PER_DEPLOYMENT });
    owners.set(key, { replicaSet, template });
  });
  let done = 0;
  await pool(pods, 32, async (pod) => {
    const { replicaSet, template } = owners.get(`${pod.namespace}/${pod.app}`);
    const created = await create(plane, `/api/v1/namespaces/${pod.namespace}/pods`, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: pod.name, labels: { app: pod.app, "pod-template-hash": "6f7d8c9b5" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: replicaSet.metadata.name, uid: replicaSet.metadata.uid, controller: true }] },
      spec: { ...template, containers: [{ ...template.containers[0], image: pod.image }], nodeName: NODE_NAME },
    });
    pod.uid = created.metadata.uid;
    await setPodStatus(plane, pod.namespace, pod.name, healthy(pod));
    if (++done % 2000 === 0) log(`${done}/${POD_COUNT} pods`);
  });
  return pods;
}

/** Watches Diagnosed events through the API; calls back with (pod name, arrival time). */
function watchDiagnosed(plane, onEvent) {
  const url = new URL(`/api/v1/events?watch=true&fieldSelector=${encodeURIComponent("reason=Diagnosed")}`, plane.server);
  const request = https.request(url, { ca: plane.ca, headers: { Authorization: `Bearer ${plane.token}` } }, (response) => {
    let pending = "";
    response.setEncoding("utf8");
    response.on("data", (chunk) => {
      pending += chunk;
      let newline;
      while ((newline = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (!line) continue;
        const event = JSON.parse(line);
        if (event.type === "ADDED") onEvent(event.object.involvedObject?.name, Date.now());
      }
    });
  });
  request.on("error", () => undefined);
  request.end();
  return () => request.destroy();
}

async function metrics(base) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (name, filter = () => true) => {
    let sum = 0;
    for (const line of text.split("\n")) {
      const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
      if (match && match[1] === name && filter(match[2] ?? "")) sum += Number(match[3]);
    }
    return sum;
  };
  return { written: value("ktriage_events_written_total"), rss: value("ktriage_process_resident_memory_bytes"), cpu: value("ktriage_process_cpu_seconds_total"), requests: value("ktriage_api_requests_total"), watchRequests: value("ktriage_api_requests_total", (labels) => labels.includes('verb="WATCH"')) };
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

const plane = await startControlPlane();
let watcher;
let stopWatch = () => undefined;
try {
  let started = Date.now();
  const pods = await populate(plane);
  log(`${POD_COUNT} pods in ${NAMESPACES} namespaces created in ${((Date.now() - started) / 1000).toFixed(0)} s`);

  started = Date.now();
  watcher = spawn(process.execPath, [cli, "watch", "--kubeconfig", plane.kubeconfig, "--events", "--listen", "127.0.0.1:0", "-o", "none"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  watcher.stderr.on("data", (chunk) => (stderr += chunk));
  while (!/watching https:/.test(stderr)) {
    if (watcher.exitCode !== null) throw new Error(`ktriage watch exited: ${stderr}`);
    await sleep(100);
  }
  const firstDiagnosis = (Date.now() - started) / 1000;
  const base = `http://${/on (\S+:\d+)/.exec(stderr)[1]}`;
  log(`watching after ${firstDiagnosis.toFixed(1)} s`);

  const seen = new Map();
  const waiting = new Map();
  stopWatch = watchDiagnosed(plane, (name, at) => {
    if (!seen.has(name)) seen.set(name, at);
    waiting.get(name)?.(at);
  });

  // At rest: only the watches. First the Events of what the first diagnosis found are written.
  let written = -1;
  for (;;) {
    await sleep(5000);
    const now = (await metrics(base)).written;
    if (now === written) break;
    written = now;
  }
  const initialEvents = written;
  const restStart = await metrics(base);
  await sleep(REST_S * 1000);
  const restEnd = await metrics(base);
  const restPerMinute = ((restEnd.requests - restStart.requests) / REST_S) * 60;
  const steadyRss = restEnd.rss;

  // Change -> Event, one pod at a time.
  const latencies = [];
  for (const pod of pods.slice(0, SAMPLES)) {
    const arrived = new Promise((done) => waiting.set(pod.name, done));
    const changed = Date.now();
    await setPodStatus(plane, pod.namespace, pod.name, pullFailing(pod));
    const at = await Promise.race([arrived, sleep(60_000).then(() => undefined)]);
    waiting.delete(pod.name);
    if (at !== undefined) latencies.push(at - changed);
  }

  // A burst of failing pods.
  const burst = pods.slice(SAMPLES, SAMPLES + BURST);
  const burstStart = await metrics(base);
  const burstStarted = Date.now();
  await pool(burst, 32, (pod) => setPodStatus(plane, pod.namespace, pod.name, pullFailing(pod)));
  while (burst.some((pod) => !seen.has(pod.name)) && Date.now() - burstStarted < 600_000) await sleep(200);
  const burstDone = Date.now();
  const burstEnd = await metrics(base);
  const burstMinutes = (burstDone - burstStarted) / 60_000;
  const allSeen = burst.filter((pod) => seen.has(pod.name)).length;

  const figures = {
    pods: POD_COUNT,
    namespaces: NAMESPACES,
    first_diagnosis_s: Number(firstDiagnosis.toFixed(1)),
    events_of_first_diagnosis: initialEvents,
    cpu_s_to_first_diagnosis: Number(restStart.cpu.toFixed(1)),
    cpu_s_at_rest_per_min: Number((((restEnd.cpu - restStart.cpu) / REST_S) * 60).toFixed(2)),
    steady_rss_mb: Math.round(steadyRss / 1048576),
    requests_per_min_at_rest: Math.round(restPerMinute),
    change_to_event_ms_median: latencies.length ? quantile(latencies, 0.5) : null,
    change_to_event_ms_p99: latencies.length ? quantile(latencies, 0.99) : null,
    samples: `${latencies.length}/${SAMPLES}`,
    burst_pods: BURST,
    burst_events: allSeen,
    burst_all_events_s: Number(((burstDone - burstStarted) / 1000).toFixed(1)),
    requests_per_min_in_burst: Math.round((burstEnd.requests - burstStart.requests) / burstMinutes),
    cpu_s_in_burst: Number((burstEnd.cpu - burstStart.cpu).toFixed(1)),
    rss_after_burst_mb: Math.round(burstEnd.rss / 1048576),
  };
  console.log(Object.entries(figures).map(([key, value]) => `${key}=${value}`).join(" "));
} finally {
  stopWatch();
  watcher?.kill("SIGTERM");
  await plane.stop();
}
