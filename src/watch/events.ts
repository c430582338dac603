import { createHash } from "node:crypto";
import { SEVERITY_ORDER, type Severity } from "../model/finding.js";
import type { KubeObject } from "../model/kube.js";
import { appliedNamespace } from "../model/namespace.js";
import { redact } from "../util/redact.js";
import { sleep, type WatchApi } from "./api.js";
import type { FindingChange } from "./diagnoser.js";
import { REPORTING_CONTROLLER, type ObjectStore } from "./store.js";
import type { Output } from "./watcher.js";

export const EVENT_REASON = "Diagnosed";
export const FINDING_ID_ANNOTATION = "ktriage.io/finding-id";
export const RULE_ANNOTATION = "ktriage.io/rule";
/** The API server refuses a note over 1 kB (events.k8s.io/v1 validation). */
const NOTE_LIMIT = 1024;
const NAME_LIMIT = 253;

export interface EventFigures {
  created: number;
  counted: number;
  /** Already there (sent by this replica before, or by the one that led before it). */
  alreadyThere: number;
  failed: number;
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
export function microTime(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** What `kubectl describe` shows under Message: the cause, what was seen, the first action, and where to read more. */
export function eventNote(change: FindingChange): string {
  const { finding } = change;
  const tail = ` First action: ${change.action}. (ktriage explain ${finding.rule})`;
  let note = `${change.cause}: ${finding.summary.replace(/\s+/g, " ").trim()}`;
  if (note.length + tail.length > NOTE_LIMIT) note = `${note.slice(0, NOTE_LIMIT - tail.length - 1)}…`;
  return redact(`${note}${tail}`).slice(0, NOTE_LIMIT);
}

/**
 * The Event's name: the object's name and a hash of the object, the finding,
 * its cause and first action, as the kubelet names events `pod.<hex>`. The
 * same diagnosis of the same object always has the same name, so whichever
 * replica sends it finds the one already there instead of sending it twice;
 * a diagnosis that only counts up ("restarted 6 times") is the same Event.
 */
export function eventName(change: FindingChange): string {
  const resource = change.finding.resource;
  const hash = createHash("sha256").update([change.uid ?? "", change.id, change.cause, change.action].join("\u0000")).digest("hex").slice(0, 16);
  return `${resource.name.slice(0, NAME_LIMIT - hash.length - 1)}.${hash}`;
}

const CORE_KINDS = new Set(["Pod", "Service", "ConfigMap", "Secret", "ServiceAccount", "PersistentVolumeClaim", "Node", "Namespace", "Endpoints"]);
const APPS_KINDS = new Set(["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"]);

function apiVersionOfKind(kind: string, object: KubeObject | undefined): string {
  if (object?.apiVersion) return object.apiVersion;
  if (CORE_KINDS.has(kind)) return "v1";
  if (APPS_KINDS.has(kind)) return "apps/v1";
  if (kind === "Job" || kind === "CronJob") return "batch/v1";
  return "v1";
}

/**
 * Publishes each new diagnosis as an events.k8s.io/v1 Event on the object
 * (reason Diagnosed), so `kubectl describe` shows it beside the kubelet's
 * events. The same diagnosis made again is counted on the same Event
 * (series.count), as the kubelet counts a repeated event; a diagnosis
 * whose cause or first action changed is a new Event. Writes that fail (the API server is away) are
 * retried until they succeed; a create that finds the Event there, or a
 * count already reached, is not sent again. Only the leader publishes.
 */
export class EventPublisher implements Output {
  readonly figures: EventFigures = { created: 0, counted: 0, alreadyThere: 0, failed: 0 };
  /** Counts this replica has written, by Event name (the watch echo may lag). */
  private readonly written = new Map<string, { count: number; at: number }>();
  private readonly queue: Array<{ change: FindingChange; occurrence: boolean }> = [];
  /** Diagnoses waiting for the settle time, by finding id: the kubelet's events often follow the status that started them. */
  private readonly settling = new Map<string, { change: FindingChange; occurrence: boolean; due: number }>();
  private settleTimer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private stopped = false;
  onWrite: (action: "create" | "count" | "exists" | "failed") => void = () => undefined;

  constructor(
    private readonly api: WatchApi,
    private readonly store: ObjectStore,
    private readonly identity: string,
    private readonly log: (message: string) => void = () => undefined,
    /** A diagnosis is written once it has held this long (a later refinement replaces it; one that resolved meanwhile is not written). */
    private readonly settleMs = 2000,
    /** Findings below this severity get no Event (hygiene notes would crowd `kubectl describe`). */
    private readonly minSeverity: Severity = "warning",
  ) {}

  publish(changes: FindingChange[], context: { leader: boolean; initial?: boolean }): Promise<void> {
    if (!context.leader) {
      this.settling.clear();
      return Promise.resolve();
    }
    const now = Date.now();
    for (const change of changes) {
      if (SEVERITY_ORDER[change.finding.severity] < SEVERITY_ORDER[this.minSeverity]) continue;
      const waiting = this.settling.get(change.id);
      if (change.change === "resolved") {
        this.settling.delete(change.id);
        continue;
      }
      // A new diagnosis is an occurrence (counted when its Event exists); a changed one that keeps its cause and first action is the same Event.
      const occurrence = (waiting?.occurrence ?? false) || (change.change === "new" && !context.initial);
      this.settling.set(change.id, { change, occurrence, due: waiting?.due ?? now + this.settleMs });
    }
    this.scheduleSettled();
    return Promise.resolve();
  }

  private scheduleSettled(): void {
    if (this.settleTimer || this.settling.size === 0 || this.stopped) return;
    const next = Math.min(...[...this.settling.values()].map((entry) => entry.due));
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      const now = Date.now();
      for (const [id, entry] of this.settling) {
        if (entry.due > now) continue;
        this.settling.delete(id);
        this.queue.push({ change: entry.change, occurrence: entry.occurrence });
      }
      void this.drain();
      this.scheduleSettled();
    }, Math.max(0, next - Date.now()));
    this.settleTimer.unref?.();
  }

