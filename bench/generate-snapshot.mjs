#!/usr/bin/env node
// Writes a synthetic cluster snapshot in the ktriage snapshot layout (src/sources/snapshot-layout.ts):
// Deployments, ReplicaSets, Services, Secrets and pods spread over namespaces of ~100 pods, about
// 90% healthy and the rest failing the ways real clusters fail (OOMKilled, crash loops with previous
// logs, image pulls, config errors, liveness probes, Pending), ~5 events a pod, kubelet wording.
//
//   node bench/generate-snapshot.mjs --pods 10000 --out /tmp/ktriage-bench-10000 [--seed 1]
//
// Prints one JSON line: {"pods":..,"events":..,"logs":..,"bytes":..,"dir":..}.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { condition, containerStatus, kubeHash, podSpecFromTemplate, qosClass, state, templateSpec, uid } from "../examples/lab-generator/kube.mjs";

const USAGE = `Usage: node bench/generate-snapshot.mjs [--pods N] [--out DIR] [--seed N]

Writes a synthetic cluster snapshot (about 5 events a pod, 90% healthy pods) to DIR, replacing what
DIR held, and prints {"pods":..,"events":..,"logs":..,"bytes":..,"dir":..}.

  --pods N   pods to write (default 1000)
  --out DIR  the folder to write (default /tmp/ktriage-bench-<pods>)
  --seed N   seed of the generator (default 1): the same seed writes the same snapshot
`;
const args = parseArgs(process.argv.slice(2));
const POD_COUNT = Number(args.pods ?? 1000);
const OUT = args.out ?? `/tmp/ktriage-bench-${POD_COUNT}`;
const PODS_PER_NAMESPACE = 100;
const CAPTURED = "2025-06-02T10:45:00Z";
const CAPTURED_MS = Date.parse(CAPTURED);
const NODES = Array.from({ length: Math.max(3, Math.ceil(POD_COUNT / 100)) }, (_, i) => ({ name: `worker-${String(i).padStart(4, "0")}`, ip: `10.0.${Math.floor(i / 250)}.${(i % 250) + 2}`, prefix: `10.${64 + Math.floor(i / 256)}.${i % 256}` }));

const random = mulberry32(Number(args.seed ?? 1));
const pick = (items) => items[Math.floor(random() * items.length)];
const at = (secondsAgo) => new Date(CAPTURED_MS - secondsAgo * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

// Failure mix, per pod: ~90% healthy.
const KINDS = [
  ["healthy", 0.9],
  ["oom", 0.02],
  ["crash", 0.03],
  ["image-pull", 0.015],
  ["config", 0.015],
  ["probe", 0.01],
  ["pending", 0.01],
];
function podKind() {
  let r = random();
  for (const [kind, share] of KINDS) {
    if ((r -= share) < 0) return kind;
  }
  return "healthy";
}

const CRASH_LOGS = [
  [
    "Traceback (most recent call last):",
    '  File "/app/main.py", line 42, in <module>',
    "    settings = load_settings()",
    '  File "/app/settings.py", line 24, in load_settings',
    '    API_BASE_URL = os.environ["API_BASE_URL"]',
    '  File "/usr/local/lib/python3.12/os.py", line 714, in __getitem__',
    "    raise KeyError(key) from None",
    "KeyError: 'API_BASE_URL'",
  ],
  [
    "panic: runtime error: invalid memory address or nil pointer dereference",
    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1b5140d]",
    "",
    "goroutine 1 [running]:",
    "main.(*Server).routes(0x0)",
    "\t/src/cmd/server/routes.go:49 +0x18d",
    "main.main()",
    "\t/src/cmd/server/main.go:31 +0x2a5",
  ],
  [
    "node:internal/modules/cjs/loader:1228",
    "  throw err;",
    "  ^",
    "",
    "Error: Cannot find module '/app/dist/main.js'",
    "    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)",
    "    at Module._load (node:internal/modules/cjs/loader:1051:27)",
    "    at node:internal/main/run_main_module:28:49 {",
    "  code: 'MODULE_NOT_FOUND',",
    "  requireStack: []",
    "}",
    "",
    "Node.js v20.19.2",
  ],
  [
    'time="2025-06-02T10:41:07Z" level=fatal msg="Error creating server: listen tcp :8080: bind: address already in use"',
  ],
];
const APP_LOG = (name, i) => [
  `{"level":"info","time":"${at(3600)}","msg":"${name} starting","version":"1.${i % 9}.${i % 7}"}`,
  `{"level":"info","time":"${at(3598)}","msg":"listening on :8080"}`,
  `{"level":"info","time":"${at(60)}","msg":"GET /api/items 200 12ms"}`,
];

