import { createHash } from "node:crypto";
import { runRules, type RunOptions } from "../engine/engine.js";
import { actionWords, causeWords } from "../engine/incident-words.js";
import type { Rule } from "../contract/rule.js";
import type { Finding } from "../model/finding.js";
import { builderSink, type GatheredLog } from "../sources/live/sink.js";
import { CONFIGMAPS, collectionPath, EVENTS, ISTIO_KINDS, ISTIO_ROOT_NAMESPACE, MUTATING_WEBHOOKS, NAMESPACES, NETWORK_POLICIES, NODES, PODS, PVCS, SECRETS, SERVICE_ACCOUNTS, SERVICES, WORKLOAD_TYPES, type ResourceType } from "../sources/live/resources.js";
import { redact } from "../util/redact.js";
import { ViewBuilder } from "../view/builder.js";
import { subjectKey, subjectOf, type ObjectStore, type SubjectKey } from "./store.js";

export type ChangeKind = "new" | "changed" | "resolved";

/** One line of `ktriage watch` output, and what the other outputs publish. */
export interface FindingChange {
  change: ChangeKind;
  /** Stable for one problem on one object: rule, kind, namespace, name, container. */
  id: string;
  finding: Finding;
  /** The cause in a few words and the first thing to do (the Event note says both). */
  cause: string;
  action: string;
  /** The object's uid, for the Event's `regarding`. */
  uid?: string;
  /** Time from the change that led to this diagnosis, in milliseconds. */
  latencyMs?: number;
}

interface Held {
  id: string;
  finding: Finding;
  fingerprint: string;
  namespace: string;
}

const ISTIO_KIND_NAMES = Object.values(ISTIO_KINDS).flatMap((kinds) => kinds.map((entry) => entry.kind));

const TYPES_BY_KIND = new Map<string, ResourceType>([PODS, EVENTS, SERVICES, CONFIGMAPS, SECRETS, SERVICE_ACCOUNTS, PVCS, NETWORK_POLICIES, NODES, NAMESPACES, MUTATING_WEBHOOKS, ...WORKLOAD_TYPES].map((type) => [type.kind, type]));

/** Where the evidence came from, as scan names it: the collection the object was watched in. */
function watchCall(object: KubeObjectLike): string {
  const type = TYPES_BY_KIND.get(object.kind);
  if (type) return `WATCH ${collectionPath(type, object.metadata.namespace)}`;
  const [group, version] = (object.apiVersion ?? "").includes("/") ? (object.apiVersion ?? "").split("/") : ["", object.apiVersion ?? "v1"];
  return `WATCH ${group ? `/apis/${group}/${version}` : `/api/${version}`}${object.metadata.namespace ? `/namespaces/${object.metadata.namespace}` : ""}/${object.kind.toLowerCase()}s`;
}

const ELAPSED = /\b\d+(?:\.\d+)?(?:ms|s|m|h|d)(?:\d+(?:\.\d+)?(?:ms|s|m))*\b/g;

/** rule, kind, namespace, name, container; `detail` tells apart two findings of one rule on one object (two volumes). */
export function findingId(finding: Finding, detail = ""): string {
  const resource = finding.resource;
  return createHash("sha256").update([finding.rule, resource.kind, resource.namespace ?? "", resource.name, resource.container ?? "", detail].join("\u0000")).digest("hex").slice(0, 16);
}

/** Ids for one diagnosis's findings: the plain id, unless one rule says two things of one object (then its summary, counts masked, tells them apart). */
function idsOf(findings: readonly Finding[]): string[] {
  const plain = findings.map((finding) => findingId(finding));
  const seen = new Map<string, number>();
  for (const id of plain) seen.set(id, (seen.get(id) ?? 0) + 1);
  return findings.map((finding, index) => (seen.get(plain[index]!)! > 1 ? findingId(finding, finding.summary.replace(/\b\d+(?:\.\d+)?\b/g, "#")) : plain[index]!));
}

/** What makes a finding "changed": its severity, what it says and what to do, ages masked (they move every second). */
function fingerprintOf(finding: Finding): string {
  const mask = (text: string) => text.replace(ELAPSED, "<t>");
  return JSON.stringify([finding.severity, mask(finding.summary), mask(finding.cause), mask(finding.fix?.description ?? ""), finding.symptoms?.map((symptom) => symptom.rule) ?? []]);
}