  /** A replica that takes over makes sure each current diagnosis has its Event, without counting it again. */
  leadership(leader: boolean, current: FindingChange[]): Promise<void> {
    if (!leader) {
      this.settling.clear();
      return Promise.resolve();
    }
    for (const change of current) if (SEVERITY_ORDER[change.finding.severity] >= SEVERITY_ORDER[this.minSeverity]) this.queue.push({ change, occurrence: false });
    return this.drain();
  }

  /** Resolves when everything queued is written (or was given up at stop). */
  async idle(): Promise<void> {
    while (this.draining || this.settling.size > 0) await (this.draining ?? new Promise((resolve) => setTimeout(resolve, 50)));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.settleTimer);
  }

  private drain(): Promise<void> {
    if (!this.draining && this.queue.length > 0) {
      const run = (async () => {
        let failures = 0;
        while (this.queue.length > 0 && !this.stopped) {
          const item = this.queue[0]!;
          try {
            await this.write(item.change, item.occurrence);
            this.queue.shift();
            failures = 0;
          } catch (error) {
            failures++;
            this.figures.failed++;
            this.onWrite("failed");
            if (failures === 1 || failures % 10 === 0) this.log(`Event for ${item.change.finding.resource.kind} ${item.change.finding.resource.namespace ?? ""}/${item.change.finding.resource.name} not written yet (${error instanceof Error ? error.message : String(error)}); retrying`);
            await sleep(Math.min(10_000, 250 * 2 ** Math.min(failures, 6)));
          }
        }
      })();
      const tracked: Promise<void> = run.finally(() => {
        if (this.draining === tracked) this.draining = undefined;
        if (this.queue.length > 0 && !this.stopped) void this.drain();
      });
      this.draining = tracked;
    }
    return this.draining ?? Promise.resolve();
  }

  private async write(change: FindingChange, occurrence: boolean): Promise<void> {
    const note = eventNote(change);
    const name = eventName(change);
    const resource = change.finding.resource;
    const object = this.store.get(resource.kind, resource.namespace, resource.name);
    const namespace = appliedNamespace(resource.namespace);
    const collection = `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/events`;
    const known = this.knownCount(name);
    if (known === undefined) {
      const body = {
        apiVersion: "events.k8s.io/v1",
        kind: "Event",
        metadata: { name, namespace, annotations: { [FINDING_ID_ANNOTATION]: change.id, [RULE_ANNOTATION]: change.finding.rule } },
        eventTime: microTime(),
        reportingController: REPORTING_CONTROLLER,
        reportingInstance: this.identity.slice(0, 128),
        action: "Diagnose",
        reason: EVENT_REASON,
        type: change.finding.severity === "info" ? "Normal" : "Warning",
        note,
        regarding: {
          apiVersion: apiVersionOfKind(resource.kind, object),
          kind: resource.kind,
          name: resource.name,
          ...(resource.namespace ? { namespace: resource.namespace } : {}),
          ...(change.uid ? { uid: change.uid } : {}),
          ...(resource.container && resource.kind === "Pod" ? { fieldPath: `spec.containers{${resource.container}}` } : {}),
        },
      };
      const response = await this.api.request<KubeObject>("POST", collection, { body });
      if (response.status === 201 || response.status === 200) {
        this.remember(name, 1);
        this.figures.created++;
        this.onWrite("create");
        return;
      }
      if (response.status !== 409) throw new Error(`POST ${collection}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
      // Sent before (by this replica, or by the leader before it): this occurrence may be the one it counted.
      if (!occurrence) {
        this.figures.alreadyThere++;
        this.onWrite("exists");
        return;
      }
    } else if (!occurrence) {
      this.figures.alreadyThere++;
      this.onWrite("exists");
      return;
    }
    await this.count(collection, name);
  }

  /** One more occurrence on an Event that exists: series.count + 1, guarded by resourceVersion so a retry never counts twice. */
  private async count(collection: string, name: string): Promise<void> {
    const path = `${collection}/${encodeURIComponent(name)}`;
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.api.request<KubeObject>("GET", path);
      if (current.status === 404) {
        this.written.delete(name);
        this.store.published.delete(name);
        throw new Error(`${path}: gone (expired); it is created again`);
      }
      if (current.status !== 200) throw new Error(`GET ${path}: ${current.status}`);
      const event = current.body;
      const now = Number(event.series?.count ?? 1);
      const target = Math.max(now, this.written.get(name)?.count ?? 0) + 1;
      const response = await this.api.request<KubeObject>("PATCH", path, {
        body: { metadata: { resourceVersion: event.metadata.resourceVersion }, series: { count: target, lastObservedTime: microTime() } },
        contentType: "application/merge-patch+json",
      });
      if (response.status === 200) {
        this.remember(name, target);
        this.figures.counted++;
        this.onWrite("count");
        return;
      }
      if (response.status !== 409) throw new Error(`PATCH ${path}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
    }
    throw new Error(`PATCH ${path}: kept conflicting`);
  }

  private knownCount(name: string): number | undefined {
    const seen = this.store.published.get(name);
    const mine = this.written.get(name)?.count;
    if (!seen && mine === undefined) return undefined;
    return Math.max(Number(seen?.series?.count ?? seen?.count ?? 1), mine ?? 0);
  }

  private remember(name: string, count: number): void {
    const now = Date.now();
    this.written.set(name, { count, at: now });
    // Events expire on the API server after an hour (--event-ttl): so does what is kept of them here.
    if (this.written.size > 10_000) for (const [key, entry] of this.written) if (now - entry.at > 2 * 60 * 60 * 1000) this.written.delete(key);
  }
}
