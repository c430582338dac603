import type { KubeObject } from "../../model/kube.js";
import type { KubeClient } from "./client.js";
import { withQuery } from "./client.js";
import { ApiError } from "./errors.js";
import type { LiveSink } from "./sink.js";
import {
  apiVersionOf,
  collectionPath,
  CONFIGMAPS,
  ISTIO_KINDS,
  objectPath,
  permissionFor,
  PODS,
  SECRETS,
  POD_METRICS,
  type ResourceType,
} from "./resources.js";

/** Items a list page asks for; the API server caps pages by this. */
export const PAGE_SIZE = 500;
/** Log tail per container instance: enough for the crash and what led to it. */
export const LOG_TAIL_LINES = 300;
export const LOG_LIMIT_BYTES = 256 * 1024;
const MAX_RELISTS = 2;
const LARGE_OBJECT_PAGE_SIZE = 100;
/** Helm keeps each release (compressed manifests, often 100 KiB+) in a Secret no pod references: not read. */
const NOT_HELM_RELEASES = "type!=helm.sh/release.v1";

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** What the evidence is, for the missing-evidence line. */
  what?: string;
  onPage?: (count: number) => void;
  /** When a cluster-wide list is forbidden, list these namespaces instead. */
  forbiddenFallback?: string[];
}

interface ListResponse {
  apiVersion?: string;
  kind?: string;
  metadata?: { continue?: string; resourceVersion?: string };
  items?: KubeObject[];
}

/**
 * Reads from the API into a sink. Every failure becomes data: a 403 is
 * missing evidence with the permission that would give it, other failures
 * are problems with the call; what could be read is still used.
 */
export class Gatherer {
  constructor(
    readonly client: KubeClient,
    readonly sink: LiveSink,
    readonly pageSize = PAGE_SIZE,
  ) {}

