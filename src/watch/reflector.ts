import type { KubeObject } from "../model/kube.js";
import { ApiError } from "../sources/live/errors.js";
import { secretValueDropper } from "../sources/live/gatherer.js";
import { apiVersionOf, collectionPath, SECRETS, type ResourceType } from "../sources/live/resources.js";
import { sleep, type WatchApi, type WatchEvent } from "./api.js";

export type ChangeType = "added" | "modified" | "deleted";

export interface ReflectorHandlers {
  /** One object appeared, changed or went away. `synced` is false during the first list. */
  change(type: ChangeType, object: KubeObject, resource: ResourceType): void;
  /** The first list is in (the view can be diagnosed). */
  synced(resource: ResourceType): void;
  /** The watch stream ended and is opened again (`reason`: "expired" for 410 Gone, "closed", "error"). */
  restarted(resource: ResourceType, reason: string, message?: string): void;
  problem(resource: ResourceType, message: string): void;
}

interface ListResponse {
  apiVersion?: string;
  metadata?: { continue?: string; resourceVersion?: string };
  items?: KubeObject[];
}

const PAGE_SIZE = 500;
const NOT_HELM_RELEASES = "type!=helm.sh/release.v1";

/**
 * Keeps one kind in step with the API server, as client-go's reflector does:
 * list (paginated), then watch from the list's resourceVersion with
 * bookmarks; a stream the server ends is reopened from the last version
 * seen; a 410 Gone (the version is too old) lists again and reports the
 * difference as changes. Back-off grows while the server cannot be reached.
 */
export class Reflector {
  private resourceVersion: string | undefined;
  private readonly known = new Map<string, string>();
  private stopped = false;
  private everSynced = false;

  constructor(
    private readonly api: WatchApi,
    readonly resource: ResourceType,
    private readonly handlers: ReflectorHandlers,
    private readonly signal: AbortSignal,
    private readonly options: { namespace?: string; watchSeconds?: number; idleMs?: number; fieldSelector?: string } = {},
  ) {}

  get synced(): boolean {
    return this.everSynced;
  }

  async run(): Promise<void> {
    let failures = 0;
    while (!this.signal.aborted && !this.stopped) {
      try {
        if (this.resourceVersion === undefined) await this.list();
        failures = 0;
        await this.watchOnce();
        if (!this.signal.aborted) this.handlers.restarted(this.resource, "closed");
      } catch (error) {
        if (this.signal.aborted) return;
        if (error instanceof ApiError && (error.status === 410 || error.reason === "Expired" || error.reason === "Gone")) {
          this.resourceVersion = undefined;
          this.handlers.restarted(this.resource, "expired", error.message);
          continue;
        }
        if (error instanceof ApiError && (error.status === 403 || error.status === 404)) {
          this.handlers.problem(this.resource, error.message);
          this.stopped = true;
          return;
        }
        failures++;
        this.handlers.restarted(this.resource, "error", messageOf(error));
        await sleep(Math.min(10_000, 250 * 2 ** Math.min(failures, 6)) * (0.75 + Math.random() * 0.5), this.signal);
      }
    }
  }

  private path(): string {
    return collectionPath(this.resource, this.options.namespace);
  }

  private baseQuery(): Record<string, string | undefined> {
    return { fieldSelector: this.options.fieldSelector ?? (this.resource === SECRETS ? NOT_HELM_RELEASES : undefined) };
  }