let totals = { pods: 0, events: 0, logs: 0, bytes: 0 };
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
put("ktriage-snapshot.json", JSON.stringify({ format: "ktriage-snapshot", version: 1, capturedAt: CAPTURED, context: "bench", namespaces: "all", tool: "bench/generate-snapshot.mjs" }, null, 2));
put(
  "cluster/nodes.json",
  kubeList(
    NODES.map((node) => ({
      apiVersion: "v1",
      kind: "Node",
      metadata: { creationTimestamp: "2025-05-01T00:00:00Z", labels: { "kubernetes.io/hostname": node.name, "kubernetes.io/os": "linux" }, name: node.name, resourceVersion: "100", uid: uid(`node/${node.name}`) },
      spec: { podCIDR: `${node.prefix}.0/24` },
      status: {
        addresses: [{ address: node.ip, type: "InternalIP" }],
        allocatable: { cpu: "16", memory: "64978540Ki", pods: "110" },
        capacity: { cpu: "16", memory: "65080940Ki", pods: "110" },
        conditions: [{ lastHeartbeatTime: at(30), lastTransitionTime: "2025-05-01T00:01:00Z", message: "kubelet is posting ready status", reason: "KubeletReady", status: "True", type: "Ready" }],
        nodeInfo: { containerRuntimeVersion: "containerd://2.0.2", kubeletVersion: "v1.32.2", operatingSystem: "linux", architecture: "amd64" },
      },
    })),
  ),
);

const namespaceCount = Math.ceil(POD_COUNT / PODS_PER_NAMESPACE);
const namespaces = [];
let podIndex = 0;
for (let n = 0; n < namespaceCount; n++) {
  const ns = `team-${String(n).padStart(4, "0")}`;
  namespaces.push(ns);
  writeNamespace(ns, Math.min(PODS_PER_NAMESPACE, POD_COUNT - podIndex));
  podIndex += PODS_PER_NAMESPACE;
}
put(
  "cluster/namespaces.json",
  kubeList(namespaces.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { creationTimestamp: "2025-05-01T00:00:00Z", labels: { "kubernetes.io/metadata.name": name }, name, resourceVersion: "101", uid: uid(`ns/${name}`) }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } }))),
);
console.log(JSON.stringify({ ...totals, dir: OUT }));

// ------------------------------------------------------------------ one namespace

