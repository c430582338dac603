import type { KubeObject } from "../model/kube.js";
import { labelMapMatches } from "../k8s/selectors.js";
import { referencedObjects } from "../sources/live/pod-health.js";

/** Who publishes the watcher's own Events (they are never evidence for its rules). */
export const REPORTING_CONTROLLER = "ktriage.io/watch";

export interface EventLimits {
  /** Events older than this (by their last time) are dropped. */
  maxAgeMs: number;
  /** Newest events kept per involved object. */
  perObject: number;
  /** Events kept in all. */
  total: number;
}

export const DEFAULT_EVENT_LIMITS: EventLimits = { maxAgeMs: 60 * 60 * 1000, perObject: 20, total: 50_000 };

/** `kind/namespace/name`: what a change touches and what a finding is about. */
export type SubjectKey = string;

export function subjectKey(kind: string, namespace: string | undefined, name: string): SubjectKey {
  return `${kind}/${namespace ?? ""}/${name}`;
}

export function subjectOf(object: KubeObject): SubjectKey {
  return subjectKey(object.kind, object.metadata.namespace, object.metadata.name ?? "");
}

const WORKLOAD_KINDS = ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"];

/**
 * What the watcher knows of the cluster: the latest version of every object
 * it watches, by kind and namespace, and recent events by the object they
 * are about. Secrets come in without their values (the reflector drops
 * them while parsing). Bounded: events age out and are capped.
 */
export class ObjectStore {
  private readonly byKind = new Map<string, Map<string | undefined, Map<string, KubeObject>>>();
  private readonly eventsByObject = new Map<SubjectKey, Map<string, KubeObject>>();
  private eventCount = 0;
  /** The watcher's own Diagnosed events, by name: what was already published (by this replica or one before it). */
  readonly published = new Map<string, KubeObject>();

  constructor(private readonly eventLimits: EventLimits = DEFAULT_EVENT_LIMITS) {}