function namespaceOfFinding(finding: Finding): string | undefined {
  return finding.resource.namespace ?? (finding.resource.kind === "Namespace" ? finding.resource.name : undefined);
}

/**
 * Turns the store into findings, one namespace at a time, and keeps the
 * findings of the last diagnosis. A change re-diagnoses the namespace it is
 * in (the view `ktriage scan -n NS` would read) and compares only the
 * findings about the objects the change touched; the rest of the namespace
 * keeps its findings. Resolved findings are dropped: memory follows what is
 * broken now.
 */
export class Diagnoser {
  private readonly held = new Map<string, Held>();
  private readonly bySubject = new Map<SubjectKey, Set<string>>();
  runs = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly logs: LogCache,
    private readonly rules: readonly Rule[],
    private readonly options: Pick<RunOptions, "only" | "enable" | "suppress"> = {},
  ) {}

  get findings(): Finding[] {
    return [...this.held.values()].map((held) => held.finding);
  }

  /** Every finding held now, as "new" changes. */
  current(): FindingChange[] {
    return [...this.held.values()].map(({ id, finding }) => this.describe("new", id, finding));
  }

  /** Diagnoses one namespace; `subjects` "all" compares every finding of it. */
  diagnose(namespace: string, subjects: Set<SubjectKey> | "all", now = new Date()): FindingChange[] {
    this.runs++;
    const view = this.viewOf(namespace, now);
    // Only the touched objects' findings are compared, so only theirs are proven (a proof re-runs rules).
    const keep = subjects === "all" ? undefined : (finding: Finding) => subjects.has(subjectKey(finding.resource.kind, finding.resource.namespace, finding.resource.name));
    const result = runRules(this.rules, view, { scope: "diagnose", ...this.options, ...(keep ? { keep } : {}) });
    const fresh = new Map<string, Finding>();
    const inNamespace = result.findings.filter((finding) => namespaceOfFinding(finding) === namespace);
    const ids = idsOf(inNamespace);
    inNamespace.forEach((finding, index) => {
      if (subjects !== "all" && !subjects.has(subjectKey(finding.resource.kind, finding.resource.namespace, finding.resource.name))) return;
      fresh.set(ids[index]!, finding);
    });
    const changes: FindingChange[] = [];
    const before = subjects === "all" ? [...this.held.values()].filter((held) => held.namespace === namespace).map((held) => held.id) : [...subjects].flatMap((subject) => [...(this.bySubject.get(subject) ?? [])]);
    for (const id of new Set(before)) {
      if (fresh.has(id)) continue;
      const held = this.held.get(id)!;
      this.forget(held);
      changes.push(this.describe("resolved", id, held.finding));
    }
    for (const [id, finding] of fresh) {
      const fingerprint = fingerprintOf(finding);
      const previous = this.held.get(id);
      if (previous && previous.fingerprint === fingerprint) {
        previous.finding = finding;
        continue;
      }
      if (previous) this.forget(previous);
      const held: Held = { id, finding, fingerprint, namespace };
      this.held.set(id, held);
      const subject = subjectKey(finding.resource.kind, finding.resource.namespace, finding.resource.name);
      let ids = this.bySubject.get(subject);
      if (!ids) this.bySubject.set(subject, (ids = new Set()));
      ids.add(id);
      changes.push(this.describe(previous ? "changed" : "new", id, finding));
    }
    return changes;
  }

  /** Findings of a namespace that is gone: resolved. */
  dropNamespace(namespace: string): FindingChange[] {
    const changes: FindingChange[] = [];
    for (const held of [...this.held.values()]) {
      if (held.namespace !== namespace) continue;
      this.forget(held);
      changes.push(this.describe("resolved", held.id, held.finding));
    }
    return changes;
  }

  private forget(held: Held): void {
    this.held.delete(held.id);
    const subject = subjectKey(held.finding.resource.kind, held.finding.resource.namespace, held.finding.resource.name);
    const ids = this.bySubject.get(subject);
    ids?.delete(held.id);
    if (ids?.size === 0) this.bySubject.delete(subject);
  }

  private describe(change: ChangeKind, id: string, finding: Finding): FindingChange {
    const object = this.store.get(finding.resource.kind, finding.resource.namespace, finding.resource.name);
    return { change, id, finding, cause: redact(causeWords(finding)), action: redact(actionWords(finding)), ...(object?.metadata.uid ? { uid: object.metadata.uid } : {}) };
  }

  /**
   * The view of one namespace: its objects, events and logs, and the cluster-scoped objects. With
   * Istio, mesh configuration reaches across namespaces (exportTo is "*" unless set): every Istio
   * object, every Service (the hosts they name), the root namespace's pods (the gateways) and the
   * mesh ConfigMap are in the view too.
   */
  private viewOf(namespace: string, now: Date) {
    const builder = new ViewBuilder();
    const sink = builderSink(builder);
    builder.addSource(`watch of namespace ${namespace}`);
    const add = (object: KubeObjectLike) => sink.object(object, undefined as unknown as ResourceType, watchCall(object));
    const objects = this.store.namespaceObjects(namespace);
    for (const object of objects) add(object);
    for (const object of this.store.clusterObjects()) add(object);
    const istio = ISTIO_KIND_NAMES.flatMap((kind) => this.store.kind(kind));
    if (istio.length > 0 || this.store.kindIn("Pod", ISTIO_ROOT_NAMESPACE).length > 0) {
      for (const object of istio) if (object.metadata.namespace !== namespace) add(object);
      for (const service of this.store.kind("Service")) if (service.metadata.namespace !== namespace) add(service);
      if (namespace !== ISTIO_ROOT_NAMESPACE) for (const pod of this.store.kindIn("Pod", ISTIO_ROOT_NAMESPACE)) add(pod);
      const mesh = this.store.get("ConfigMap", ISTIO_ROOT_NAMESPACE, "istio");
      if (mesh && namespace !== ISTIO_ROOT_NAMESPACE) add(mesh);
    }
    for (const object of objects) for (const event of this.store.eventsFor(subjectOf(object))) add(event);
    for (const log of this.logs.logsIn(namespace)) sink.log(log);
    return builder.build({ mode: "live", now, namespaces: [namespace] });
  }
}

