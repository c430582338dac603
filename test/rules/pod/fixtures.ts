/**
 * Builders for Pod, workload and event objects shaped exactly as
 * `kubectl get -o json` prints them (Kubernetes 1.30-1.33). Messages come
 * from the kubelet and container runtime (../shared/reference/reasons.tsv).
 */

export const NOW = "2025-06-02T10:15:00Z";

type Json = Record<string, unknown>;

export interface ContainerInput {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ containerPort: number; name?: string }>;
  resources?: Json;
  env?: Json[];
  envFrom?: Json[];
  volumeMounts?: Json[];
  livenessProbe?: Json;
  readinessProbe?: Json;
  startupProbe?: Json;
  securityContext?: Json;
  restartPolicy?: string;
  /** containerStatuses entry (name is filled in). */
  status?: Json;
}

export interface PodInput {
  name?: string;
  namespace?: string;
  /** `Deployment/api` gives a ReplicaSet owner `api-7d9f8b6c5d` and the pod-template-hash label; `Job/x`, `StatefulSet/x`, `DaemonSet/x`. */
  owner?: string;
  hash?: string;
  containers: ContainerInput[];
  initContainers?: ContainerInput[];
  phase?: string;
  restartPolicy?: string;
  volumes?: Json[];
  podStatus?: Json;
  spec?: Json;
  created?: string;
}

function containerSpec(input: ContainerInput): Json {
  const { status: _status, ...spec } = input;
  return { name: input.name ?? "app", image: input.image ?? "registry.example.com/shop/api:1.4.2", ...spec, name_: undefined };
}

function clean(value: Json): Json {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === "name_" ? undefined : v))) as Json;
}

export function pod(input: PodInput): Json {
  const name = input.name ?? "api-7d9f8b6c5d-x2k9p";
  const namespace = input.namespace ?? "default";
  const metadata: Json = { name, namespace, uid: "5b0c6f0e-3c1f-4c8a-9a43-1d2e0f6a7b21", creationTimestamp: input.created ?? "2025-06-02T09:58:11Z", labels: { app: "api" } };
  if (input.owner) {
    const [kind, ownerName] = input.owner.split("/") as [string, string];
    if (kind === "Deployment") {
      const hash = input.hash ?? "7d9f8b6c5d";
      (metadata.labels as Json)["pod-template-hash"] = hash;
      metadata.ownerReferences = [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: `${ownerName}-${hash}`, uid: "0c1d2e3f-aaaa-bbbb-cccc-000000000001", controller: true, blockOwnerDeletion: true }];
    } else {
      metadata.ownerReferences = [{ apiVersion: kind === "Job" ? "batch/v1" : "apps/v1", kind, name: ownerName, uid: "0c1d2e3f-aaaa-bbbb-cccc-000000000002", controller: true, blockOwnerDeletion: true }];
      if (kind === "Job") (metadata.labels as Json)["job-name"] = ownerName;
    }
  }
  const statuses = (list: ContainerInput[]) => list.filter((c) => c.status).map((c) => ({ name: c.name ?? "app", image: c.image ?? "registry.example.com/shop/api:1.4.2", imageID: "", ready: false, restartCount: 0, started: false, ...c.status }));
  const status: Json = {
    phase: input.phase ?? "Running",
    startTime: "2025-06-02T09:58:11Z",
    conditions: [
      { type: "PodScheduled", status: "True", lastTransitionTime: "2025-06-02T09:58:11Z" },
    ],
    ...input.podStatus,
  };
  const containerStatuses = statuses(input.containers);
  if (containerStatuses.length) status.containerStatuses = containerStatuses;
  const initStatuses = statuses(input.initContainers ?? []);
  if (initStatuses.length) status.initContainerStatuses = initStatuses;
  const spec: Json = {
    containers: input.containers.map(containerSpec),
    restartPolicy: input.restartPolicy ?? (input.owner?.startsWith("Job/") ? "Never" : "Always"),
    serviceAccountName: "default",
    nodeName: "worker-2",
    ...(input.initContainers ? { initContainers: input.initContainers.map(containerSpec) } : {}),
    ...(input.volumes ? { volumes: input.volumes } : {}),
    ...input.spec,
  };
  return clean({ apiVersion: "v1", kind: "Pod", metadata, spec, status });
}

/** A Deployment whose template holds these containers. */
export function deployment(name: string, containers: ContainerInput[], extra: { namespace?: string; volumes?: Json[]; replicas?: number; spec?: Json } = {}): Json {
  return clean({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: extra.namespace ?? "default", uid: "9e8d7c6b-0000-1111-2222-333344445555", generation: 3 },
    spec: {
      replicas: extra.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: containers.map(containerSpec), ...(extra.volumes ? { volumes: extra.volumes } : {}), ...extra.spec } },
    },
  });
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** `lastState.terminated` + `state.waiting: CrashLoopBackOff`, as the kubelet reports a crash loop. */
export function crashLoop(terminated: { exitCode: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string }, restartCount = 5, backoff = "2m40s", name = "app", podName = "api-7d9f8b6c5d-x2k9p"): Json {
  return {
    state: { waiting: { reason: "CrashLoopBackOff", message: `back-off ${backoff} restarting failed container=${name} pod=${podName}_default(5b0c6f0e-3c1f-4c8a-9a43-1d2e0f6a7b21)` } },
    lastState: { terminated: { containerID: "containerd://4f1e9a", reason: terminated.reason ?? "Error", exitCode: terminated.exitCode, startedAt: terminated.startedAt ?? "2025-06-02T10:12:03Z", finishedAt: terminated.finishedAt ?? "2025-06-02T10:12:09Z", ...(terminated.message ? { message: terminated.message } : {}) } },
    ready: false,
    restartCount,
    started: false,
  };
}

export function running(startedAt = "2025-06-02T09:58:20Z", restartCount = 0, ready = true, lastState: Json = {}): Json {
  return { state: { running: { startedAt } }, lastState, ready, restartCount, started: true };
}

/** A core/v1 Event as `kubectl get events -o json` prints it. */
export function event(reason: string, message: string, opts: { type?: string; count?: number; first?: string; last?: string; kind?: string; name?: string; namespace?: string; fieldPath?: string; component?: string } = {}): Json {
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${opts.name ?? "api-7d9f8b6c5d-x2k9p"}.18a2f${Math.abs(hash(reason + message)).toString(16).slice(0, 8)}`, namespace: opts.namespace ?? "default" },
    involvedObject: { kind: opts.kind ?? "Pod", namespace: opts.namespace ?? "default", name: opts.name ?? "api-7d9f8b6c5d-x2k9p", ...(opts.fieldPath ? { fieldPath: opts.fieldPath } : {}) },
    reason,
    message,
    type: opts.type ?? "Warning",
    count: opts.count ?? 1,
    firstTimestamp: opts.first ?? "2025-06-02T10:01:00Z",
    lastTimestamp: opts.last ?? "2025-06-02T10:12:09Z",
    source: { component: opts.component ?? "kubelet", host: "worker-2" },
  };
}

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (h * 31 + char.charCodeAt(0)) | 0;
  return h;
}

export function list(...items: Json[]): string {
  return json({ apiVersion: "v1", kind: "List", items });
}
