import { setMaxListeners } from "node:events";
import type { RunOptions } from "../engine/engine.js";
import type { Rule } from "../contract/rule.js";
import type { KubeObject } from "../model/kube.js";
import { LOG_LIMIT_BYTES, LOG_TAIL_LINES } from "../sources/live/gatherer.js";
import type { ResolvedKubeConfig } from "../sources/live/kubeconfig.js";
import { isFailing, logsToRead } from "../sources/live/pod-health.js";
import {
  CONFIGMAPS,
  EVENTS,
  ISTIO_KINDS,
  MUTATING_WEBHOOKS,
  NAMESPACES,
  NETWORK_POLICIES,
  NODES,
  objectPath,
  PODS,
  PVCS,
  SECRETS,
  SERVICE_ACCOUNTS,
  SERVICES,
  WORKLOAD_TYPES,
  type ResourceType,
} from "../sources/live/resources.js";
import { WatchApi } from "./api.js";
import { Diagnoser, LogCache, type FindingChange } from "./diagnoser.js";
import { Reflector, type ChangeType } from "./reflector.js";
import { DEFAULT_EVENT_LIMITS, ObjectStore, subjectOf, type EventLimits, type SubjectKey } from "./store.js";

export interface PublishContext {
  leader: boolean;
  current: () => FindingChange[];
  /** The first diagnosis after start: what it finds was there before (an Event for it may exist already). */
  initial?: boolean;
}

/** Where diagnoses go: JSON lines, Kubernetes Events, metrics. Only the leader's outputs publish. */
export interface Output {
  publish(changes: FindingChange[], context: PublishContext): Promise<void> | void;
  /** This replica became the leader (it publishes from now on) or stopped being it. */
  leadership?(leader: boolean, current: FindingChange[]): Promise<void> | void;
}

export interface WatchStats {
  objects: number;
  events: number;
  logs: number;
  findings: number;
  diagnoses: number;
  requests: number;
}

export interface WatcherOptions {
  kube: ResolvedKubeConfig;
  rules: readonly Rule[];
  selection?: Pick<RunOptions, "only" | "enable" | "suppress">;
  /** Watch one namespace only (its namespaced kinds); all namespaces when undefined. */
  namespace?: string;
  outputs: Output[];
  /** Coalescing: a burst of changes is diagnosed once, this long after its first change at most. */
  coalesceMs?: number;
  /** How long a diagnosis waits for the logs of a pod that just failed. */
  logWaitMs?: number;
  eventLimits?: EventLimits;
  /** Server-side timeout of each watch request (seconds); random 5-10 min by default. */
  watchSeconds?: number;
  /** Called for each watch restart (reason "expired" after 410 Gone), each API request, each diagnosis. */
  onRestart?: (resource: ResourceType, reason: string) => void;
  onRequest?: (verb: string, code: string) => void;
  /** Called for each container log read: "read" (200), "none" (the API had no such log), "failed". */
  onLogRead?: (previous: boolean, outcome: "read" | "none" | "failed") => void;
  onDiagnosis?: (namespace: string, changes: FindingChange[], latencyMs: number[]) => void;
  log?: (message: string) => void;
  /** Whether this replica publishes (leader election decides; true without it). */
  isLeader?: () => boolean;
}

interface Dirty {
  subjects: Set<SubjectKey> | "all";
  /** When the changes behind it arrived (for change-to-diagnosis time). */
  since: number[];
}

/**
 * `ktriage watch`: list once, then watch every kind the rules read; keep an
 * in-memory store up to date; on each change, re-diagnose what it touches
 * (after a short coalescing delay) and hand new, changed and resolved
 * findings to the outputs. Logs are read only for containers that just
 * failed. Nothing here writes to the cluster: the outputs do, when asked to.
 */
export class Watcher {
  readonly api: WatchApi;
  readonly store: ObjectStore;
  private readonly logs = new LogCache();
  private readonly diagnoser: Diagnoser;
  private readonly reflectors: Reflector[] = [];
  private readonly dirty = new Map<string, Dirty>();
  private readonly pendingLogs = new Map<string, number>();
  /** Log reads under way, by pod, container, previous and instance: a second update about the same crash waits for the first read. */
  private readonly logsInFlight = new Set<string>();
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private firstDirtyAt = 0;
  private flushing: Promise<void> = Promise.resolve();
  private istio: ResourceType[] = [];
  private readyFlag = false;
  private lastLeader = false;
  private pruneTimer: NodeJS.Timeout | undefined;
  requests = 0;

