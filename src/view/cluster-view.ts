import type { EnvoyInputs } from "../model/envoy-inputs.js";
import type { MeshConfig } from "../model/mesh-config.js";
import type { EventRecord, InputSummary, LogStream } from "../model/inputs.js";
import { objectKey, type KubeObject, type LoadedObject, type MeshSource } from "../model/kube.js";

export type ViewMode = "live" | "offline" | "lint";

/** What the inputs hold; rules declare which of these they read. */
export type InputKind =
  | "pods"
  | "events"
  | "logs"
  | "workloads"
  | "nodes"
  | "services"
  | "config"
  | "network-policies"
  | "istio"
  | "mesh-config"
  | "envoy-config"
  | "proxy-status"
  | "access-logs"
  | "manifests";

export interface ViewOptions {
  mode: ViewMode;
  /** Reference time for ages and back-off: now when live, the latest timestamp in the inputs offline. */
  now: Date;
  /** Only these namespaces are reported (all when undefined). */
  namespaces?: string[];
  /** The clusters of a multi-cluster mesh, each with its own view, when the inputs name them. */
  clusters?: ReadonlyArray<ClusterMember>;
}

/** The kinds each input kind holds; any other kind counts as `manifests`, and Namespaces are context every rule may read. */
const KIND_INPUTS: Record<string, InputKind> = {
  Pod: "pods",
  Deployment: "workloads",
  StatefulSet: "workloads",
  DaemonSet: "workloads",
  ReplicaSet: "workloads",
  Job: "workloads",
  CronJob: "workloads",
  Node: "nodes",
  Service: "services",
  Endpoints: "services",
  EndpointSlice: "services",
  Secret: "config",
  ConfigMap: "config",
  NetworkPolicy: "network-policies",
};

const ISTIO_KINDS = new Set([
  "VirtualService",
  "DestinationRule",
  "Gateway",
  "ServiceEntry",
  "Sidecar",
  "PeerAuthentication",
  "AuthorizationPolicy",
  "RequestAuthentication",
  "EnvoyFilter",
  "WorkloadEntry",
  "WorkloadGroup",
  "Telemetry",
  "ProxyConfig",
  "WasmPlugin",
]);

/** The input kind a rule reads when it reads objects of this Kubernetes kind; undefined for context (Namespace). */
export function inputOfKind(kind: string): InputKind | undefined {
  if (kind === "Namespace") return undefined;
  return KIND_INPUTS[kind] ?? (ISTIO_KINDS.has(kind) ? "istio" : "manifests");
}

/** A rule read an input it does not declare (thrown while the engine refuses undeclared reads). */
export class UndeclaredInputError extends Error {
  constructor(
    readonly input: InputKind,
    declared: ReadonlySet<InputKind>,
  ) {
    super(`reads ${input} but declares ${[...declared].join(", ") || "nothing"}`);
  }
}

/** One cluster of a multi-cluster mesh and what the inputs hold of it. */
export interface ClusterMember {
  name: string;
  view: ClusterView;
}

/**
 * Everything the rules may read, indexed and immutable once built.
 * Sources fill it through ViewBuilder; rules only read.
 */
export class ClusterView {
  readonly mode: ViewMode;
  readonly now: Date;
  private readonly allObjects: readonly LoadedObject[];
  private readonly allEvents: readonly EventRecord[];
  private readonly allLogs: readonly LogStream[];
  private readonly envoyInputs: EnvoyInputs;
  private readonly recordedEnvoy: EnvoyInputs;
  private readonly mesh: MeshConfig | undefined;
  private readonly networks: Record<string, any> | undefined;
  private readonly init: ConstructorParameters<typeof ClusterView>[0];
  /** The input kinds read since `recordReads()`, while a rule runs. */
  private reads: Set<InputKind> | undefined;
  /** The Kubernetes kinds read since `recordReads()` (`*` for every object), indexes built `unrecorded` included. */
  private kindReads: Set<string> | undefined;
  /** While a rule runs: the inputs it declares, and whether reading another one throws. */
  private declared: ReadonlySet<InputKind> | undefined;
  private refuseUndeclared = false;
  /** Where MeshNetworks was read (file, and field lines for a YAML file of its own). */
  readonly meshNetworksSource: MeshSource | undefined;
  readonly inputs: InputSummary;
  readonly namespaces: readonly string[] | undefined;
  /** Per-cluster views of a multi-cluster lint (`--cluster NAME=PATH`); empty otherwise. */
  readonly clusters: ReadonlyArray<ClusterMember>;