  private async list(): Promise<void> {
    const seen = new Map<string, KubeObject>();
    let token: string | undefined;
    let version: string | undefined;
    do {
      const response = await this.api.request<ListResponse>("GET", this.path(), {
        query: { ...this.baseQuery(), limit: PAGE_SIZE, continue: token },
        reviver: this.resource === SECRETS ? secretValueDropper : undefined,
        verb: "LIST",
      });
      if (response.status !== 200) throw apiError(`GET ${this.path()}`, response);
      for (const item of response.body.items ?? []) {
        const object = typed(item, this.resource);
        seen.set(keyOf(object), object);
      }
      token = response.body.metadata?.continue || undefined;
      version = response.body.metadata?.resourceVersion;
    } while (token);
    // After a 410 the new list replaces what was known: what is gone is reported deleted.
    for (const [key, object] of seen) {
      const previous = this.known.get(key);
      if (previous === object.metadata.resourceVersion) continue;
      this.known.set(key, object.metadata.resourceVersion ?? "");
      this.handlers.change(previous === undefined ? "added" : "modified", object, this.resource);
    }
    for (const key of [...this.known.keys()]) {
      if (seen.has(key)) continue;
      this.known.delete(key);
      const [namespace, name] = key.split("/") as [string, string];
      this.handlers.change("deleted", { kind: this.resource.kind, apiVersion: apiVersionOf(this.resource), metadata: { name, ...(namespace ? { namespace } : {}) } }, this.resource);
    }
    this.resourceVersion = version ?? "";
    if (!this.everSynced) {
      this.everSynced = true;
      this.handlers.synced(this.resource);
    }
  }

  private async watchOnce(): Promise<void> {
    const watchSeconds = this.options.watchSeconds ?? Math.round(300 + Math.random() * 300);
    const controller = new AbortController();
    const abort = () => controller.abort();
    this.signal.addEventListener("abort", abort, { once: true });
    let expired: ApiError | undefined;
    try {
      await this.api.watch(
        this.path(),
        { ...this.baseQuery(), resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: watchSeconds },
        (event) => {
          const failure = this.apply(event);
          if (failure) {
            expired = failure;
            controller.abort();
          }
        },
        { signal: controller.signal, idleMs: this.options.idleMs ?? (watchSeconds + 30) * 1000, reviver: this.resource === SECRETS ? secretValueDropper : undefined },
      );
    } catch (error) {
      if (!expired && !(controller.signal.aborted && this.signal.aborted)) throw error;
    } finally {
      this.signal.removeEventListener("abort", abort);
    }
    if (expired) throw expired;
  }

  /** Applies one watch event; an ERROR event comes back as the error to act on. */
  private apply(event: WatchEvent): ApiError | undefined {
    if (event.type === "ERROR") {
      const status = event.object ?? {};
      return new ApiError(`WATCH ${this.path()}`, Number(status.code) || undefined, String(status.reason ?? "Error"), `WATCH ${this.path()}: ${status.code ?? ""} ${status.message ?? "error"}`.trim());
    }
    const version: string | undefined = event.object?.metadata?.resourceVersion;
    if (event.type === "BOOKMARK") {
      if (version) this.resourceVersion = version;
      return undefined;
    }
    if (!event.object?.metadata?.name) return undefined;
    const object = typed(event.object as KubeObject, this.resource);
    const key = keyOf(object);
    if (version) this.resourceVersion = version;
    if (event.type === "DELETED") {
      this.known.delete(key);
      this.handlers.change("deleted", object, this.resource);
      return undefined;
    }
    const previous = this.known.get(key);
    if (previous === version) return undefined;
    this.known.set(key, version ?? "");
    this.handlers.change(previous === undefined ? "added" : "modified", object, this.resource);
    return undefined;
  }
}

function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ""}/${object.metadata.name}`;
}

function typed(object: KubeObject, resource: ResourceType): KubeObject {
  object.kind = resource.kind;
  object.apiVersion = object.apiVersion ?? apiVersionOf(resource);
  if (object.metadata && "managedFields" in object.metadata) delete object.metadata.managedFields;
  return object;
}

function apiError(call: string, response: { status: number; body: unknown }): ApiError {
  const body = (response.body ?? {}) as { reason?: string; message?: string };
  return new ApiError(call, response.status, body.reason ?? String(response.status), `${call}: ${response.status} ${body.message ?? ""}`.trim());
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