  constructor(private readonly options: WatcherOptions) {
    this.api = new WatchApi(options.kube);
    this.api.onRequest = (verb, code) => {
      this.requests++;
      options.onRequest?.(verb, code);
    };
    // One abort listener per watched kind.
    setMaxListeners(0, this.controller.signal);
    this.store = new ObjectStore(options.eventLimits ?? DEFAULT_EVENT_LIMITS);
    this.diagnoser = new Diagnoser(this.store, this.logs, options.rules, options.selection);
  }

  /** True once every kind is listed and the first diagnosis is done. */
  get ready(): boolean {
    return this.readyFlag;
  }

  get stats(): WatchStats {
    return { objects: this.store.objectCount(), events: this.store.events, logs: this.logs.size, findings: this.diagnoser.findings.length, diagnoses: this.diagnoser.runs, requests: this.requests };
  }

  /** Every finding held now, as "new" changes (what a replica that just became leader publishes). */
  current(): FindingChange[] {
    return this.diagnoser.current();
  }

  /** Starts the watches; resolves once the first diagnosis of everything is published. */
  async start(): Promise<void> {
    this.istio = await this.discoverIstio();
    const types = this.resourceTypes();
    const synced = new Set<ResourceType>();
    let allSynced!: () => void;
    const listed = new Promise<void>((resolve) => (allSynced = resolve));
    for (const resource of types) {
      const namespaced = resource.namespaced && this.options.namespace !== undefined;
      const reflector = new Reflector(
        this.api,
        resource,
        {
          change: (type, object) => this.onChange(type, object),
          synced: (type) => {
            synced.add(type);
            if (synced.size === types.length) allSynced();
          },
          restarted: (type, reason, message) => {
            this.options.onRestart?.(type, reason);
            if (reason !== "closed") this.options.log?.(`the watch of ${type.resource} ${reason === "expired" ? "was too old (410 Gone, resourceVersion expired): listing again" : `restarts (${message ?? reason})`}`);
          },
          problem: (type, message) => {
            this.options.log?.(`${type.resource} not watched: ${message}`);
            synced.add(type);
            if (synced.size === types.length) allSynced();
          },
        },
        this.controller.signal,
        { ...(namespaced ? { namespace: this.options.namespace } : {}), ...(this.options.watchSeconds ? { watchSeconds: this.options.watchSeconds } : {}) },
      );
      this.reflectors.push(reflector);
      void reflector.run();
    }
    await listed;
    await this.waitForLogs();
    // The first diagnosis: every namespace, every finding is new.
    this.dirty.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
    const changes: FindingChange[] = [];
    for (const namespace of this.namespacesToDiagnose()) changes.push(...this.diagnoser.diagnose(namespace, "all"));
    this.lastLeader = this.leader();
    await this.publish(changes, true);
    this.readyFlag = true;
    if (this.dirty.size > 0) this.schedule();
    this.pruneTimer = setInterval(() => this.store.pruneEvents(Date.now()), 60_000);
    this.pruneTimer.unref();
  }

  /** Re-checks leadership: a replica that just became leader hands its current findings to the outputs. */
  async leadershipChanged(): Promise<void> {
    const leader = this.leader();
    if (leader === this.lastLeader) return;
    this.lastLeader = leader;
    for (const output of this.options.outputs) await output.leadership?.(leader, this.diagnoser.current());
  }

  async stop(): Promise<void> {
    this.controller.abort();
    clearTimeout(this.timer);
    clearInterval(this.pruneTimer);
    await this.flushing;
    this.api.close();
  }

  /** Waits until the changes seen so far are diagnosed and published (tests and the bench). */
  async settled(): Promise<void> {
    while (this.dirty.size > 0 || this.timer) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await this.flushing;
  }

  private leader(): boolean {
    return this.options.isLeader?.() ?? true;
  }

  private resourceTypes(): ResourceType[] {
    const namespaced = [PODS, EVENTS, SERVICES, CONFIGMAPS, SECRETS, SERVICE_ACCOUNTS, PVCS, NETWORK_POLICIES, ...WORKLOAD_TYPES, ...this.istio];
    const clusterScoped = [NODES, NAMESPACES, ...(this.istio.length > 0 ? [MUTATING_WEBHOOKS] : [])];
    return [...namespaced, ...clusterScoped];
  }

  private namespacesToDiagnose(): string[] {
    if (this.options.namespace) return [this.options.namespace];
    return this.store.namespaces();
  }

