import { UNNAMED_POD } from "../../../model/unnamed.js";
import type { EventRecord, LogStream } from "../../../model/inputs.js";
import type { KubeObject } from "../../../model/kube.js";
import { scanLogs, type LogMatch } from "../../../signatures/scan.js";
import type { ClusterView } from "../../../view/cluster-view.js";
import type { ContainerSpec, ContainerStatus, PodSpec, PodStatus } from "./pod-types.js";

/** One container of a pod with everything said about it: spec, status, its events, its logs and the signatures found in them. */
export interface ContainerContext {
  pod: PodContext;
  /** Empty when the inputs never name the container (a log file given alone). */
  name: string;
  init: boolean;
  /** An init container with restartPolicy Always (a native sidecar). */
  nativeSidecar: boolean;
  index: number;
  spec?: ContainerSpec;
  /** The spec under which the status was observed, when the view holds a changed spec (a fix being proven). */
  observedSpec?: ContainerSpec;
  status?: ContainerStatus;
  /** `status.containerStatuses[0]` */
  statusPath: string;
  specPath: Array<string | number>;
  events: EventRecord[];
  /** Previous instance first. */
  logs: LogStream[];
  matches: LogMatch[];
}

/** A pod as the inputs describe it; `object` is absent when only its events or logs were given. */
export interface PodContext {
  view: ClusterView;
  namespace?: string;
  name: string;
  object?: KubeObject;
  spec?: PodSpec;
  /** The pod spec under which the status was observed, when the view holds a changed spec (a fix being proven). */
  observedSpec?: PodSpec;
  status?: PodStatus;
  events: EventRecord[];
  containers: ContainerContext[];
}

const CONTAINER_IN_MESSAGE = [
  /restarting failed container[= ]"?([\w.-]+)/i,
  /^Container "?([\w.-]+)"? failed (?:liveness|startup|readiness) probe/i,
  /^(?:Created|Started|Stopping|Killing) container "?([\w.-]+)/i,
  /for Container "([\w.-]+)"/,
  /container[= ]"?([\w.-]+)"? (?:in pod|was using)/i,
  /failed to (?:start|create) container "([\w.-]+)"/,
];
const IMAGE_IN_MESSAGE = /(?:image|Image) "([^"]+)"/;

function containerNamedBy(event: EventRecord): { name?: string; image?: string } {
  const fieldPath = event.involved.fieldPath ?? "";
  const byField = /spec\.(?:initContainers|containers|ephemeralContainers)\{([^}]+)\}/.exec(fieldPath);
  if (byField) return { name: byField[1] };
  for (const pattern of CONTAINER_IN_MESSAGE) {
    const match = pattern.exec(event.message);
    if (match) return { name: match[1] };
  }
  const image = IMAGE_IN_MESSAGE.exec(event.message);
  return image ? { image: image[1] } : {};
}

function isHealthyStatus(status: ContainerStatus | undefined): boolean {
  return !!status?.state?.running && status.ready === true && (status.restartCount ?? 0) === 0;
}

function sameImage(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const strip = (image: string) => image.replace(/^docker\.io\/(?:library\/)?/, "");
  return strip(a) === strip(b);
}

function eventsOf(pod: PodContext, container: ContainerContext, all: ContainerContext[]): EventRecord[] {
  const out: EventRecord[] = [];
  for (const event of pod.events) {
    const named = containerNamedBy(event);
    if (named.name) {
      if (named.name === container.name) out.push(event);
      continue;
    }
    if (named.image) {
      const owners = all.filter((c) => sameImage(c.spec?.image ?? c.status?.image, named.image));
      if (owners.length > 0 ? owners.includes(container) : all.length === 1) out.push(event);
      continue;
    }
    if (all.length === 1) {
      out.push(event);
      continue;
    }
    // Unattributed (Unhealthy, "Error: ErrImagePull" ...): only containers that are not plainly healthy may own it.
    if (isHealthyStatus(container.status)) continue;
    const probeKind = /^(Liveness|Readiness|Startup) probe/i.exec(event.message)?.[1]?.toLowerCase();
    if (probeKind && container.spec && !container.spec[`${probeKind}Probe`]) continue;
    out.push(event);
  }
  return out;
}

const logsByPodCache = new WeakMap<ClusterView, Map<string, LogStream[]>>();

