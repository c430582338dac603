/**
 * Envoy's admin interface (port 15000 of every Istio proxy) and istiod's
 * debug endpoints, read live through the API server's proxy subresources
 * with the same read-only client live mode uses: GET only, so it needs
 * `pods/proxy` get (and `services/proxy` get for istiod), never pods/exec.
 * https://kubernetes.io/docs/tasks/access-application-cluster/access-cluster-services/#manually-constructing-apiserver-proxy-urls
 */
import type { KubeObject } from "../../model/kube.js";
import { DEFAULT_LIMITS, KubeClient } from "./client.js";
import { ApiError, LiveUnavailableError } from "./errors.js";
import { resolveKubeConfig } from "./kubeconfig.js";

export const ENVOY_ADMIN_PORT = 15000;

export interface EnvoyAdminOptions {
  kubeconfig?: string;
  context?: string;
  /** Namespace of the pod; the context's namespace when absent. */
  namespace?: string;
  timeoutMs?: number;
  /** Envoy's admin port on the pod (15000 in Istio). */
  adminPort?: number;
}

/** The admin endpoints ktriage reads; all are GETs that change nothing in Envoy. */
export type AdminEndpoint = "config_dump" | "clusters" | "stats" | "server_info" | "logging";

const QUERIES: Record<AdminEndpoint, Record<string, string> | undefined> = {
  config_dump: { include_eds: "true" },
  clusters: { format: "json" },
  stats: undefined,
  server_info: undefined,
  logging: undefined,
};

export function podProxyPath(namespace: string, pod: string, port: number, endpoint: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}:${port}/proxy/${endpoint}`;
}

export function istiodSynczPath(istioNamespace: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(istioNamespace)}/services/http:istiod:15014/proxy/debug/syncz`;
}

/** Reads one proxy's admin endpoints, or istiod's sync state, through the API server. */
export class EnvoyAdminSource {
  private constructor(
    private readonly client: KubeClient,
    readonly namespace: string,
    readonly server: string,
    private readonly adminPort: number,
  ) {}

  static async open(options: EnvoyAdminOptions): Promise<EnvoyAdminSource> {
    const kube = await resolveKubeConfig({ kubeconfig: options.kubeconfig, context: options.context });
    const deadline = options.timeoutMs !== undefined ? Date.now() + options.timeoutMs : undefined;
    const client = new KubeClient(kube, { ...DEFAULT_LIMITS, concurrency: 4 }, deadline);
    return new EnvoyAdminSource(client, options.namespace ?? kube.namespace, kube.server, options.adminPort ?? ENVOY_ADMIN_PORT);
  }

  /** Where a call goes, for messages and evidence. */
  describe(pod: string, endpoint: AdminEndpoint): string {
    return `api:GET ${podProxyPath(this.namespace, pod, this.adminPort, endpoint)}`;
  }

  async read(pod: string, endpoint: AdminEndpoint): Promise<string> {
    const path = podProxyPath(this.namespace, pod, this.adminPort, endpoint);
    try {
      return await this.client.getText(path, { query: QUERIES[endpoint], accept: endpoint === "stats" || endpoint === "logging" ? "text/plain" : "application/json" });
    } catch (error) {
      throw new LiveUnavailableError(explain(error, `pods/proxy in namespace ${this.namespace}`, pod));
    }
  }

  async syncz(istioNamespace: string): Promise<string> {
    try {
      return await this.client.getText(istiodSynczPath(istioNamespace), { accept: "application/json" });
    } catch (error) {
      throw new LiveUnavailableError(explain(error, `services/proxy in namespace ${istioNamespace}`, "istiod"));
    }
  }

  /**
   * The istio-proxy container's log, streamed through the API server (pods/log get), as `kubectl logs POD -c
   * istio-proxy --since=...` reads it, in constant memory whatever its size.
   */
  async proxyLog(pod: string, options: { sinceSeconds?: number; container?: string } = {}): Promise<{ stream: NodeJS.ReadableStream; done: Promise<void> }> {
    const path = `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/pods/${encodeURIComponent(pod)}/log`;
    try {
      return await this.client.stream(path, { query: { container: options.container ?? "istio-proxy", sinceSeconds: options.sinceSeconds }, accept: "*/*" });
    } catch (error) {
      throw new LiveUnavailableError(explain(error, `pods/log in namespace ${this.namespace}`, pod));
    }
  }

  /** The proxy's pod and the Services of its namespace: a trace turns a Service port into the listener port with them. */
  async podAndServices(pod: string): Promise<{ pod: KubeObject; services: KubeObject[] }> {
    const namespace = encodeURIComponent(this.namespace);
    try {
      const [object, list] = await Promise.all([this.client.getJson<KubeObject>(`/api/v1/namespaces/${namespace}/pods/${encodeURIComponent(pod)}`), this.client.getJson<{ items?: KubeObject[] }>(`/api/v1/namespaces/${namespace}/services`)]);
      return { pod: { ...object, kind: "Pod" }, services: (list.items ?? []).map((service) => ({ ...service, kind: "Service" })) };
    } catch (error) {
      throw new LiveUnavailableError(explain(error, `pods and services in namespace ${this.namespace}`, pod));
    }
  }

  /**
   * What decides access logging for a proxy: its pod, the `istio` ConfigMap
   * (MeshConfig accessLogFile) and the Telemetry resources of its namespace and
   * the root namespace. A missing Telemetry CRD or ConfigMap is absence, not an error.
   */
  async accessLoggingContext(pod: string, istioNamespace: string): Promise<KubeObject[]> {
    const namespace = encodeURIComponent(this.namespace);
    const optional = async <T>(path: string): Promise<T | undefined> => {
      try {
        return await this.client.getJson<T>(path);
      } catch (error) {
        if (error instanceof ApiError && (error.notFound || error.forbidden)) return undefined;
        throw error;
      }
    };
    const [object, mesh, ...telemetries] = await Promise.all([
      optional<KubeObject>(`/api/v1/namespaces/${namespace}/pods/${encodeURIComponent(pod)}`),
      optional<KubeObject>(`/api/v1/namespaces/${encodeURIComponent(istioNamespace)}/configmaps/istio`),
      ...[...new Set([this.namespace, istioNamespace])].map((ns) => optional<{ items?: KubeObject[] }>(`/apis/telemetry.istio.io/v1/namespaces/${encodeURIComponent(ns)}/telemetries`)),
    ]);
    return [
      ...(object ? [{ ...object, kind: "Pod" }] : []),
      ...(mesh ? [{ ...mesh, kind: "ConfigMap" }] : []),
      ...telemetries.flatMap((list) => (list?.items ?? []).map((item) => ({ ...item, apiVersion: item.apiVersion ?? "telemetry.istio.io/v1", kind: "Telemetry" }))),
    ];
  }

  close(): void {
    this.client.close();
  }
}

function explain(error: unknown, permission: string, target: string): string {
  if (error instanceof ApiError) {
    // RBAC's 403 says who may not do what; any other 403 came from behind the proxy (the pod, or the API server refusing the address).
    if (error.forbidden && /is forbidden: User |cannot get resource/.test(error.message)) return `${error.call}: 403 Forbidden: reading ${target} needs get on ${permission}`;
    if (error.forbidden) return `${error.message} (the API server allowed the request; the answer came from ${target} or the proxy to it)`;
    if (error.notFound) return `${error.call}: 404 Not Found: no pod ${target} (or its admin port is not served)`;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** True when Envoy refused a GET because the endpoint needs POST (newer Envoy for /logging). */
export function needsPost(error: unknown): boolean {
  return error instanceof Error && /\b405\b|requires POST/i.test(error.message);
}