  /** Lists a collection page by page (limit/continue); a 410 on an expired token lists again from the start. */
  async list(type: ResourceType, namespace: string | undefined, options: ListOptions = {}): Promise<KubeObject[]> {
    const path = collectionPath(type, namespace);
    const baseQuery = { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector ?? (type === SECRETS ? NOT_HELM_RELEASES : undefined) };
    // Secrets and ConfigMaps can be large (certificates, dashboards): smaller pages keep memory flat.
    let limit = type === SECRETS || type === CONFIGMAPS ? Math.min(this.pageSize, LARGE_OBJECT_PAGE_SIZE) : this.pageSize;
    const call = `GET ${withQuery(path, baseQuery)}`;
    for (let relist = 0; ; relist++) {
      const items: KubeObject[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await this.client.getJson<ListResponse>(path, {
            query: { ...baseQuery, limit, continue: token },
            reviver: type === SECRETS ? secretValueDropper : undefined,
          });
          for (const item of page.items ?? []) items.push(withTypeMeta(item, type, page.apiVersion));
          token = page.metadata?.continue || undefined;
          options.onPage?.(items.length);
        } while (token);
      } catch (error) {
        if (error instanceof ApiError && error.status === 410 && relist < MAX_RELISTS) continue;
        if (error instanceof ApiError && error.reason === "TooLarge" && limit > 1) {
          // A page over the response size limit: smaller pages, from the start (each halving is one more list).
          limit = Math.max(1, Math.floor(limit / 2));
          relist--;
          continue;
        }
        if (error instanceof ApiError && error.forbidden && namespace === undefined && options.forbiddenFallback) {
          // Not allowed cluster-wide: the namespaces that matter may still be readable one by one.
          const lists = await Promise.all(options.forbiddenFallback.map((ns) => this.list(type, ns, { ...options, forbiddenFallback: undefined })));
          return lists.flat();
        }
        this.report(error, type, namespace, "list", options.what, items.length);
        for (const item of items) this.sink.object(item, type, call);
        return items;
      }
      for (const item of items) this.sink.object(item, type, call);
      return items;
    }
  }

  /** Reads one object; undefined when it does not exist or cannot be read (then the report says why). */
  async get(type: ResourceType, namespace: string | undefined, name: string, options: { what?: string; quietNotFound?: boolean; notFound?: string | (() => Promise<string>) } = {}): Promise<KubeObject | undefined> {
    const path = objectPath(type, namespace, name);
    try {
      const object = await this.client.getJson<KubeObject>(path, { reviver: type === SECRETS ? secretValueDropper : undefined });
      const typed = withTypeMeta(object, type, object.apiVersion);
      this.sink.object(typed, type, `GET ${path}`);
      return typed;
    } catch (error) {
      if (error instanceof ApiError && error.notFound && options.notFound) this.sink.problem(`GET ${path}`, typeof options.notFound === "string" ? options.notFound : await options.notFound());
      if (error instanceof ApiError && error.notFound && options.quietNotFound !== false) return undefined;
      this.report(error, type, namespace, "get", options.what ?? `${type.kind} ${namespace ? `${namespace}/` : ""}${name}`);
      return undefined;
    }
  }

  /**
   * metrics-server's working set of a pod's containers. Clusters without metrics-server answer 404 (no
   * such API group) or 503 (its APIService is down): then there is nothing to read and nothing to say.
   */
  async podMetrics(namespace: string, pod: string): Promise<void> {
    const path = objectPath(POD_METRICS, namespace, pod);
    try {
      const object = await this.client.getJson<KubeObject>(path);
      this.sink.object(withTypeMeta(object, POD_METRICS, object.apiVersion), POD_METRICS, `GET ${path}`);
    } catch (error) {
      if (error instanceof ApiError && (error.notFound || error.status === 503)) return;
      this.report(error, POD_METRICS, namespace, "get", `memory use of pod ${namespace}/${pod} (metrics-server)`);
    }
  }

  /** Names of a collection, metadata only (for "did you mean"); none when they cannot be read. */
  async names(type: ResourceType, namespace: string | undefined): Promise<string[]> {
    try {
      const list = await this.client.getJson<{ items?: Array<{ metadata?: { name?: string } }> }>(collectionPath(type, namespace), {
        accept: "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json",
        query: { limit: 1000 },
      });
      return (list.items ?? []).map((item) => item.metadata?.name ?? "").filter((name) => name !== "");
    } catch {
      return [];
    }
  }

  /** Reads a container log (bounded tail); `previous` is the instance before the last restart. */
  async log(namespace: string, pod: string, container: string, previous: boolean): Promise<void> {
    const path = `${objectPath(PODS, namespace, pod)}/log`;
    const query = { container, previous: previous ? "true" : undefined, tailLines: LOG_TAIL_LINES, limitBytes: LOG_LIMIT_BYTES };
    const call = `GET ${withQuery(path, query)}`;
    try {
      const text = await this.client.getText(path, { query });
      this.sink.log({ namespace, pod, container, previous, call, text });
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) return; // no such instance (never started, or no previous one): no log to read
      if (error instanceof ApiError && error.status === 403) {
        this.sink.missing({
          what: `${previous ? "previous " : ""}log of container ${container} in pod ${namespace}/${pod}`,
          call,
          status: 403,
          permission: permissionFor("get", PODS, namespace, "log"),
        });
        return;
      }
      if (error instanceof ApiError && error.notFound) {
        this.sink.problem(call, `pod ${namespace}/${pod} is gone (404): its ${previous ? "previous " : ""}log of ${container} could not be read`);
        return;
      }
      this.sink.problem(call, `${previous ? "previous " : ""}log of container ${container} in pod ${namespace}/${pod} not read: ${messageOf(error)}`);
    }
  }

  /** Which API groups and resources the server serves (one call with aggregated discovery). */
  async discoverIstio(): Promise<Map<string, { version: string; resources: Set<string> }>> {
    const served = new Map<string, { version: string; resources: Set<string> }>();
    const accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    try {
      const discovery = await this.client.getJson<DiscoveryResponse>("/apis", { accept });
      if (discovery.kind === "APIGroupDiscoveryList") {
        for (const group of discovery.items ?? []) {
          const name = group.metadata?.name ?? "";
          if (!(name in ISTIO_KINDS)) continue;
          const version = group.versions?.[0];
          if (!version) continue;
          served.set(name, { version: version.version, resources: new Set((version.resources ?? []).map((resource) => resource.resource)) });
        }
        return served;
      }
      for (const group of discovery.groups ?? []) {
        if (!(group.name in ISTIO_KINDS) || !group.preferredVersion) continue;
        const version = group.preferredVersion.version;
        const resources = await this.client.getJson<{ resources?: Array<{ name: string }> }>(`/apis/${group.name}/${version}`);
        served.set(group.name, { version, resources: new Set((resources.resources ?? []).map((resource) => resource.name)) });
      }
    } catch (error) {
      this.sink.problem("GET /apis", `cannot discover the Istio API groups, Istio resources not read: ${messageOf(error)}`);
    }
    return served;
  }

  /** Istio resource types the server serves, from discovery; absent CRDs are noted, never an error. */
  istioTypes(served: Map<string, { version: string; resources: Set<string> }>): ResourceType[] {
    const types: ResourceType[] = [];
    for (const [group, kinds] of Object.entries(ISTIO_KINDS)) {
      const entry = served.get(group);
      if (!entry) continue;
      for (const { kind, resource } of kinds) {
        if (entry.resources.has(resource)) types.push({ kind, group, version: entry.version, resource, namespaced: true });
      }
    }
    return types;
  }

  private report(error: unknown, type: ResourceType, namespace: string | undefined, verb: "get" | "list", what?: string, readBefore = 0): void {
    const path = collectionPath(type, namespace);
    const call = error instanceof ApiError ? error.call.replace(/([?&])continue=[^&]*&?/, "$1").replace(/[?&]$/, "") : `GET ${path}`;
    const subject = what ?? `${type.kind} objects${type.namespaced ? (namespace ? ` in namespace ${namespace}` : " in all namespaces") : ""}`;
    if (error instanceof ApiError && error.status === 403) {
      this.sink.missing({ what: subject, call, status: 403, permission: permissionFor(verb, type, namespace) });
      return;
    }
    if (error instanceof ApiError && error.notFound) {
      this.sink.problem(call, `${subject}: not served by this API server (404)`);
      return;
    }
    const message = messageOf(error).replace(/([?&])continue=[^&\s:]*&?/, "$1").replace(/[?&]:/, ":");
    this.sink.problem(call, `${subject} ${readBefore > 0 ? `read only in part (${readBefore} before the error)` : "not read"}: ${message}`);
  }
}