  /** Stores (or removes) an object; returns the version it replaces. */
  apply(type: "added" | "modified" | "deleted", object: KubeObject): KubeObject | undefined {
    if (object.kind === "Event") return this.applyEvent(type, object);
    const { namespace, name = "" } = object.metadata;
    let namespaces = this.byKind.get(object.kind);
    if (!namespaces) this.byKind.set(object.kind, (namespaces = new Map()));
    let objects = namespaces.get(namespace);
    if (!objects) namespaces.set(namespace, (objects = new Map()));
    const previous = objects.get(name);
    if (type === "deleted") {
      objects.delete(name);
      if (objects.size === 0) namespaces.delete(namespace);
    } else objects.set(name, object);
    return previous;
  }

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.byKind.get(kind)?.get(namespace)?.get(name);
  }

  kindIn(kind: string, namespace: string | undefined): KubeObject[] {
    return [...(this.byKind.get(kind)?.get(namespace)?.values() ?? [])];
  }

  kind(kind: string): KubeObject[] {
    return [...(this.byKind.get(kind)?.values() ?? [])].flatMap((objects) => [...objects.values()]);
  }

  namespaces(): string[] {
    const names = new Set<string>();
    for (const namespaces of this.byKind.values()) for (const namespace of namespaces.keys()) if (namespace !== undefined) names.add(namespace);
    for (const namespace of this.kind("Namespace")) if (namespace.metadata.name) names.add(namespace.metadata.name);
    return [...names].sort();
  }

  /** Every namespaced object of a namespace (Events apart). */
  namespaceObjects(namespace: string): KubeObject[] {
    const objects: KubeObject[] = [];
    for (const namespaces of this.byKind.values()) objects.push(...(namespaces.get(namespace)?.values() ?? []));
    return objects;
  }

  clusterObjects(): KubeObject[] {
    const objects: KubeObject[] = [];
    for (const namespaces of this.byKind.values()) objects.push(...(namespaces.get(undefined)?.values() ?? []));
    return objects;
  }

  eventsFor(subject: SubjectKey): KubeObject[] {
    return [...(this.eventsByObject.get(subject)?.values() ?? [])];
  }

  get events(): number {
    return this.eventCount;
  }

  objectCount(): number {
    let count = 0;
    for (const namespaces of this.byKind.values()) for (const objects of namespaces.values()) count += objects.size;
    return count;
  }

  /** The owner chain, nearest first (ReplicaSet, Deployment; Job, CronJob). */
  ownerChain(object: KubeObject): KubeObject[] {
    const chain: KubeObject[] = [];
    let current: KubeObject | undefined = object;
    for (let depth = 0; current && depth < 4; depth++) {
      const refs = current.metadata.ownerReferences ?? [];
      const ref = refs.find((owner) => owner.controller) ?? refs[0];
      if (!ref) break;
      current = this.get(ref.kind, object.metadata.namespace, ref.name);
      if (current) chain.push(current);
    }
    return chain;
  }

  /**
   * What a change to this object touches, for re-diagnosis: the object, its
   * owner chain, what it owns, the Services that select its pods, and the
   * pods (and their owners) that reference it. Undefined: the whole
   * namespace (a NetworkPolicy, Istio configuration, the Namespace itself).
   */
  touchedBy(object: KubeObject, previous?: KubeObject): SubjectKey[] | "namespace" | "cluster" {
    const namespace = object.metadata.namespace;
    const subjects = new Set<SubjectKey>([subjectOf(object)]);
    const addWithOwners = (target: KubeObject) => {
      subjects.add(subjectOf(target));
      for (const owner of this.ownerChain(target)) subjects.add(subjectOf(owner));
    };
    switch (object.kind) {
      case "Pod": {
        for (const version of [object, previous]) if (version) addWithOwners(version);
        for (const service of this.kindIn("Service", namespace)) {
          const selector = service.spec?.selector;
          if (selector && [object, previous].some((version) => version && labelMapMatches(selector, version.metadata.labels, { absent: "nothing" }))) subjects.add(subjectOf(service));
        }
        return [...subjects];
      }
      case "Service": {
        for (const version of [object, previous]) {
          const selector = version?.spec?.selector;
          if (!selector) continue;
          for (const pod of this.kindIn("Pod", namespace)) if (labelMapMatches(selector, pod.metadata.labels, { absent: "nothing" })) addWithOwners(pod);
        }
        return [...subjects];
      }
      case "ConfigMap":
      case "Secret":
      case "PersistentVolumeClaim":
      case "ServiceAccount": {
        if (object.kind === "ConfigMap" && object.metadata.name === "istio") return namespace === "istio-system" ? "cluster" : "namespace";
        const name = object.metadata.name ?? "";
        for (const pod of this.kindIn("Pod", namespace)) {
          const references = referencedObjects(pod);
          const named =
            object.kind === "ConfigMap" ? references.configMaps.includes(name) : object.kind === "Secret" ? references.secrets.includes(name) : object.kind === "PersistentVolumeClaim" ? references.claims.includes(name) : (pod.spec?.serviceAccountName ?? "default") === name;
          if (named) addWithOwners(pod);
        }
        for (const kind of WORKLOAD_KINDS) {
          for (const workload of this.kindIn(kind, namespace)) {
            const template = workload.spec?.template ?? workload.spec?.jobTemplate?.spec?.template;
            if (template && JSON.stringify(template.spec ?? {}).includes(JSON.stringify(name))) subjects.add(subjectOf(workload));
          }
        }
        return [...subjects];
      }
      case "Node": {
        for (const pod of this.kind("Pod")) if (pod.spec?.nodeName === object.metadata.name) addWithOwners(pod);
        return [...subjects];
      }
      case "Deployment":
      case "ReplicaSet":
      case "StatefulSet":
      case "DaemonSet":
      case "Job":
      case "CronJob": {
        addWithOwners(object);
        const uid = object.metadata.uid;
        const owned = (candidate: KubeObject) => (candidate.metadata.ownerReferences ?? []).some((ref) => (uid && ref.uid === uid) || (ref.kind === object.kind && ref.name === object.metadata.name));
        for (const kind of ["ReplicaSet", "Job", "Pod"]) {
          for (const child of this.kindIn(kind, namespace)) {
            if (!owned(child)) continue;
            subjects.add(subjectOf(child));
            if (kind !== "Pod") for (const pod of this.kindIn("Pod", namespace)) if ((pod.metadata.ownerReferences ?? []).some((ref) => ref.name === child.metadata.name && ref.kind === child.kind)) subjects.add(subjectOf(pod));
          }
        }
        return [...subjects];
      }
      case "Namespace":
        return "namespace";
      case "NetworkPolicy":
        return "namespace";
      default:
        // Istio configuration is seen from every namespace unless exportTo says otherwise; webhooks too.
        return "cluster";
    }
  }

  /** What an Event is about: its involved object, with the owners of a pod. */
  eventSubjects(event: KubeObject): SubjectKey[] {
    const involved = event.involvedObject ?? event.regarding ?? {};
    const namespace = involved.namespace ?? event.metadata.namespace;
    const subjects = [subjectKey(String(involved.kind ?? ""), namespace, String(involved.name ?? ""))];
    const object = this.get(String(involved.kind ?? ""), namespace, String(involved.name ?? ""));
    if (object) for (const owner of this.ownerChain(object)) subjects.push(subjectOf(owner));
    return subjects;
  }

  private applyEvent(type: "added" | "modified" | "deleted", event: KubeObject): KubeObject | undefined {
    const name = event.metadata.name ?? "";
    if (event.reportingController === REPORTING_CONTROLLER || event.reportingComponent === REPORTING_CONTROLLER) {
      const previous = this.published.get(name);
      if (type === "deleted") this.published.delete(name);
      else this.published.set(name, event);
      return previous;
    }
    const involved = event.involvedObject ?? event.regarding ?? {};
    const subject = subjectKey(String(involved.kind ?? ""), involved.namespace ?? event.metadata.namespace, String(involved.name ?? ""));
    let events = this.eventsByObject.get(subject);
    const previous = events?.get(name);
    if (type === "deleted") {
      if (events?.delete(name)) this.eventCount--;
      if (events?.size === 0) this.eventsByObject.delete(subject);
      return previous;
    }
    if (!events) this.eventsByObject.set(subject, (events = new Map()));
    if (!previous) this.eventCount++;
    events.delete(name);
    events.set(name, event);
    while (events.size > this.eventLimits.perObject) {
      events.delete(events.keys().next().value!);
      this.eventCount--;
    }
    if (this.eventCount > this.eventLimits.total) this.pruneEvents(Date.now());
    return previous;
  }

  /** Drops events older than the age limit, then the oldest until under the total. */
  pruneEvents(now: number): number {
    let dropped = 0;
    const all: Array<{ subject: SubjectKey; name: string; time: number }> = [];
    for (const [subject, events] of this.eventsByObject) {
      for (const [name, event] of events) {
        const time = eventTime(event);
        if (now - time > this.eventLimits.maxAgeMs) {
          events.delete(name);
          dropped++;
        } else all.push({ subject, name, time });
      }
      if (events.size === 0) this.eventsByObject.delete(subject);
    }
    this.eventCount -= dropped;
    if (this.eventCount > this.eventLimits.total) {
      all.sort((a, b) => a.time - b.time);
      for (const entry of all.slice(0, this.eventCount - Math.floor(this.eventLimits.total * 0.9))) {
        const events = this.eventsByObject.get(entry.subject);
        if (events?.delete(entry.name)) {
          this.eventCount--;
          dropped++;
        }
        if (events?.size === 0) this.eventsByObject.delete(entry.subject);
      }
    }
    return dropped;
  }
}

function eventTime(event: KubeObject): number {
  const value = event.lastTimestamp ?? event.series?.lastObservedTime ?? event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
  const time = typeof value === "string" ? Date.parse(value) : Number.NaN;
  return Number.isFinite(time) ? time : Date.now();
}
