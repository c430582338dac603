// What the watch-mode cluster tests share: a workload whose pod a test makes
// fail and recover by writing its status as the kubelet does, and
// `ktriage watch` run as users run it (the built CLI, a child process) with
// its JSON lines collected.
import { spawn, type ChildProcess } from "node:child_process";
import { createDeployment, createEvent, createNamespace, createNode, createPod, setContainerLogs, setPodStatus, waitForLog } from "../../scripts/control-plane/fixtures.mjs";
import type { Plane } from "./scenario.js";
import { cliPath, repoRoot } from "./support.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

export interface Workload {
  namespace: string;
  name: string;
  pod: { name: string; uid: string };
  image: string;
}

/** A Deployment -> ReplicaSet -> one running, ready pod. */
export async function createWorkload(plane: Plane, namespace: string, name: string, hash: string, options: { createNamespaceAndNode?: boolean } = {}): Promise<Workload> {
  if (options.createNamespaceAndNode !== false) {
    await createNamespace(plane, namespace, { "kubernetes.io/metadata.name": namespace });
    if ((await plane.request("GET", "/api/v1/nodes/kwok-node-1")).status === 404) await createNode(plane);
  }
  const image = `registry.example.com/${namespace}/${name}:v2.3.1`;
  const template = { containers: [{ name, image, ports: [{ containerPort: 8080, name: "http" }], resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } } }] };
  const { replicaSet } = await createDeployment(plane, namespace, name, { hash, podTemplate: template });
  const pod = await createPod(plane, namespace, `${name}-${hash}-qm4lz`, { spec: template, labels: { app: name, "pod-template-hash": hash }, owner: replicaSet });
  const workload = { namespace, name, pod: { name: pod.metadata.name, uid: pod.metadata.uid }, image };
  await setHealthy(plane, workload);
  return workload;
}

function conditions(ready: boolean, container: string) {
  const reason = ready ? {} : { reason: "ContainersNotReady", message: `containers with unready status: [${container}]` };
  return [
    { type: "PodReadyToStartContainers", status: "True", lastProbeTime: null, lastTransitionTime: ago(898) },
    { type: "Initialized", status: "True", lastProbeTime: null, lastTransitionTime: ago(899) },
    { type: "Ready", status: ready ? "True" : "False", lastProbeTime: null, lastTransitionTime: ago(5), ...reason },
    { type: "ContainersReady", status: ready ? "True" : "False", lastProbeTime: null, lastTransitionTime: ago(5), ...reason },
    { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: ago(900) },
  ];
}

/** Running and ready, as the kubelet reports a pod whose image finally pulled. */
export async function setHealthy(plane: Plane, workload: Workload): Promise<void> {
  await setPodStatus(plane, workload.namespace, workload.pod.name, {
    phase: "Running",
    conditions: conditions(true, workload.name),
    hostIP: "127.0.0.1",
    podIP: "10.244.0.13",
    startTime: ago(900),
    qosClass: "Burstable",
    containerStatuses: [
      {
        name: workload.name,
        image: workload.image,
        imageID: `${workload.image.split(":")[0]}@sha256:4f1c8a0e2b9d7c3f6a5e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a`,
        containerID: "containerd://9c1e5b7a2d4f6e8c0b3a5d7f9e1c3b5a7d9f1e3c5b9c1e5b7a2d4f6e8c0b3a5d",
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: ago(3) } },
        lastState: {},
      },
    ],
  });
}

/** The image tag does not exist: ImagePullBackOff. The kubelet's events of the failed pulls come first, then the status with the back-off. */
export async function setImagePullBackOff(plane: Plane, workload: Workload, options: { events?: boolean } = {}): Promise<void> {
  const { image } = workload;
  if (options.events !== false) {
    const pod = { metadata: { name: workload.pod.name, namespace: workload.namespace, uid: workload.pod.uid } };
    const fieldPath = `spec.containers{${workload.name}}`;
    const pullError = `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;
    await createEvent(plane, pod, { reason: "Failed", message: `Failed to pull image "${image}": ${pullError}`, count: 3, fieldPath, first: ago(60), last: ago(20) });
    await createEvent(plane, pod, { reason: "Failed", message: "Error: ImagePullBackOff", count: 4, fieldPath, first: ago(58), last: ago(2) });
  }
  await setPodStatus(plane, workload.namespace, workload.pod.name, {
    phase: "Pending",
    conditions: conditions(false, workload.name),
    hostIP: "127.0.0.1",
    podIP: "10.244.0.13",
    startTime: ago(900),
    qosClass: "Burstable",
    containerStatuses: [{ name: workload.name, image, imageID: "", ready: false, started: false, restartCount: 0, state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${image}"` } }, lastState: {} }],
  });
}

/** The Java heap outgrew the memory limit: OOMKilled (exit 137), restarted `restarts` times, now in CrashLoopBackOff; its previous log is served by kwok. */
/** When each crash happened: a status written again about the same crash carries the same times, as the kubelet's does. */
const crashTimes = new Map<string, { startedAt: string; finishedAt: string }>();