interface DiscoveryResponse {
  kind?: string;
  items?: Array<{ metadata?: { name?: string }; versions?: Array<{ version: string; resources?: Array<{ resource: string }> }> }>;
  groups?: Array<{ name: string; preferredVersion?: { version: string } }>;
}

/** List items come without kind and apiVersion; the rules and the snapshot need both. */
function withTypeMeta(object: KubeObject, type: ResourceType, apiVersion: string | undefined): KubeObject {
  object.kind = type.kind;
  object.apiVersion = object.apiVersion ?? (apiVersion && !apiVersion.endsWith("List") ? apiVersion : apiVersionOf(type));
  if (object.metadata && "managedFields" in object.metadata) delete object.metadata.managedFields;
  return object;
}

/**
 * JSON.parse reviver for Secrets: values are replaced by "" while the body is
 * parsed, and kubectl's last-applied annotation (which repeats them) is dropped,
 * so no Secret value ever reaches an object, a view, a snapshot or a report.
 */
export function secretValueDropper(this: unknown, key: string, value: unknown): unknown {
  if ((key === "data" || key === "stringData") && value && typeof value === "object" && !Array.isArray(value)) {
    const holder = this as Record<string, unknown>;
    if (holder && typeof holder === "object" && "metadata" in holder) {
      return Object.fromEntries(Object.keys(value).map((name) => [name, ""]));
    }
  }
  if (key === "kubectl.kubernetes.io/last-applied-configuration") return undefined;
  return value;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