  private onChange(type: ChangeType, object: KubeObject): void {
    const namespace = object.metadata.namespace;
    if (this.options.namespace && namespace !== undefined && namespace !== this.options.namespace) return;
    const previous = this.store.apply(type, object);
    if (object.kind === "Event") {
      if (type === "deleted" || this.store.published.has(object.metadata.name ?? "")) return;
      const subjects = this.store.eventSubjects(object);
      const target = object.involvedObject?.namespace ?? namespace;
      if (target) this.markDirty(target, new Set(subjects));
      return;
    }
    if (object.kind === "Pod") this.notePod(type, object);
    if (object.kind === "Namespace") {
      const name = object.metadata.name ?? "";
      if (type === "deleted") void this.publish(this.diagnoser.dropNamespace(name));
      else this.markDirty(name, "all");
      return;
    }
    const touched = this.store.touchedBy(object, previous);
    if (touched === "cluster") for (const each of this.namespacesToDiagnose()) this.markDirty(each, "all");
    else if (touched === "namespace") {
      if (namespace) this.markDirty(namespace, "all");
    } else if (namespace) this.markDirty(namespace, new Set(touched));
    else {
      // A Node: the pods on it, in their namespaces.
      const byNamespace = new Map<string, Set<SubjectKey>>();
      for (const subject of touched) {
        const [, ns] = subject.split("/");
        if (!ns) continue;
        let set = byNamespace.get(ns);
        if (!set) byNamespace.set(ns, (set = new Set()));
        set.add(subject);
      }
      for (const [ns, subjects] of byNamespace) this.markDirty(ns, subjects);
    }
  }

  /** A pod that just failed: read the logs of the container instances not read yet. A pod that recovered or went away: drop its logs. */
  private notePod(type: ChangeType, pod: KubeObject): void {
    const namespace = pod.metadata.namespace ?? "";
    const name = pod.metadata.name ?? "";
    if (type === "deleted" || !isFailing(pod)) {
      this.logs.drop(namespace, name);
      return;
    }
    for (const request of logsToRead(pod)) {
      const instance = instanceOf(pod, request.container, request.previous);
      if (this.logs.has(namespace, name, request.container, request.previous, instance)) continue;
      const reading = JSON.stringify([namespace, name, request.container, request.previous, instance]);
      if (this.logsInFlight.has(reading)) continue;
      this.logsInFlight.add(reading);
      const key = `${namespace}/${name}`;
      this.pendingLogs.set(key, (this.pendingLogs.get(key) ?? 0) + 1);
      void this.readLog(namespace, name, request.container, request.previous, instance).finally(() => {
        this.logsInFlight.delete(reading);
        const left = (this.pendingLogs.get(key) ?? 1) - 1;
        if (left <= 0) this.pendingLogs.delete(key);
        else this.pendingLogs.set(key, left);
        this.markDirty(namespace, new Set([subjectOf(pod), ...this.store.ownerChain(pod).map(subjectOf)]));
      });
    }
  }