function writeNamespace(ns, podsWanted) {
  const deployments = [];
  const replicaSets = [];
  const services = [];
  const pods = [];
  const events = [];
  let made = 0;
  let w = 0;
  while (made < podsWanted) {
    const replicas = Math.min(podsWanted - made, 1 + Math.floor(random() * 4));
    const name = `${pick(["api", "web", "worker", "orders", "billing", "search", "cart", "auth", "notify", "report"])}-${w++}`;
    const image = `registry.example.com/${ns}/${name}:1.${w % 12}.${w % 5}`;
    const created = at(86400 * (1 + Math.floor(random() * 20)));
    const template = {
      metadata: { creationTimestamp: null, labels: { app: name } },
      spec: templateSpec({
        containers: [
          {
            env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { key: "password", name: "app-secrets" } } }],
            image,
            livenessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 10 },
            name: "app",
            ports: [{ containerPort: 8080, name: "http" }],
            readinessProbe: { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 5 },
            resources: { limits: { memory: "512Mi" }, requests: { cpu: "100m", memory: "256Mi" } },
          },
        ],
      }),
    };
    const hash = kubeHash(`${ns}/${name}`, 10);
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { annotations: { "deployment.kubernetes.io/revision": "1" }, creationTimestamp: created, generation: 1, labels: { app: name }, name, namespace: ns, resourceVersion: "1200", uid: uid(`deploy/${ns}/${name}`) },
      spec: { progressDeadlineSeconds: 600, replicas, revisionHistoryLimit: 10, selector: { matchLabels: { app: name } }, strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" }, type: "RollingUpdate" }, template },
      status: {},
    };
    const rsName = `${name}-${hash}`;
    const rs = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        creationTimestamp: created,
        generation: 1,
        labels: { app: name, "pod-template-hash": hash },
        name: rsName,
        namespace: ns,
        ownerReferences: [{ apiVersion: "apps/v1", blockOwnerDeletion: true, controller: true, kind: "Deployment", name, uid: deployment.metadata.uid }],
        resourceVersion: "1201",
        uid: uid(`rs/${ns}/${rsName}`),
      },
      spec: { replicas, selector: { matchLabels: { app: name, "pod-template-hash": hash } }, template: { ...template, metadata: { ...template.metadata, labels: { app: name, "pod-template-hash": hash } } } },
      status: {},
    };
    let ready = 0;
    for (let r = 0; r < replicas; r++) {
      const kind = podKind();
      const pod = makePod(ns, rs, image, kind, events, `${rsName}-${kubeHash(`${rsName}/${r}`, 5)}`);
      if (kind === "healthy") ready++;
      pods.push(pod);
    }
    deployment.status = { availableReplicas: ready, observedGeneration: 1, readyReplicas: ready, replicas, updatedReplicas: replicas, conditions: [condition("Available", ready === replicas ? "True" : "False", created, ready === replicas ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable", ready === replicas ? "Deployment has minimum availability." : "Deployment does not have minimum availability.")] };
    rs.status = { availableReplicas: ready, fullyLabeledReplicas: replicas, observedGeneration: 1, readyReplicas: ready, replicas };
    deployments.push(deployment);
    replicaSets.push(rs);
    services.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { creationTimestamp: created, labels: { app: name }, name, namespace: ns, resourceVersion: "1202", uid: uid(`svc/${ns}/${name}`) },
      spec: { clusterIP: `10.96.${Math.floor(random() * 250)}.${Math.floor(random() * 250)}`, ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }], selector: { app: name }, type: "ClusterIP" },
      status: { loadBalancer: {} },
    });
    made += replicas;
  }
  const secrets = [{ apiVersion: "v1", data: { password: "", username: "" }, kind: "Secret", metadata: { creationTimestamp: "2025-05-01T00:00:00Z", name: "app-secrets", namespace: ns, resourceVersion: "1100", uid: uid(`secret/${ns}`) }, type: "Opaque" }];
  put(`namespaces/${ns}/deployments.json`, kubeList(deployments));
  put(`namespaces/${ns}/replicasets.json`, kubeList(replicaSets));
  put(`namespaces/${ns}/services.json`, kubeList(services));
  put(`namespaces/${ns}/secrets.json`, kubeList(secrets));
  put(`namespaces/${ns}/pods.json`, kubeList(pods));
  put(`namespaces/${ns}/events.json`, kubeList(events));
  totals.pods += pods.length;
  totals.events += events.length;
}

// ------------------------------------------------------------------ one pod