type KubeObjectLike = Parameters<ObjectStore["apply"]>[1];

/**
 * Container logs read for failing pods, by pod: kept while the pod fails,
 * dropped when it recovers or goes away. A log is read once per container
 * instance (the restart count and the last termination name it).
 */
export class LogCache {
  private readonly byPod = new Map<string, { instance: Map<string, string>; logs: Map<string, GatheredLog> }>();

  private static podKey(namespace: string, pod: string): string {
    return `${namespace}/${pod}`;
  }

  /** Whether this log of this container instance was read already. */
  has(namespace: string, pod: string, container: string, previous: boolean, instance: string): boolean {
    return this.byPod.get(LogCache.podKey(namespace, pod))?.instance.get(`${container}/${previous}`) === instance;
  }

  put(log: GatheredLog, instance: string): void {
    const key = LogCache.podKey(log.namespace, log.pod);
    let entry = this.byPod.get(key);
    if (!entry) this.byPod.set(key, (entry = { instance: new Map(), logs: new Map() }));
    entry.instance.set(`${log.container}/${log.previous}`, instance);
    entry.logs.set(`${log.container}/${log.previous}`, log);
  }

  /** Marks a log as read even when there was none to read (a 400: no such instance). */
  markRead(namespace: string, pod: string, container: string, previous: boolean, instance: string): void {
    const key = LogCache.podKey(namespace, pod);
    let entry = this.byPod.get(key);
    if (!entry) this.byPod.set(key, (entry = { instance: new Map(), logs: new Map() }));
    entry.instance.set(`${container}/${previous}`, instance);
  }

  drop(namespace: string, pod: string): void {
    this.byPod.delete(LogCache.podKey(namespace, pod));
  }

  logsIn(namespace: string): GatheredLog[] {
    const logs: GatheredLog[] = [];
    for (const [key, entry] of this.byPod) if (key.startsWith(`${namespace}/`)) logs.push(...entry.logs.values());
    return logs;
  }

  get size(): number {
    let count = 0;
    for (const entry of this.byPod.values()) count += entry.logs.size;
    return count;
  }
}