  private async readLog(namespace: string, pod: string, container: string, previous: boolean, instance: string): Promise<void> {
    const path = `${objectPath(PODS, namespace, pod)}/log`;
    const query = { container, previous: previous ? "true" : undefined, tailLines: LOG_TAIL_LINES, limitBytes: LOG_LIMIT_BYTES };
    try {
      const response = await this.api.request<string>("GET", path, { query, accept: "*/*" }, 2);
      if (response.status === 200) {
        const call = `GET ${path}?container=${encodeURIComponent(container)}${previous ? "&previous=true" : ""}&tailLines=${LOG_TAIL_LINES}&limitBytes=${LOG_LIMIT_BYTES}`;
        this.logs.put({ namespace, pod, container, previous, call, text: typeof response.body === "string" ? response.body : JSON.stringify(response.body) }, instance);
        this.options.onLogRead?.(previous, "read");
      } else {
        this.logs.markRead(namespace, pod, container, previous, instance);
        this.options.onLogRead?.(previous, "none");
      }
    } catch (error) {
      this.options.onLogRead?.(previous, "failed");
      this.options.log?.(`log of ${namespace}/${pod}/${container}${previous ? " (previous)" : ""} not read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private markDirty(namespace: string, subjects: Set<SubjectKey> | "all"): void {
    const now = Date.now();
    const entry = this.dirty.get(namespace);
    if (!entry) this.dirty.set(namespace, { subjects, since: [now] });
    else {
      if (entry.subjects !== "all") {
        if (subjects === "all") entry.subjects = "all";
        else for (const subject of subjects) entry.subjects.add(subject);
      }
      if (entry.since.length < 10_000) entry.since.push(now);
    }
    if (!this.readyFlag) return; // the first diagnosis covers it
    this.schedule();
  }

  private schedule(): void {
    const coalesce = this.options.coalesceMs ?? 250;
    const now = Date.now();
    if (this.firstDirtyAt === 0) this.firstDirtyAt = now;
    // Debounce the burst, but never hold a change longer than 8 coalescing periods.
    const due = Math.min(now + coalesce, this.firstDirtyAt + coalesce * 8);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.firstDirtyAt = 0;
      this.flushing = this.flushing.then(() => this.flush());
    }, Math.max(0, due - now));
  }

  private async flush(): Promise<void> {
    if (!this.readyFlag) return;
    const logWait = this.options.logWaitMs ?? 5000;
    const batches = [...this.dirty];
    this.dirty.clear();
    const changes: FindingChange[] = [];
    let postponed = false;
    for (const [namespace, entry] of batches) {
      // A pod whose logs are being read is diagnosed when they are in (or when the wait runs out).
      const waiting = [...this.pendingLogs.keys()].some((key) => key.startsWith(`${namespace}/`));
      if (waiting && Date.now() - Math.min(...entry.since) < logWait) {
        const back = this.dirty.get(namespace);
        if (!back) this.dirty.set(namespace, entry);
        else {
          back.since.push(...entry.since);
          if (entry.subjects === "all") back.subjects = "all";
          else if (back.subjects !== "all") for (const subject of entry.subjects) back.subjects.add(subject);
        }
        postponed = true;
        continue;
      }
      const exists = this.store.get("Namespace", undefined, namespace) !== undefined || this.store.namespaceObjects(namespace).length > 0;
      const found = exists ? this.diagnoser.diagnose(namespace, entry.subjects) : this.diagnoser.dropNamespace(namespace);
      const done = Date.now();
      const latencies = entry.since.map((since) => done - since);
      const earliest = Math.min(...entry.since);
      for (const change of found) change.latencyMs = done - earliest;
      this.options.onDiagnosis?.(namespace, found, latencies);
      changes.push(...found);
    }
    await this.publish(changes);
    if (postponed || this.dirty.size > 0) this.schedule();
  }

  private async publish(changes: FindingChange[], initial = false): Promise<void> {
    const leader = this.leader();
    for (const output of this.options.outputs) {
      try {
        await output.publish(changes, { leader, current: () => this.current(), ...(initial ? { initial } : {}) });
      } catch (error) {
        this.options.log?.(`an output failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private async waitForLogs(): Promise<void> {
    const deadline = Date.now() + (this.options.logWaitMs ?? 5000);
    while (this.pendingLogs.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  }

  /** Istio kinds whose CRDs the server serves (aggregated discovery, one request). */
  private async discoverIstio(): Promise<ResourceType[]> {
    const accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    try {
      const response = await this.api.request<DiscoveryList>("GET", "/apis", { accept });
      const types: ResourceType[] = [];
      for (const group of response.body.items ?? []) {
        const name = group.metadata?.name ?? "";
        const kinds = ISTIO_KINDS[name];
        const version = group.versions?.[0];
        if (!kinds || !version) continue;
        const served = new Set((version.resources ?? []).map((resource) => resource.resource));
        for (const { kind, resource } of kinds) if (served.has(resource)) types.push({ kind, group: name, version: version.version, resource, namespaced: true });
      }
      return types;
    } catch (error) {
      this.options.log?.(`cannot discover the Istio API groups, Istio resources not watched: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }
}

interface DiscoveryList {
  items?: Array<{ metadata?: { name?: string }; versions?: Array<{ version: string; resources?: Array<{ resource: string }> }> }>;
}

/** Which instance of a container a log belongs to: a new restart or termination is a new instance. */
function instanceOf(pod: KubeObject, container: string, previous: boolean): string {
  const statuses: Array<{ name: string; restartCount?: number; state?: { running?: { startedAt?: string }; terminated?: { finishedAt?: string } }; lastState?: { terminated?: { finishedAt?: string } } }> = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  const status = statuses.find((candidate) => candidate.name === container);
  if (!status) return "";
  return previous
    ? `${status.restartCount ?? 0}/${status.lastState?.terminated?.finishedAt ?? ""}`
    : `${status.restartCount ?? 0}/${status.state?.running?.startedAt ?? status.state?.terminated?.finishedAt ?? ""}`;
}

