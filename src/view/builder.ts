import { emptyEnvoyInputs, type EnvoyInputs } from "../model/envoy-inputs.js";
import type { MeshConfig } from "../model/mesh-config.js";
import type { EventRecord, InputProblem, LogStream, MissingEvidence } from "../model/inputs.js";
import { UNNAMED_POD } from "../model/unnamed.js";
import { objectKey, type KubeObject, type LoadedObject, type Origin, type FieldLocator, type MeshSource } from "../model/kube.js";
import { ClusterView, type ClusterMember, type ViewMode } from "./cluster-view.js";
import { stripSecretValues } from "./secrets.js";
import { normaliseShape } from "./shape.js";

/** Collects what sources gather, then freezes it into a ClusterView. */
export class ViewBuilder {
  private readonly objects = new Map<string, LoadedObject>();
  private readonly unnamed: LoadedObject[] = [];
  private readonly events: EventRecord[] = [];
  private readonly logs: LogStream[] = [];
  readonly envoy: EnvoyInputs = emptyEnvoyInputs();
  private readonly problems: InputProblem[] = [];
  private readonly missing: MissingEvidence[] = [];
  private readonly sources: string[] = [];
  private meshConfig: MeshConfig | undefined;
  private meshNetworks: Record<string, any> | undefined;
  private meshNetworksSource: MeshSource | undefined;
  private capturedAt: Date | undefined;
  private latestSeen = 0;
  /** The sources also put each access log's requests on a timeline, in the same pass as its summary (HTML output draws them). */
  trafficTimelines = false;

  addSource(description: string): void {
    this.sources.push(description);
  }

  /** Adds a Kubernetes object. Events become EventRecords; Secret values are dropped here. */
  addObject(object: KubeObject, origin: Origin, locate?: FieldLocator): void {
    try {
      this.indexObject(object, origin, locate);
    } catch (error) {
      // One malformed object costs only itself: it is named, the rest is analysed.
      this.addProblem(origin, `${typeof object?.kind === "string" ? object.kind : "object"}: cannot be read (${error instanceof Error ? error.message : String(error)}); skipped`);
    }
  }

  private indexObject(object: KubeObject, origin: Origin, locate?: FieldLocator): void {
    if (object.kind === "Event") {
      this.addEvent(eventFromObject(object, origin));
      return;
    }
    for (const problem of normaliseShape(object)) {
      const line = locate?.(problem.path) ?? origin.line;
      this.addProblem({ file: origin.file, line }, `${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata?.name ?? ""}: ${problem.message}`);
    }
    const kept = object.kind === "Secret" ? stripSecretValues(object) : object;
    this.noteTimestamp(kept.metadata?.creationTimestamp);
    this.noteStatusTimes(kept);
    const loaded: LoadedObject = locate ? { object: kept, origin, locate } : { object: kept, origin };
    if (!kept.metadata?.name) {
      this.unnamed.push(loaded);
      return;
    }
    // The same object from two inputs (a snapshot and a manifest): the later one wins.
    this.objects.set(objectKey(kept.kind, kept.metadata.namespace, kept.metadata.name), loaded);
  }

  hasObject(kind: string, namespace: string | undefined, name: string): boolean {
    return this.objects.has(objectKey(kind, namespace, name));
  }

  objectsOfKind(kind: string): KubeObject[] {
    return [...this.objects.values()].filter((o) => o.object.kind === kind).map((o) => o.object);
  }

  addEvent(event: EventRecord): void {
    this.noteTimestamp(event.lastTimestamp ?? event.firstTimestamp);
    this.events.push(event);
  }

  addLog(stream: LogStream): void {
    this.logs.push(stream);
  }

  addProblem(origin: Origin, message: string): void {
    this.problems.push({ origin, message });
  }

  addMissing(missing: MissingEvidence): void {
    this.missing.push(missing);
  }

  setMeshConfig(config: MeshConfig): void {
    this.meshConfig = config;
  }

  setMeshNetworks(config: Record<string, any>, source?: MeshSource): void {
    this.meshNetworks = config;
    this.meshNetworksSource = source;
  }

  hasMeshConfig(): boolean {
    return this.meshConfig !== undefined;
  }

  /** When the evidence was captured (a snapshot's manifest says so). */
  setCapturedAt(date: Date): void {
    this.capturedAt = date;
  }

  /** Logs without a pod (a log file given alone) are attached to the only pod, if there is exactly one. */
  private attachOrphanLogs(): void {
    const pods = [...this.objects.values()].filter((o) => o.object.kind === "Pod");
    for (const stream of this.logs) {
      if (stream.pod) continue;
      if (pods.length === 1) {
        const pod = pods[0]!.object;
        stream.pod = pod.metadata.name;
        stream.namespace = pod.metadata.namespace;
        if (!stream.container) {
          const containers: any[] = pod.spec?.containers ?? [];
          stream.container = containers.length === 1 ? containers[0].name : containers[0]?.name;
        }
      }
    }
  }