function makePod(ns, rs, image, kind, events, name) {
  const node = pick(NODES);
  const created = kind === "healthy" ? at(600 + Math.floor(random() * 3000)) : at(900 + Math.floor(random() * 2400));
  const spec = podSpecFromTemplate(rs.spec.template.spec, { podName: name, nodeName: kind === "pending" ? undefined : node.name });
  const container = spec.containers[0];
  const metadata = {
    creationTimestamp: created,
    generateName: `${rs.metadata.name}-`,
    labels: rs.spec.template.metadata.labels,
    name,
    namespace: ns,
    ownerReferences: [{ apiVersion: "apps/v1", blockOwnerDeletion: true, controller: true, kind: "ReplicaSet", name: rs.metadata.name, uid: rs.metadata.uid }],
    resourceVersion: String(2000 + totals.pods),
    uid: uid(`pod/${ns}/${name}`),
  };
  const pod = { apiVersion: "v1", kind: "Pod", metadata, spec };
  const started = addSeconds(created, 3);
  const ip = `${node.prefix}.${2 + Math.floor(random() * 250)}`;
  const event = (type, reason, message, count, first, last, scheduler = false) => {
    events.push(
      scheduler
        ? { action: "Binding", apiVersion: "v1", eventTime: first.replace("Z", ".000000Z"), firstTimestamp: null, involvedObject: { apiVersion: "v1", kind: "Pod", name, namespace: ns, uid: metadata.uid }, kind: "Event", lastTimestamp: null, message, metadata: { creationTimestamp: first, name: `${name}.${events.length.toString(16).padStart(16, "1")}`, namespace: ns, resourceVersion: "3000", uid: uid(`ev/${ns}/${name}/${reason}`) }, reason, reportingComponent: "default-scheduler", reportingInstance: "default-scheduler-control-plane", source: {}, type }
        : { apiVersion: "v1", count, eventTime: null, firstTimestamp: first, involvedObject: { apiVersion: "v1", fieldPath: "spec.containers{app}", kind: "Pod", name, namespace: ns, resourceVersion: metadata.resourceVersion, uid: metadata.uid }, kind: "Event", lastTimestamp: last, message, metadata: { creationTimestamp: first, name: `${name}.${(events.length + 7).toString(16).padStart(16, "1")}`, namespace: ns, resourceVersion: "3001", uid: uid(`ev/${ns}/${name}/${reason}/${message.length}`) }, reason, reportingComponent: "kubelet", reportingInstance: node.name, source: { component: "kubelet", host: node.name }, type },
    );
  };
  const conditions = (ready) => [
    condition("PodReadyToStartContainers", "True", addSeconds(created, 1)),
    condition("Initialized", "True", created),
    ready ? condition("Ready", "True", addSeconds(created, 6)) : condition("Ready", "False", created, "ContainersNotReady", "containers with unready status: [app]"),
    ready ? condition("ContainersReady", "True", addSeconds(created, 6)) : condition("ContainersReady", "False", created, "ContainersNotReady", "containers with unready status: [app]"),
    condition("PodScheduled", "True", created),
  ];
  const base = (ready, statusInput) => ({
    conditions: conditions(ready),
    containerStatuses: [containerStatus({ pod: name, container, ...statusInput })],
    hostIP: node.ip,
    hostIPs: [{ ip: node.ip }],
    phase: "Running",
    podIP: ip,
    podIPs: [{ ip }],
    qosClass: qosClass(spec.containers),
    startTime: created,
  });
  if (kind !== "pending") event("Normal", "Scheduled", `Successfully assigned ${ns}/${name} to ${node.name}`, 1, created, created, true);
  const backOff = `back-off 5m0s restarting failed container=app pod=${name}_${ns}(${metadata.uid})`;
  const restarts = 3 + Math.floor(random() * 8);
  switch (kind) {
    case "healthy": {
      pod.status = base(true, { current: state.running(started), ready: true, started: true });
      event("Normal", "Pulling", `Pulling image "${image}"`, 1, addSeconds(created, 1), addSeconds(created, 1));
      event("Normal", "Pulled", `Successfully pulled image "${image}" in 1.482s (1.482s including waiting). Image size: 48211937 bytes.`, 1, addSeconds(created, 2), addSeconds(created, 2));
      event("Normal", "Created", "Created container app", 1, started, started);
      event("Normal", "Started", "Started container app", 1, started, started);
      if (random() < 0.15) log(ns, name, APP_LOG(name, totals.pods), false);
      break;
    }
    case "oom":
    case "crash": {
      const oom = kind === "oom";
      pod.status = base(false, {
        current: state.waiting("CrashLoopBackOff", backOff),
        last: state.terminated({ reason: oom ? "OOMKilled" : "Error", exitCode: oom ? 137 : pick([1, 2, 1]), startedAt: at(95), finishedAt: at(80) }),
        restartCount: restarts,
      });
      if (oom) pod.spec.containers[0].resources = { limits: { memory: "256Mi" }, requests: { memory: "128Mi" } };
      event("Normal", "Pulled", `Container image "${image}" already present on machine`, restarts, addSeconds(created, 2), at(95));
      event("Normal", "Created", "Created container app", restarts + 1, addSeconds(created, 2), at(95));
      event("Normal", "Started", "Started container app", restarts + 1, started, at(95));
      event("Warning", "BackOff", `Back-off restarting failed container app in pod ${name}_${ns}(${metadata.uid})`, restarts * 6, addSeconds(created, 20), at(4));
      log(ns, name, oom ? [`${at(95)} INFO loading 1843210 rows`, `${at(85)} INFO loaded 1200000 rows`] : pick(CRASH_LOGS), true);
      break;
    }
    case "image-pull": {
      const bad = image.replace(/:[^:]+$/, ":does-not-exist");
      pod.spec.containers[0].image = bad;
      const notFound = `rpc error: code = NotFound desc = failed to pull and unpack image "${bad}": failed to resolve reference "${bad}": ${bad}: not found`;
      pod.status = base(false, { current: state.waiting("ImagePullBackOff", `Back-off pulling image "${bad}"`), pulled: false });
      event("Normal", "Pulling", `Pulling image "${bad}"`, 6, addSeconds(created, 1), at(200));
      event("Warning", "Failed", `Failed to pull image "${bad}": ${notFound}`, 6, addSeconds(created, 2), at(199));
      event("Warning", "Failed", "Error: ErrImagePull", 6, addSeconds(created, 2), at(199));
      event("Normal", "BackOff", `Back-off pulling image "${bad}"`, 60, addSeconds(created, 3), at(5));
      event("Warning", "Failed", "Error: ImagePullBackOff", 60, addSeconds(created, 3), at(5));
      break;
    }
    case "config": {
      pod.spec.containers[0].env = [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { key: "passwrod", name: "app-secrets" } } }];
      pod.status = base(false, { current: state.waiting("CreateContainerConfigError", `couldn't find key passwrod in Secret ${ns}/app-secrets`) });
      event("Normal", "Pulled", `Container image "${image}" already present on machine`, 40, addSeconds(created, 2), at(6));
      event("Warning", "Failed", `Error: couldn't find key passwrod in Secret ${ns}/app-secrets`, 40, addSeconds(created, 2), at(6));
      event("Normal", "Pulling", `Pulling image "${image}"`, 1, addSeconds(created, 1), addSeconds(created, 1));
      event("Normal", "Pulled", `Successfully pulled image "${image}" in 2.03s (2.03s including waiting). Image size: 48211937 bytes.`, 1, addSeconds(created, 2), addSeconds(created, 2));
      break;
    }
    case "probe": {
      pod.status = base(false, {
        current: state.waiting("CrashLoopBackOff", backOff),
        last: state.terminated({ reason: "Error", exitCode: 143, startedAt: at(120), finishedAt: at(104) }),
        restartCount: restarts,
      });
      event("Warning", "Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 404", restarts * 3, addSeconds(created, 13), at(106));
      event("Normal", "Killing", "Container app failed liveness probe, will be restarted", restarts, addSeconds(created, 33), at(105));
      event("Normal", "Created", "Created container app", restarts + 1, addSeconds(created, 2), at(120));
      event("Normal", "Started", "Started container app", restarts + 1, started, at(120));
      event("Warning", "BackOff", `Back-off restarting failed container app in pod ${name}_${ns}(${metadata.uid})`, restarts * 4, addSeconds(created, 40), at(3));
      break;
    }
    case "pending": {
      const message = "0/100 nodes are available: 100 Insufficient memory. preemption: 0/100 nodes are available: 100 No preemption victims found for incoming pod.";
      pod.spec.containers[0].resources = { limits: { memory: "96Gi" }, requests: { cpu: "1", memory: "96Gi" } };
      pod.status = { conditions: [condition("PodScheduled", "False", created, "Unschedulable", message)], phase: "Pending", qosClass: "Burstable" };
      events.push({ action: "Scheduling", apiVersion: "v1", eventTime: created.replace("Z", ".000000Z"), firstTimestamp: null, involvedObject: { apiVersion: "v1", kind: "Pod", name, namespace: ns, uid: metadata.uid }, kind: "Event", lastTimestamp: null, message, metadata: { creationTimestamp: created, name: `${name}.${events.length.toString(16).padStart(16, "2")}`, namespace: ns, resourceVersion: "3002", uid: uid(`ev/${ns}/${name}/fs`) }, reason: "FailedScheduling", reportingComponent: "default-scheduler", reportingInstance: "default-scheduler-control-plane", series: { count: 5, lastObservedTime: at(30).replace("Z", ".000000Z") }, source: {}, type: "Warning" });
      for (let i = 0; i < 4; i++) event("Normal", "TriggeredScaleUp", `pod triggered scale-up: [{pool-highmem 0->1 (max: 3)}]`, 1, addSeconds(created, 10 + i), addSeconds(created, 10 + i));
      break;
    }
  }
  return pod;
}