/** The view's log streams grouped by pod name (UNNAMED_POD when a stream names none), in the view's order. */
function logsByPod(view: ClusterView): Map<string, LogStream[]> {
  let byPod = logsByPodCache.get(view);
  if (!byPod) {
    byPod = new Map();
    for (const stream of view.logs) {
      const name = stream.pod ?? UNNAMED_POD;
      let list = byPod.get(name);
      if (!list) byPod.set(name, (list = []));
      list.push(stream);
    }
    logsByPodCache.set(view, byPod);
  }
  return byPod;
}

function logsOf(view: ClusterView, namespace: string | undefined, pod: string | undefined, container: string, onlyContainer: boolean): LogStream[] {
  const streams = (logsByPod(view).get(pod ?? UNNAMED_POD) ?? []).filter(
    (stream) =>
      (stream.pod ?? UNNAMED_POD) === (pod ?? UNNAMED_POD) &&
      (stream.namespace === undefined || namespace === undefined || stream.namespace === namespace) &&
      (stream.container === container || (onlyContainer && (stream.container === undefined || container === ""))),
  );
  return streams.sort((a, b) => Number(b.previous) - Number(a.previous));
}

function observedSpecOf(view: ClusterView, object: KubeObject): { observedSpec?: PodSpec } {
  const observed = view.loadedOf(object)?.observed;
  return observed ? { observedSpec: observed.spec as PodSpec | undefined } : {};
}

function buildContainers(view: ClusterView, pod: PodContext): void {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const specs: Array<{ spec?: ContainerSpec; init: boolean; index: number; name: string }> = [];
  (spec.initContainers ?? []).forEach((c, index) => specs.push({ spec: c, init: true, index, name: c.name }));
  (spec.containers ?? []).forEach((c, index) => specs.push({ spec: c, init: false, index, name: c.name }));
  // Statuses without a spec (describe text that lost it, partial JSON).
  for (const [list, init] of [
    [status.initContainerStatuses ?? [], true],
    [status.containerStatuses ?? [], false],
  ] as const) {
    for (const s of list) if (!specs.some((c) => c.name === s.name && c.init === init)) specs.push({ init, index: specs.filter((c) => c.init === init).length, name: s.name });
  }
  // Containers known only from events or logs.
  if (specs.length === 0) {
    const names = new Set<string>();
    for (const event of pod.events) {
      const named = containerNamedBy(event).name;
      if (named) names.add(named);
    }
    for (const stream of logsByPod(view).get(pod.name) ?? []) if (stream.container) names.add(stream.container);
    if (names.size === 0) names.add("");
    [...names].forEach((name, index) => specs.push({ init: false, index, name }));
  }
  // A log given without a container name belongs to the app container in trouble, or the first one.
  const apps = specs.filter((c) => !c.init);
  const statusOf = (name: string) => (status.containerStatuses ?? []).find((s) => s.name === name);
  const warned = new Set(pod.events.filter((event) => event.type === "Warning").map((event) => containerNamedBy(event).name));
  const troubled = apps.find((c) => !isHealthyStatus(statusOf(c.name)) && statusOf(c.name) !== undefined) ?? apps.find((c) => warned.has(c.name)) ?? apps[0];
  for (const entry of specs) {
    const statuses = entry.init ? status.initContainerStatuses ?? [] : status.containerStatuses ?? [];
    const statusIndex = statuses.findIndex((s) => s.name === entry.name);
    const listName = entry.init ? "initContainerStatuses" : "containerStatuses";
    const context: ContainerContext = {
      pod,
      name: entry.name,
      init: entry.init,
      nativeSidecar: entry.init && entry.spec?.restartPolicy === "Always",
      index: entry.index,
      spec: entry.spec,
      ...(pod.observedSpec ? { observedSpec: (entry.init ? pod.observedSpec.initContainers : pod.observedSpec.containers)?.find((c) => c.name === entry.name) } : {}),
      status: statusIndex >= 0 ? statuses[statusIndex] : undefined,
      statusPath: `status.${listName}[${statusIndex >= 0 ? statusIndex : entry.index}]`,
      specPath: ["spec", entry.init ? "initContainers" : "containers", entry.index],
      events: [],
      logs: logsOf(view, pod.namespace, pod.name, entry.name, !entry.init && entry === troubled),
      matches: [],
    };
    pod.containers.push(context);
  }
  for (const container of pod.containers) {
    container.events = eventsOf(pod, container, pod.containers);
    const message = terminationMessageStream(container);
    container.matches = scanLogs(message ? [...container.logs, message] : container.logs);
  }
}

/** Marks the pseudo log made of a container's termination message. */
export const TERMINATION_MESSAGE = "terminated.message";

