import type { FixChange } from "../model/finding.js";
import { objectKey, type KubeObject, type LoadedObject } from "../model/kube.js";
import type { EventRecord, LogStream } from "../model/inputs.js";
import { templateOwnerOf, type TemplateOwner } from "../k8s/workloads.js";
import { ClusterView, inputOfKind, type InputKind } from "../view/cluster-view.js";
import { applyChange } from "./patch/apply-change.js";

/** What differs between the part of the view before and after a change: input kinds, and the Kubernetes kinds of the objects that differ. */
export interface ChangedInputs {
  inputs: ReadonlySet<InputKind>;
  kinds: ReadonlySet<string>;
  /** Whether the change creates an object: a kind may then appear that was absent, which any rule requiring its input sees. */
  creates: boolean;
}

export const WORKLOAD_KINDS = new Set(["Pod", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"]);

/**
 * Which of the namespace's other objects a change of workloads can reach: everything but what selects
 * other pods. An object with a label selector (a Service, NetworkPolicy, PodDisruptionBudget, an Istio
 * policy's selector or workloadSelector) is left out when it selects none of the changed workloads' pods,
 * before or after the change; a VirtualService or DestinationRule is left out when every host it names is
 * such a Service. Left out on both sides of the proof, such objects can only add findings that are the
 * same before and after.
 */
export interface Reach {
  key: string;
  concerns(object: KubeObject): boolean;
}

export function reachOf(namespace: string | undefined, workloads: readonly KubeObject[], objects: readonly LoadedObject[]): Reach | undefined {
  const labelSets = workloads.map(podLabelsOf).filter((labels): labels is Record<string, string> => labels !== undefined);
  if (labelSets.length === 0 || labelSets.length < workloads.length) return undefined;
  const selects = (selector: Record<string, unknown>) => labelSets.some((labels) => Object.entries(selector).every(([key, value]) => labels[key] === value));
  const unreached = (object: KubeObject): boolean => {
    const selector = selectorOf(object);
    return selector !== undefined && !selects(selector);
  };
  const otherServices = new Set(objects.filter((loaded) => loaded.object.kind === "Service" && loaded.object.metadata.namespace === namespace && unreached(loaded.object)).map((loaded) => loaded.object.metadata.name));
  const concerns = (object: KubeObject): boolean => {
    if (object.kind === "VirtualService" || object.kind === "DestinationRule") {
      let hosts = hostNames.get(object);
      if (!hosts) hostNames.set(object, (hosts = hostNamesOf(object.spec)));
      return hosts.length === 0 || hosts.some((host) => !otherServices.has(host));
    }
    return !unreached(object);
  };
  return { key: JSON.stringify(labelSets), concerns };
}

const hostNames = new WeakMap<KubeObject, string[]>();

/** The labels of a workload's pods (its template's), or of a pod. */
function podLabelsOf(object: KubeObject): Record<string, string> | undefined {
  let node: any = object.kind === "Pod" ? object : object.kind === "CronJob" ? object.spec?.jobTemplate?.spec?.template : object.spec?.template;
  const labels = node?.metadata?.labels;
  return labels && typeof labels === "object" && !Array.isArray(labels) ? (labels as Record<string, string>) : undefined;
}

/** A plain label selector (key: value pairs) of an object, when it has one; undefined for none or one with expressions. */
function selectorOf(object: KubeObject): Record<string, unknown> | undefined {
  const spec = object.spec;
  if (!spec || typeof spec !== "object" || object.kind === "Gateway") return undefined;
  const candidates = object.kind === "Service" ? [spec.selector] : [spec.selector?.matchLabels !== undefined && spec.selector?.matchExpressions === undefined ? spec.selector.matchLabels : undefined, spec.podSelector?.matchLabels !== undefined && spec.podSelector?.matchExpressions === undefined ? spec.podSelector.matchLabels : undefined, spec.workloadSelector?.labels];
  const selector = candidates.find((candidate) => candidate && typeof candidate === "object" && !Array.isArray(candidate) && Object.keys(candidate).length > 0);
  return selector as Record<string, unknown> | undefined;
}

/** The first DNS label of every host a VirtualService or DestinationRule names (`host`, `hosts`, route destinations). */
function hostNamesOf(spec: unknown): string[] {
  const names: string[] = [];
  const visit = (node: unknown, key: string | undefined): void => {
    if (typeof node === "string") {
      if (key === "host" || key === "hosts") names.push(node.split(".")[0]!);
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, key);
    } else if (node && typeof node === "object") {
      for (const [child, value] of Object.entries(node)) visit(value, child);
    }
  };
  visit(spec, undefined);
  return names;
}

/**
 * What a focused part of a namespace may hold: that namespace, cluster-scoped objects and the mesh root
 * namespace, with the events and logs of those namespaces in the view's order.
 */
export interface Nearby {
  namespaces: (string | undefined)[];
  events: readonly EventRecord[];
  logs: readonly LogStream[];
  /** For each event: the key of the object it is about. */
  eventKeys: readonly string[];
  /** For each event: whether every part of the namespace keeps it (it is about no workload, in a namespace the part holds). */
  eventKept: readonly boolean[];
  /** Whether an event about no workload is kept only when its object is: then the part needs the keys of all its objects, not only of its workloads. */
  keysOfEveryKind: boolean;
  /** For each log stream: its namespace and pod. */
  logPods: readonly string[];
}

export interface FocusedParts {
  objects: LoadedObject[];
  events: EventRecord[];
  logs: LogStream[];
}

/**
 * The view's objects, events and logs by namespace, so that a proof reads only the namespaces it
 * focuses on (each list keeps the view's order: rules see the same order as on the whole view), and what
 * every proof asks of the whole view about an object (its key, its owners), worked out once.
 */
export class NamespaceIndex {
  private readonly objects = new Map<string | undefined, Array<{ loaded: LoadedObject; at: number }>>();
  private readonly events = new Map<string, Array<{ item: EventRecord; at: number }>>();
  private readonly logs = new Map<string, Array<{ item: LogStream; at: number }>>();
  private readonly nearby = new Map<string | undefined, Nearby>();
  private readonly merged = new Map<string, readonly LoadedObject[]>();
  private readonly keys = new WeakMap<KubeObject, string>();
  private readonly owners = new WeakMap<KubeObject, { owner: TemplateOwner; key: string }>();
  private readonly chains = new WeakMap<KubeObject, readonly string[]>();
  private readonly withoutLocator = new WeakMap<LoadedObject, LoadedObject>();

  constructor(private readonly view: ClusterView) {
    view.objects.forEach((loaded, at) => push(this.objects, loaded.object.metadata.namespace, { loaded, at }));
    view.events.forEach((item, at) => push(this.events, item.involved.namespace ?? "", { item, at }));
    view.logs.forEach((item, at) => push(this.logs, item.namespace ?? "", { item, at }));
  }

  /** What a focused part of these changes may hold: the first change's namespace, cluster-scoped objects and the mesh root namespace. */
  near(changes: readonly FixChange[]): Nearby {
    const namespace = changes[0]!.namespace;
    let near = this.nearby.get(namespace);
    if (!near) {
      const namespaces = [...new Set([namespace, undefined, "istio-system"])];
      // Events and logs name their namespace as "" when they have none (the focused part's keys do too).
      const keys = [...new Set(namespaces.map((name) => name ?? ""))];
      const events = inOrder(keys.map((key) => this.events.get(key) ?? [])).map((entry) => entry.item);
      const logs = inOrder(keys.map((key) => this.logs.get(key) ?? [])).map((entry) => entry.item);
      const eventKept = events.map((event) => !WORKLOAD_KINDS.has(event.involved.kind) && isNear(event.involved.namespace, namespace));
      near = {
        namespaces,
        events,
        logs,
        eventKeys: events.map((event) => objectKey(event.involved.kind, event.involved.namespace, event.involved.name)),
        eventKept,
        keysOfEveryKind: events.some((event, at) => !eventKept[at] && !WORKLOAD_KINDS.has(event.involved.kind)),
        logPods: logs.map((stream) => `${stream.namespace ?? ""}/${stream.pod ?? ""}`),
      };
      this.nearby.set(namespace, near);
    }
    return near;
  }

  /** The objects of these namespaces in the view's order; each distinct set is merged once (callers only read the list). */
  objectsIn(namespaces: readonly (string | undefined)[]): readonly LoadedObject[] {
    const distinct = [...new Set(namespaces)];
    const key = distinct.map((namespace) => (namespace === undefined ? "\u0000" : namespace)).join("\u0001");
    let objects = this.merged.get(key);
    if (!objects) this.merged.set(key, (objects = inOrder(distinct.map((namespace) => this.objects.get(namespace) ?? [])).map((entry) => entry.loaded)));
    return objects;
  }

  /**
   * The part of the view a change can affect: the changed objects, the pods and ReplicaSets they own, and
   * every other object of their namespace but other workloads (Services, config, policies, Istio config)
   * and what selects only their pods (`reach`), with cluster-scoped objects and the mesh root namespace. When a non-workload object changes (a
   * Service, a DestinationRule), the namespace's workloads and pods stay: its selectors reach them.
   * Before and after are measured on the same part, so a proof costs what the change touches.
   */
  focusedParts(changes: readonly FixChange[], objects: readonly LoadedObject[], nearby: Nearby, reach?: Reach): FocusedParts {
    const namespace = changes[0]!.namespace;
    const targets = new Set(changes.map((change) => objectKey(change.kind, change.namespace, change.name)));
    const workloadsOnly = changes.every((change) => WORKLOAD_KINDS.has(change.kind));
    const keep = (object: KubeObject) => {
      const objectNamespace = object.metadata.namespace;
      if (!isNear(objectNamespace, namespace)) return false;
      if (!WORKLOAD_KINDS.has(object.kind) || !workloadsOnly) return reach === undefined || objectNamespace !== namespace || reach.concerns(object);
      if (objectNamespace !== namespace) return objectNamespace === "istio-system";
      if (targets.has(this.keyOf(object))) return true;
      if (object.kind === "Pod") return targets.has(this.templateOwner(object).key);
      return this.ownerKeys(object).some((owner) => targets.has(owner));
    };
    const kept = objects.filter((loaded) => keep(loaded.object));
    // An event about a workload stays with its object; the others stay with their namespace (Nearby.eventKept).
    const names = new Set<string>();
    const pods = new Set<string>();
    for (const { object } of kept) {
      if (nearby.keysOfEveryKind || WORKLOAD_KINDS.has(object.kind)) names.add(this.keyOf(object));
      if (object.kind === "Pod") pods.add(`${object.metadata.namespace ?? ""}/${object.metadata.name ?? ""}`);
    }
    return {
      objects: kept,
      events: nearby.events.filter((_event, at) => nearby.eventKept[at] || names.has(nearby.eventKeys[at]!)),
      logs: nearby.logs.filter((_stream, at) => pods.has(nearby.logPods[at]!)),
    };
  }

  /**
   * The objects after the change. Observed pods of a changed workload get the same change on their spec
   * (the part of the patch under the pod template), so what admission added to them (an injected sidecar,
   * token volumes) stays; their observed status stays too: a rule reading that status against the new
   * spec still sees what happened.
   */
  changedObjects(objects: readonly LoadedObject[], replaced: Map<KubeObject, KubeObject>, changes: readonly FixChange[]): LoadedObject[] {
    const changed = new Map<string, FixChange[]>();
    for (const change of changes) {
      const key = objectKey(change.kind, change.namespace, change.name);
      changed.set(key, [...(changed.get(key) ?? []), change]);
    }
    return objects.map((loaded) => {
      const direct = replaced.get(loaded.object);
      if (direct) return { ...loaded, object: direct, ...(direct.kind === "Pod" ? { observed: loaded.object } : {}) };
      if (loaded.object.kind !== "Pod" || this.view.mode === "lint" || !loaded.object.metadata.ownerReferences?.length) return loaded;
      const { owner, key } = this.templateOwner(loaded.object);
      const ownerChanges = changed.get(key);
      if (!ownerChanges) return loaded;
      let pod: KubeObject = loaded.object;
      for (const change of ownerChanges) {
        const podChange = underTemplate(change, owner.templatePath);
        if (!podChange) continue;
        try {
          pod = applyChange(pod, podChange);
        } catch {
          return loaded;
        }
      }
      return { ...loaded, object: pod, observed: loaded.object };
    });
  }

  /**
   * The part after a change, from the part before it: the same objects with the changed ones in their place,
   * and the same events and logs. It is what focusedParts would keep from the changed namespace when every
   * changed object keeps its kind, namespace, name and owners (what the part is chosen by); undefined otherwise.
   */
  changedPart(before: FocusedParts, replaced: Map<KubeObject, KubeObject>, changes: readonly FixChange[]): FocusedParts | undefined {
    const objects = this.changedObjects(before.objects, replaced, changes);
    for (let at = 0; at < objects.length; at++) {
      const was = before.objects[at]!.object;
      const now = objects[at]!.object;
      if (was !== now && !sameIdentity(was, now)) return undefined;
    }
    return { objects, events: before.events, logs: before.logs };
  }

  /** A view of a focused part; its objects have no field locator: a proof reads no file:line, so none is looked up in the YAML. */
  viewOf(parts: FocusedParts): ClusterView {
    const view = this.view;
    return new ClusterView({
      options: { mode: view.mode, now: view.now, ...(view.namespaces ? { namespaces: [...view.namespaces] } : {}), clusters: view.clusters },
      objects: parts.objects.map((loaded) => this.unlocated(loaded)),
      objectKeys: parts.objects.map((loaded) => this.keyOf(loaded.object)),
      events: parts.events,
      logs: parts.logs,
      envoy: view.envoy,
      ...(view.meshConfig ? { meshConfig: view.meshConfig } : {}),
      ...(view.meshNetworks ? { meshNetworks: view.meshNetworks } : {}),
      ...(view.meshNetworksSource ? { meshNetworksSource: view.meshNetworksSource } : {}),
      inputs: view.inputs,
    });
  }

  /** The object as a part holds it: without its field locator, the same one for every part. */
  private unlocated(loaded: LoadedObject): LoadedObject {
    let bare = this.withoutLocator.get(loaded);
    if (!bare) {
      const { locate: _locate, ...rest } = loaded;
      this.withoutLocator.set(loaded, (bare = rest));
    }
    return bare;
  }

  private keyOf(object: KubeObject): string {
    let key = this.keys.get(object);
    if (key === undefined) this.keys.set(object, (key = objectKey(object.kind, object.metadata.namespace, object.metadata.name)));
    return key;
  }

  /** The workload whose template a pod follows, on the whole view, with its key. */
  private templateOwner(pod: KubeObject): { owner: TemplateOwner; key: string } {
    let found = this.owners.get(pod);
    if (!found) {
      const owner = templateOwnerOf(this.view, pod);
      this.owners.set(pod, (found = { owner, key: objectKey(owner.kind, owner.namespace, owner.name) }));
    }
    return found;
  }

  /** The keys of an object's owners on the whole view, nearest first. */
  private ownerKeys(object: KubeObject): readonly string[] {
    let keys = this.chains.get(object);
    if (!keys) this.chains.set(object, (keys = this.view.ownerChain(object).map((owner) => this.keyOf(owner))));
    return keys;
  }
}

/** Whether two versions of an object have the same kind, namespace, name and owners. */
function sameIdentity(a: KubeObject, b: KubeObject): boolean {
  return a.kind === b.kind && a.metadata.namespace === b.metadata.namespace && a.metadata.name === b.metadata.name && JSON.stringify(a.metadata.ownerReferences) === JSON.stringify(b.metadata.ownerReferences);
}

/** Whether a focused part of `namespace` holds objects of `objectNamespace`: cluster-scoped ones and the mesh root namespace's too. */
function isNear(objectNamespace: string | undefined, namespace: string | undefined): boolean {
  return objectNamespace === undefined || objectNamespace === namespace || objectNamespace === "istio-system";
}

/**
 * The inputs that differ between the part of the view before and after a change (objects are the same
 * objects unless the change made them anew); undefined when a difference can reach any rule: a Namespace
 * (context every rule may read) or a log stream (the Envoy access-log summaries are built from them).
 */
export function changedInputs(before: FocusedParts, after: FocusedParts, creates: boolean): ChangedInputs | undefined {
  const changed = new Set<InputKind>();
  const kinds = new Set<string>();
  for (const object of differingObjects(before.objects, after.objects)) {
    const input = inputOfKind(object.kind);
    if (!input) return undefined;
    changed.add(input).add("manifests");
    kinds.add(object.kind);
    // A Pod counts for `workloads` too (ClusterView.has), and an istio.io apiVersion for `istio`.
    if (object.kind === "Pod") changed.add("workloads");
    if (typeof object.apiVersion === "string" && object.apiVersion.includes("istio.io")) changed.add("istio");
  }
  if (!sameItems(before.logs, after.logs)) return undefined;
  if (!sameItems(before.events, after.events)) changed.add("events");
  return { inputs: changed, kinds, creates };
}

/**
 * The objects in one list and not the other (each list holds an object at most once). Parts before and
 * after a change mostly hold the same objects at the same places, so only the places that differ are compared.
 */
function differingObjects(before: readonly LoadedObject[], after: readonly LoadedObject[]): KubeObject[] {
  let onlyBefore: KubeObject[];
  let onlyAfter: KubeObject[];
  if (before.length === after.length) {
    onlyBefore = [];
    onlyAfter = [];
    for (let at = 0; at < before.length; at++) {
      if (before[at]!.object === after[at]!.object) continue;
      onlyBefore.push(before[at]!.object);
      onlyAfter.push(after[at]!.object);
    }
  } else {
    onlyBefore = before.map((loaded) => loaded.object);
    onlyAfter = after.map((loaded) => loaded.object);
  }
  const beforeSet = new Set(onlyBefore);
  const afterSet = new Set(onlyAfter);
  return [...onlyBefore.filter((object) => !afterSet.has(object)), ...onlyAfter.filter((object) => !beforeSet.has(object))];
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

/** The part of a workload patch that changes its pod template, as a patch of the pod itself. */
function underTemplate(change: FixChange, templatePath: readonly string[]): FixChange | undefined {
  let patch: unknown;
  try {
    patch = JSON.parse(change.patch);
  } catch {
    return undefined;
  }
  if (change.type === "json") {
    const prefix = `/${templatePath.join("/")}/`;
    const operations = (Array.isArray(patch) ? patch : []).filter((op) => typeof op?.path === "string" && op.path.startsWith(prefix));
    if (operations.length === 0) return undefined;
    return { ...change, kind: "Pod", patch: JSON.stringify(operations.map((op) => ({ ...op, path: `/${op.path.slice(prefix.length)}`, ...(typeof op.from === "string" && op.from.startsWith(prefix) ? { from: `/${op.from.slice(prefix.length)}` } : {}) }))) };
  }
  let node: any = patch;
  for (const key of templatePath) node = node?.[key];
  if (!node || typeof node !== "object") return undefined;
  const { spec, metadata } = node as { spec?: unknown; metadata?: unknown };
  return { ...change, kind: "Pod", patch: JSON.stringify({ ...(spec ? { spec } : {}), ...(metadata ? { metadata } : {}) }) };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  list.push(value);
}

/** Lists each in the view's order, merged into one in that order. */
function inOrder<T extends { at: number }>(lists: readonly (readonly T[])[]): T[] {
  const nonEmpty = lists.filter((list) => list.length > 0);
  if (nonEmpty.length === 1) return [...nonEmpty[0]!];
  return nonEmpty.flat().sort((a, b) => a.at - b.at);
}