  /**
   * Pasted parts that never name their pod (a status fragment, an Events
   * section alone) belong to the one pod the other inputs name, when there is exactly one.
   */
  private adoptUnnamedPod(): void {
    const pods = [...this.objects.values()].filter((o) => o.object.kind === "Pod");
    const unnamedKey = pods.find((o) => o.object.metadata.name === UNNAMED_POD);
    const named = pods.filter((o) => o !== unnamedKey);
    let target: { name: string; namespace?: string } | undefined;
    if (named.length === 1) target = { name: named[0]!.object.metadata.name!, namespace: named[0]!.object.metadata.namespace };
    else if (named.length === 0) {
      const names = new Map<string, string | undefined>();
      for (const event of this.events) if (event.involved.kind === "Pod" && event.involved.name !== UNNAMED_POD) names.set(event.involved.name, event.involved.namespace);
      for (const stream of this.logs) if (stream.pod && stream.pod !== UNNAMED_POD) names.set(stream.pod, stream.namespace);
      if (names.size === 1) {
        const [name, namespace] = [...names][0]!;
        target = { name, namespace };
      }
    }
    if (!target) return;
    if (unnamedKey) {
      const fragment = unnamedKey.object;
      this.objects.delete(objectKey("Pod", fragment.metadata.namespace, UNNAMED_POD));
      if (named.length === 1) fillMissing(named[0]!.object as unknown as Record<string, unknown>, fragment as unknown as Record<string, unknown>);
      else {
        const renamed = { ...fragment, metadata: { ...fragment.metadata, name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) } };
        this.objects.set(objectKey("Pod", renamed.metadata.namespace, target.name), { ...unnamedKey, object: renamed });
      }
    }
    for (const event of this.events) {
      if (event.involved.kind !== "Pod" || event.involved.name !== UNNAMED_POD) continue;
      event.involved.name = target.name;
      if (target.namespace && !event.involved.namespace) event.involved.namespace = target.namespace;
    }
    for (const stream of this.logs) if (stream.pod === UNNAMED_POD) delete stream.pod;
  }

  build(options: { mode: ViewMode; now?: Date; namespaces?: string[]; clusters?: ReadonlyArray<ClusterMember> }): ClusterView {
    this.adoptUnnamedPod();
    this.attachOrphanLogs();
    const now = options.now ?? this.capturedAt ?? (this.latestSeen > 0 ? new Date(this.latestSeen) : new Date());
    const objects = [...this.objects.values(), ...this.unnamed];
    return new ClusterView({
      options: { mode: options.mode, now, namespaces: options.namespaces, ...(options.clusters ? { clusters: options.clusters } : {}) },
      objects,
      events: this.events,
      logs: this.logs,
      envoy: this.envoy,
      meshConfig: this.meshConfig,
      meshNetworks: this.meshNetworks,
      meshNetworksSource: this.meshNetworksSource,
      inputs: {
        sources: this.sources,
        objects: objects.length,
        events: this.events.length,
        logs: this.logs.length,
        envoy: this.envoy.configDumps.length + this.envoy.proxyStatus.length + this.envoy.accessLogs.length,
        problems: this.problems,
        missing: this.missing,
      },
    });
  }

  private noteTimestamp(value: unknown): void {
    if (typeof value !== "string") return;
    const time = Date.parse(value);
    if (Number.isFinite(time) && time > this.latestSeen) this.latestSeen = time;
  }

  private noteStatusTimes(object: KubeObject): void {
    if (object.kind !== "Pod" || !object.status) return;
    const list = (value: unknown): any[] => (Array.isArray(value) ? value : []);
    for (const status of [...list(object.status.containerStatuses), ...list(object.status.initContainerStatuses)]) {
      this.noteTimestamp(status?.state?.running?.startedAt);
      this.noteTimestamp(status?.state?.terminated?.finishedAt);
      this.noteTimestamp(status?.lastState?.terminated?.finishedAt);
    }
  }
}

/** core/v1 Event or events.k8s.io/v1 Event -> EventRecord. */
export function eventFromObject(object: KubeObject, origin: Origin): EventRecord {
  const involved = object.involvedObject ?? object.regarding ?? {};
  const series = object.series ?? {};
  const count = Number(object.count ?? series.count ?? 1) || 1;
  const record: EventRecord = {
    type: String(object.type ?? "Normal"),
    reason: String(object.reason ?? ""),
    message: String(object.message ?? object.note ?? "").trim(),
    count,
    involved: {
      kind: String(involved.kind ?? ""),
      namespace: involved.namespace ?? object.metadata?.namespace,
      name: String(involved.name ?? ""),
      uid: involved.uid,
      fieldPath: involved.fieldPath,
    },
    origin,
  };
  const first = object.firstTimestamp ?? object.eventTime ?? object.deprecatedFirstTimestamp ?? object.metadata?.creationTimestamp;
  const last = object.lastTimestamp ?? series.lastObservedTime ?? object.deprecatedLastTimestamp ?? object.eventTime ?? first;
  if (first) record.firstTimestamp = String(first);
  if (last) record.lastTimestamp = String(last);
  const source = object.source?.component ?? object.reportingController ?? object.reportingComponent;
  if (source) record.source = String(source);
  return record;
}

/** Copies into `target` what it lacks from `source`; lists of named entries (containers, statuses) are matched by name. */
function fillMissing(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (existing === undefined || existing === "") target[key] = value;
    else if (Array.isArray(existing) && Array.isArray(value)) {
      for (const item of value as Array<Record<string, unknown>>) {
        const same = (existing as Array<Record<string, unknown>>).find((e) => e.name === item.name || item.name === "" || e.name === "");
        if (same) fillMissing(same, item);
        else existing.push(item);
      }
    } else if (typeof existing === "object" && existing !== null && typeof value === "object" && value !== null && !Array.isArray(value)) {
      fillMissing(existing as Record<string, unknown>, value as Record<string, unknown>);
    }
  }
}
