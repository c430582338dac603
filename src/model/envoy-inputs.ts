import type { Origin } from "./kube.js";

/** Envoy data plane evidence held by the ClusterView. */
export interface EnvoyInputs {
  /** Envoy `/config_dump` documents (or `istioctl proxy-config all -o json`), one per proxy. */
  configDumps: ConfigDumpInput[];
  /** `istioctl proxy-status` outputs (text or JSON) or istiod `/debug/syncz`. */
  proxyStatus: ProxyStatusInput[];
  /** Access logs: istio-proxy container logs or files given to `envoy logs`. */
  accessLogs: AccessLogInput[];
}

export interface ConfigDumpInput {
  /** `pod.namespace` of the proxy when known. */
  proxy?: string;
  origin: Origin;
  /**
   * The parsed dump (an Envoy `ConfigDump`, made by the source that read it), or
   * `{ streamFrom: path }` for files too large to read whole until `resolveLargeEnvoyInputs` has indexed them.
   */
  dump: unknown;
  /** Set once the source has read the dump's bootstrap: `proxy` then holds the name the bootstrap gives, and what is wrong with it was reported. */
  bootstrapRead?: boolean;
}

export interface ProxyStatusInput {
  origin: Origin;
  text: string;
  /** The parsed table (an Envoy `ProxyStatusTable`), filled by the source that read the text. */
  table?: unknown;
}

export interface AccessLogInput {
  proxy?: string;
  origin: Origin;
  /** Read from here lazily (large files are streamed) ... */
  path?: string;
  /** ... or held in memory (live logs, snapshot logs). */
  lines?: string[];
  firstLine?: number;
  /** Envoy format string the lines use, when not Istio's default TEXT/JSON. */
  format?: string;
  /** The one-pass summary rules read (an Envoy `AccessLogSummary`): made by the source from `lines`, or by `resolveLargeEnvoyInputs` for `path` inputs. */
  summary?: unknown;
  /** Its requests over time (an Envoy `TrafficTimeline`), made with the summary when the view is read for an HTML page. */
  timeline?: unknown;
}

export function emptyEnvoyInputs(): EnvoyInputs {
  return { configDumps: [], proxyStatus: [], accessLogs: [] };
}