// ------------------------------------------------------------------ output helpers

function log(ns, pod, lines, previous) {
  put(`logs/${ns}/${pod}/app${previous ? ".previous" : ""}.log`, `${lines.join("\n")}\n`);
  totals.logs++;
}

function kubeList(items) {
  return `${JSON.stringify({ apiVersion: "v1", items, kind: "List", metadata: { resourceVersion: "" } }, null, 4)}\n`;
}

function put(path, text) {
  const full = join(OUT, path);
  mkdirSync(join(full, ".."), { recursive: true });
  writeFileSync(full, text);
  totals.bytes += Buffer.byteLength(text);
}

function addSeconds(iso, seconds) {
  return new Date(Date.parse(iso) + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** --pods, --out and --seed with their values; --help prints the usage, anything else is refused before a file is written. */
function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    if (!name || !["pods", "out", "seed"].includes(name)) usageError(`unknown argument ${arg}`);
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) usageError(`${arg} needs a value`);
    if (name !== "out" && !(Number.isInteger(Number(value)) && Number(value) >= 0)) usageError(`${arg} needs a whole number, not ${value}`);
    out[name] = value;
  }
  return out;
}

function usageError(message) {
  process.stderr.write(`generate-snapshot: ${message}\n\n${USAGE}`);
  process.exit(2);
}