export async function setOomKilled(plane: Plane, workload: Workload, restarts: number, options: { writeLogs?: boolean } = {}): Promise<void> {
  const crashKey = `${workload.namespace}/${workload.pod.name}/${restarts}`;
  if (!crashTimes.has(crashKey)) crashTimes.set(crashKey, { startedAt: ago(95), finishedAt: ago(61 - restarts) });
  const crash = crashTimes.get(crashKey)!;
  if (options.writeLogs ?? restarts === 1) {
    await setContainerLogs(plane, workload.namespace, workload.pod.name, {
      [workload.name]: {
        previous: [
          "Picked up JAVA_TOOL_OPTIONS: -Xmx512m",
          "2025-06-02T09:14:10.020Z  INFO 1 --- [           main] c.e.shop.orders.OrdersApplication        : Started OrdersApplication in 5.321 seconds (process running for 5.9)",
          "2025-06-02T09:14:31.447Z  INFO 1 --- [nio-8080-exec-3] c.e.shop.orders.ReportService            : building monthly report for 48211 orders",
        ],
        current: [],
      },
    });
    await waitForLog(plane, workload.namespace, workload.pod.name, workload.name, true);
  }
  await setPodStatus(plane, workload.namespace, workload.pod.name, {
    phase: "Running",
    conditions: conditions(false, workload.name),
    hostIP: "127.0.0.1",
    podIP: "10.244.0.11",
    startTime: ago(900),
    qosClass: "Burstable",
    containerStatuses: [
      {
        name: workload.name,
        image: workload.image,
        imageID: `${workload.image.split(":")[0]}@sha256:4f1c8a0e2b9d7c3f6a5e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a`,
        containerID: "containerd://8d2f0c4b6a1e3d5f7b9c0e2a4d6f8b1c3e5a7d9f0b2c4e6a8d1f3b5c7e9a0d2f",
        ready: false,
        started: false,
        restartCount: restarts,
        state: { waiting: { reason: "CrashLoopBackOff", message: `back-off 2m40s restarting failed container=${workload.name} pod=${workload.pod.name}_${workload.namespace}(${workload.pod.uid})` } },
        lastState: { terminated: { exitCode: 137, reason: "OOMKilled", startedAt: crash.startedAt, finishedAt: crash.finishedAt, containerID: "containerd://8d2f0c4b6a1e3d5f7b9c0e2a4d6f8b1c3e5a7d9f0b2c4e6a8d1f3b5c7e9a0d2f" } },
      },
    ],
  });
}

export interface WatchProcess {
  child: ChildProcess;
  lines: Json[];
  stderr: () => string;
  /** Resolves with the first line (seen now or later) that matches. */
  waitForLine(match: (line: Json) => boolean, timeoutMs?: number): Promise<Json>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `ktriage watch ARGS` against the plane; lines are parsed as they come. */
export function startWatch(plane: Plane, args: string[], env: Record<string, string> = {}): WatchProcess {
  const child = spawn(process.execPath, [cliPath, "watch", "--kubeconfig", plane.kubeconfig, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: "1", KUBECONFIG: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: Json[] = [];
  let stderr = "";
  let pending = "";
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const text = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      lines.push(JSON.parse(text));
    }
    for (const wake of waiters) wake();
  });
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    stderr += chunk;
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.once("exit", () => {
    for (const wake of waiters) wake();
  });
  return {
    child,
    lines,
    stderr: () => stderr,
    waitForLine(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (found) {
            cleanup();
            resolve(found);
          } else if (child.exitCode !== null) {
            cleanup();
            reject(new Error(`ktriage watch exited (${child.exitCode}) before the line came:\n${stderr.slice(-2000)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no such line within ${timeoutMs / 1000} s; lines: ${JSON.stringify(lines.map((line) => [line.change, line.rule, line.name])).slice(0, 1500)}\nstderr: ${stderr.slice(-2000)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The watcher reports itself watching (the first diagnosis is out) on stderr. */
export function waitForWatching(watch: WatchProcess, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = () => {
      if (/watching https:/.test(watch.stderr())) return resolve();
      if (watch.child.exitCode !== null) return reject(new Error(`ktriage watch exited (${watch.child.exitCode}):\n${watch.stderr()}`));
      if (Date.now() > deadline) return reject(new Error(`ktriage watch did not start within ${timeoutMs / 1000} s:\n${watch.stderr()}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}

/** Polls until `check` returns something (not undefined). */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000, what = "the condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The watcher's Diagnosed events on a workload's pod, read through the core API as `kubectl describe` reads them. */
export async function diagnosedEvents(plane: Plane, workload: Workload): Promise<Json[]> {
  const selector = encodeURIComponent(`involvedObject.name=${workload.pod.name},reason=Diagnosed`);
  const response = await plane.request("GET", `/api/v1/namespaces/${workload.namespace}/events?fieldSelector=${selector}`);
  if (response.status !== 200) throw new Error(`listing events: ${response.status}`);
  return response.body.items ?? [];
}

/** Where `--listen 127.0.0.1:0` ended up (the watcher says so on stderr). */
export function listenAddress(watch: WatchProcess): string {
  const match = /serving \/metrics, \/healthz and \/readyz on (\S+):(\d+)/.exec(watch.stderr());
  if (!match) throw new Error(`no listen address in: ${watch.stderr()}`);
  return `${match[1]}:${match[2]}`;
}

/** Sum of the samples of one metric whose labels include `labels`, from the Prometheus text format. */
export async function metricValue(base: string, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => have[key] === value)) sum += Number(match[3]);
  }
  return sum;
}