  private readonly byKind = new Map<string, LoadedObject[]>();
  private readonly byKey = new Map<string, LoadedObject>();
  private readonly byUid = new Map<string, LoadedObject>();
  private readonly eventsByObject = new Map<string, EventRecord[]>();
  private readonly logsByContainer = new Map<string, LogStream[]>();
  private readonly loadedByObject = new Map<KubeObject, LoadedObject>();
  private readonly objectsByKind = new Map<string, KubeObject[]>();
  /** kind -> metadata.namespace (undefined for cluster-scoped) -> objects, built on first use. */
  private readonly byKindNamespace = new Map<string, Map<string | undefined, LoadedObject[]>>();
  private readonly objectsByKindNamespace = new Map<string, Map<string | undefined, KubeObject[]>>();
  private podsByNodeIndex: Map<string, KubeObject[]> | undefined;
  private eventsByInvolvedKind: Map<string, EventRecord[]> | undefined;
  private eventPositionsByReason: Map<string, number[]> | undefined;
  private hasIstio: boolean | undefined;

  constructor(init: {
    options: ViewOptions;
    objects: LoadedObject[];
    events: EventRecord[];
    logs: LogStream[];
    envoy: EnvoyInputs;
    meshConfig?: MeshConfig;
    meshNetworks?: Record<string, any>;
    meshNetworksSource?: MeshSource;
    inputs: InputSummary;
    /** The key (objectKey) of each object, when the caller has them already: a fix proof builds many views of the same objects. */
    objectKeys?: readonly string[];
  }) {
    this.mode = init.options.mode;
    this.now = init.options.now;
    this.namespaces = init.options.namespaces;
    this.clusters = init.options.clusters ?? [];
    this.init = init;
    this.allObjects = init.objects;
    this.allEvents = init.events;
    this.allLogs = init.logs;
    this.envoyInputs = init.envoy;
    const envoy = init.envoy;
    const note = (input: InputKind) => this.note(input);
    this.recordedEnvoy = {
      get configDumps() {
        note("envoy-config");
        return envoy.configDumps;
      },
      get proxyStatus() {
        note("proxy-status");
        return envoy.proxyStatus;
      },
      get accessLogs() {
        note("access-logs");
        return envoy.accessLogs;
      },
    };
    this.mesh = init.meshConfig;
    this.networks = init.meshNetworks;
    this.meshNetworksSource = init.meshNetworksSource;
    this.inputs = init.inputs;

    const keys = init.objectKeys;
    init.objects.forEach((loaded, at) => {
      const { kind, metadata } = loaded.object;
      let list = this.byKind.get(kind);
      if (!list) this.byKind.set(kind, (list = []));
      list.push(loaded);
      this.byKey.set(keys?.[at] ?? objectKey(kind, metadata.namespace, metadata.name), loaded);
      if (metadata.uid) this.byUid.set(metadata.uid, loaded);
      this.loadedByObject.set(loaded.object, loaded);
    });
    for (const event of init.events) {
      const key = objectKey(event.involved.kind, event.involved.namespace, event.involved.name);
      let list = this.eventsByObject.get(key);
      if (!list) this.eventsByObject.set(key, (list = []));
      list.push(event);
    }
    for (const stream of init.logs) {
      const key = `${stream.namespace ?? ""}/${stream.pod ?? ""}/${stream.container ?? ""}`;
      let list = this.logsByContainer.get(key);
      if (!list) this.logsByContainer.set(key, (list = []));
      list.push(stream);
    }
  }

  /** Every loaded object, whatever its kind. */
  get objects(): readonly LoadedObject[] {
    this.note("manifests");
    this.kindReads?.add("*");
    return this.allObjects;
  }

  get events(): readonly EventRecord[] {
    this.note("events");
    return this.allEvents;
  }

  get logs(): readonly LogStream[] {
    this.note("logs");
    return this.allLogs;
  }

  get envoy(): EnvoyInputs {
    return this.recordedEnvoy;
  }

  get meshConfig(): MeshConfig | undefined {
    this.note("mesh-config");
    return this.mesh;
  }

  get meshNetworks(): Record<string, any> | undefined {
    this.note("mesh-config");
    return this.networks;
  }

  /**
   * Starts recording which input kinds are read (the engine does, around each
   * rule); the set fills as the rule reads, until `stopRecording()`. With `kinds`,
   * the Kubernetes kinds read are recorded too (`kindsRead`).
   */
  recordReads(declared?: ReadonlySet<InputKind>, refuseUndeclared = false, kinds = false): Set<InputKind> {
    this.reads = new Set();
    this.kindReads = kinds ? new Set() : undefined;
    this.declared = declared;
    this.refuseUndeclared = refuseUndeclared;
    return this.reads;
  }

  /** The Kubernetes kinds read since `recordReads()`, until `stopRecording()`. */
  get kindsRead(): ReadonlySet<string> {
    return this.kindReads ?? new Set();
  }