/**
 * The termination message the runtime kept (the app's /dev/termination-log, or
 * its last log lines with terminationMessagePolicy: FallbackToLogsOnError) is
 * scanned like a log. Start errors are left out: their message is the runtime's.
 */
function terminationMessageStream(container: ContainerContext): LogStream | undefined {
  const status = container.status;
  const terminated = status?.state?.terminated ?? status?.lastState?.terminated;
  if (!terminated?.message || /^(StartError|ContainerCannotRun|ContainerStatusUnknown)$/.test(terminated.reason ?? "")) return undefined;
  const field = status?.state?.terminated ? "state" : "lastState";
  return { previous: true, origin: { file: `${container.statusPath}.${field}.${TERMINATION_MESSAGE}` }, firstLine: 1, lines: terminated.message.split(/\r?\n/) };
}

const cache = new WeakMap<ClusterView, PodContext[]>();

/**
 * Every pod the inputs speak of: Pod objects, and pods known only from their
 * events (`kubectl get events` text) or logs (a log file given alone).
 */
export function podContexts(view: ClusterView): PodContext[] {
  const cached = cache.get(view);
  if (cached) return cached;
  const pods: PodContext[] = [];
  const seen = new Set<string>();
  const key = (namespace: string | undefined, name: string) => `${namespace ?? ""}/${name}`;
  // `kubectl get events` without -A prints no namespace: such events belong to the pod of that name.
  const unnamespaced = new Map<string, EventRecord[]>();
  for (const event of view.events) {
    if (event.involved.kind !== "Pod" || event.involved.namespace !== undefined) continue;
    const list = unnamespaced.get(event.involved.name) ?? [];
    list.push(event);
    unnamespaced.set(event.involved.name, list);
  }
  const podNames = new Set(view.kind("Pod").map((pod) => pod.metadata.name ?? ""));
  for (const object of view.kind("Pod")) {
    const name = object.metadata.name ?? UNNAMED_POD;
    const pod: PodContext = {
      view,
      namespace: object.metadata.namespace,
      name,
      object,
      spec: object.spec as PodSpec | undefined,
      ...observedSpecOf(view, object),
      status: object.status as PodStatus | undefined,
      events: [...view.eventsFor("Pod", object.metadata.namespace, name), ...(object.metadata.namespace !== undefined ? unnamespaced.get(name) ?? [] : [])],
      containers: [],
    };
    seen.add(key(pod.namespace, name));
    pods.push(pod);
  }
  const orphans = new Map<string, PodContext>();
  for (const event of view.events) {
    if (event.involved.kind !== "Pod" || !event.involved.name) continue;
    if (event.involved.namespace === undefined && podNames.has(event.involved.name)) continue;
    const k = key(event.involved.namespace, event.involved.name);
    if (seen.has(k)) continue;
    let pod = orphans.get(k);
    if (!pod) orphans.set(k, (pod = { view, namespace: event.involved.namespace, name: event.involved.name, events: [], containers: [] }));
    pod.events.push(event);
  }
  // For a name without `/`, `k.endsWith(`/${name}`)` holds exactly when the part of k after its last `/` is the name.
  const seenNames = new Set([...seen].map((k) => k.slice(k.lastIndexOf("/") + 1)));
  const orphansByName = new Map<string, PodContext[]>();
  for (const orphan of orphans.values()) {
    const list = orphansByName.get(orphan.name) ?? [];
    list.push(orphan);
    orphansByName.set(orphan.name, list);
  }
  for (const stream of view.logs) {
    const name = stream.pod ?? UNNAMED_POD;
    // A stream's pod is a loaded pod when a Pod of that name exists in any namespace.
    if (seenNames.has(name) || (name.includes("/") && [...seen].some((k) => k.endsWith(`/${name}`)))) continue;
    const byName = (orphansByName.get(name) ?? []).find((p) => stream.namespace === undefined || p.namespace === undefined || p.namespace === stream.namespace);
    if (byName) continue;
    const k = key(stream.namespace, name);
    if (!orphans.has(k)) {
      const orphan: PodContext = { view, namespace: stream.namespace, name, events: [], containers: [] };
      orphans.set(k, orphan);
      const list = orphansByName.get(name) ?? [];
      list.push(orphan);
      orphansByName.set(name, list);
    }
  }
  pods.push(...orphans.values());
  for (const pod of pods) buildContainers(view, pod);
  cache.set(view, pods);
  return pods;
}