  stopRecording(): void {
    this.reads = undefined;
    this.kindReads = undefined;
    this.declared = undefined;
  }

  /** Runs `build` without recording its reads: for indexes of the view itself, built once for every rule. */
  unrecorded<T>(build: () => T): T {
    const reads = this.reads;
    this.reads = undefined;
    try {
      return build();
    } finally {
      this.reads = reads;
    }
  }

  /** The same inputs in a view of its own (nothing cached on this one carries over). */
  fork(): ClusterView {
    return new ClusterView(this.init);
  }

  private note(input: InputKind | undefined): void {
    if (!input || !this.reads) return;
    this.reads.add(input);
    if (this.refuseUndeclared && this.declared && !this.declared.has(input)) throw new UndeclaredInputError(input, this.declared);
  }

  private noteKind(kind: string): void {
    this.kindReads?.add(kind);
    if (this.reads) this.note(inputOfKind(kind));
  }

  /** All loaded objects of a kind (`Pod`, `Deployment`, `VirtualService` ...). */
  list(kind: string): readonly LoadedObject[] {
    this.noteKind(kind);
    return this.byKind.get(kind) ?? [];
  }

  /** Objects of a kind, without their origins. */
  kind(kind: string): KubeObject[] {
    this.noteKind(kind);
    // The view never changes once built, so each kind's array is made once (rules call this inside loops).
    let objects = this.objectsByKind.get(kind);
    if (!objects) this.objectsByKind.set(kind, (objects = this.list(kind).map((loaded) => loaded.object)));
    return objects;
  }

  /**
   * Loaded objects of a kind whose `metadata.namespace` is exactly `namespace`
   * (undefined: objects without a namespace), in the order of `list(kind)`.
   */
  listIn(kind: string, namespace: string | undefined): readonly LoadedObject[] {
    this.noteKind(kind);
    let byNamespace = this.byKindNamespace.get(kind);
    if (!byNamespace) {
      byNamespace = new Map();
      for (const loaded of this.list(kind)) {
        const key = loaded.object.metadata.namespace;
        let list = byNamespace.get(key);
        if (!list) byNamespace.set(key, (list = []));
        list.push(loaded);
      }
      this.byKindNamespace.set(kind, byNamespace);
    }
    return byNamespace.get(namespace) ?? [];
  }

  /** Objects of a kind in one namespace (exactly as `kind(kind).filter(o => o.metadata.namespace === namespace)`). */
  kindIn(kind: string, namespace: string | undefined): KubeObject[] {
    this.noteKind(kind);
    let byNamespace = this.objectsByKindNamespace.get(kind);
    if (!byNamespace) this.objectsByKindNamespace.set(kind, (byNamespace = new Map()));
    let objects = byNamespace.get(namespace);
    if (!objects) byNamespace.set(namespace, (objects = this.listIn(kind, namespace).map((loaded) => loaded.object)));
    return objects;
  }

  /** Namespaces (metadata.namespace, undefined for cluster-scoped) that hold objects of a kind. */
  namespacesOf(kind: string): (string | undefined)[] {
    this.listIn(kind, undefined);
    return [...this.byKindNamespace.get(kind)!.keys()];
  }

  /** Pods whose `spec.nodeName` is `node`, in the order of `kind("Pod")`. */
  podsOnNode(node: string): KubeObject[] {
    this.noteKind("Pod");
    if (!this.podsByNodeIndex) {
      this.podsByNodeIndex = new Map();
      for (const pod of this.kind("Pod")) {
        const name = pod.spec?.nodeName;
        if (typeof name !== "string") continue;
        let list = this.podsByNodeIndex.get(name);
        if (!list) this.podsByNodeIndex.set(name, (list = []));
        list.push(pod);
      }
    }
    return this.podsByNodeIndex.get(node) ?? [];
  }

  kinds(): string[] {
    this.kindReads?.add("*");
    return [...this.byKind.keys()];
  }

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    this.noteKind(kind);
    return this.byKey.get(objectKey(kind, namespace, name))?.object;
  }

  getLoaded(kind: string, namespace: string | undefined, name: string): LoadedObject | undefined {
    this.noteKind(kind);
    return this.byKey.get(objectKey(kind, namespace, name));
  }

  /** The LoadedObject (origin and field locator) of an object taken from this view. */
  loadedOf(object: KubeObject): LoadedObject | undefined {
    return this.loadedByObject.get(object);
  }

  byUidOf(uid: string): KubeObject | undefined {
    const object = this.byUid.get(uid)?.object;
    if (object) this.noteKind(object.kind);
    return object;
  }

  /** Events about one object, oldest first. */
  eventsFor(kind: string, namespace: string | undefined, name: string): readonly EventRecord[] {
    this.note("events");
    return this.eventsByObject.get(objectKey(kind, namespace, name)) ?? [];
  }

  /** Events whose involved object is of this kind, in the order of `events`. */
  eventsAbout(kind: string): readonly EventRecord[] {
    this.note("events");
    if (!this.eventsByInvolvedKind) {
      this.eventsByInvolvedKind = new Map();
      for (const event of this.allEvents) {
        let list = this.eventsByInvolvedKind.get(event.involved.kind);
        if (!list) this.eventsByInvolvedKind.set(event.involved.kind, (list = []));
        list.push(event);
      }
    }
    return this.eventsByInvolvedKind.get(kind) ?? [];
  }

  /** Events with one of these reasons, in the order of `events`. */
  eventsWithReason(...reasons: string[]): EventRecord[] {
    this.note("events");
    if (!this.eventPositionsByReason) {
      this.eventPositionsByReason = new Map();
      this.allEvents.forEach((event, position) => {
        let list = this.eventPositionsByReason!.get(event.reason);
        if (!list) this.eventPositionsByReason!.set(event.reason, (list = []));
        list.push(position);
      });
    }
    const positions = [...new Set(reasons)].flatMap((reason) => this.eventPositionsByReason!.get(reason) ?? []);
    if (reasons.length > 1) positions.sort((a, b) => a - b);
    return positions.map((position) => this.allEvents[position]!);
  }

  /** Log streams of one container, previous instance first. */
  logsFor(namespace: string | undefined, pod: string | undefined, container: string | undefined): readonly LogStream[] {
    this.note("logs");
    const exact = this.logsByContainer.get(`${namespace ?? ""}/${pod ?? ""}/${container ?? ""}`) ?? [];
    return [...exact].sort((a, b) => Number(b.previous) - Number(a.previous));
  }

  /** The controller owner of an object, if it is in the view. */
  ownerOf(object: KubeObject): KubeObject | undefined {
    const ref = object.metadata.ownerReferences?.find((owner) => owner.controller) ?? object.metadata.ownerReferences?.[0];
    if (!ref) return undefined;
    if (ref.uid) {
      const byUid = this.byUidOf(ref.uid);
      if (byUid) return byUid;
    }
    return this.get(ref.kind, object.metadata.namespace, ref.name);
  }

  /** Pod -> ReplicaSet -> Deployment (or Job -> CronJob ...), nearest first, as far as the view holds. */
  ownerChain(object: KubeObject): KubeObject[] {
    const chain: KubeObject[] = [];
    let current: KubeObject | undefined = object;
    while (current && chain.length < 5) {
      current = this.ownerOf(current);
      if (current) chain.push(current);
    }
    return chain;
  }

  /** Whether the inputs hold any object of these kinds, or any data of these input kinds. */
  has(input: InputKind): boolean {
    switch (input) {
      case "pods":
        return this.count("Pod") > 0;
      case "events":
        return this.allEvents.length > 0;
      case "logs":
        return this.allLogs.length > 0;
      case "workloads":
        return ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod"].some((k) => this.count(k) > 0);
      case "nodes":
        return this.count("Node") > 0;
      case "services":
        return this.count("Service") > 0;
      case "config":
        return this.count("Secret") > 0 || this.count("ConfigMap") > 0;
      case "network-policies":
        return this.count("NetworkPolicy") > 0;
      case "istio":
        return (this.hasIstio ??= this.allObjects.some((o) => typeof o.object.apiVersion === "string" && o.object.apiVersion.includes("istio.io")));
      case "mesh-config":
        return this.mesh !== undefined || this.networks !== undefined;
      case "envoy-config":
        return this.envoyInputs.configDumps.length > 0;
      case "proxy-status":
        return this.envoyInputs.proxyStatus.length > 0;
      case "access-logs":
        return this.envoyInputs.accessLogs.length > 0;
      case "manifests":
        return this.allObjects.length > 0;
    }
  }

  /** Whether the inputs hold an object of one of these kinds, beyond the number `beyond` counts for the kind (not recorded as a read). */
  holdsAnyOf(kinds: readonly string[], beyond?: ReadonlyMap<string, number>): boolean {
    return kinds.some((kind) => this.count(kind) > (beyond?.get(kind) ?? 0));
  }

  private count(kind: string): number {
    return this.byKind.get(kind)?.length ?? 0;
  }

  /** Whether a namespace is in the scope the user asked for. */
  inScope(namespace: string | undefined): boolean {
    if (!this.namespaces) return true;
    return this.namespaces.includes(namespace ?? "");
  }
}
