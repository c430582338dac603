import { parseBoundedYaml as parse } from "../util/bounded-yaml.js";
import type { ClusterView } from "../view/cluster-view.js";

export const PROXY_CONFIG_ANNOTATION = "proxy.istio.io/config";

export type OutboundMode = "ALLOW_ANY" | "REGISTRY_ONLY";

export interface OutboundPolicy {
  mode: OutboundMode;
  /** Whether the mesh config says so, or the mode is Istio's default (ALLOW_ANY). */
  explicit: boolean;
  /** Where the mesh config came from. */
  source: MeshConfigSource;
}

export interface MeshConfigSource {
  path: string;
  line?: number;
}

/** Where the mesh config came from: the `istio` ConfigMap's `mesh` key, or a meshconfig file. */
export function meshConfigSource(view: ClusterView): MeshConfigSource {
  const loaded = view.getLoaded("ConfigMap", "istio-system", "istio");
  if (loaded) return { path: loaded.origin.file, line: loaded.locate?.(["data", "mesh"]) ?? loaded.origin.line };
  return { path: "mesh config" };
}

/** The mesh's outboundTrafficPolicy.mode (MeshConfig in the `istio` ConfigMap); ALLOW_ANY when unset. */
export function outboundPolicy(view: ClusterView): OutboundPolicy | undefined {
  const mesh = view.meshConfig;
  if (!mesh) return undefined;
  const mode = mesh.outboundTrafficPolicy?.mode;
  return { mode: mode === "REGISTRY_ONLY" ? "REGISTRY_ONLY" : "ALLOW_ANY", explicit: mode !== undefined, source: meshConfigSource(view) };
}

export interface ProxyConfigParse {
  value?: Record<string, unknown>;
  error?: string;
}

/** Parses the `proxy.istio.io/config` annotation (YAML or JSON ProxyConfig). */
export function parseProxyConfigAnnotation(text: string): ProxyConfigParse {
  try {
    const value: unknown = parse(text);
    if (value === null || value === undefined) return { value: {} };
    if (typeof value !== "object" || Array.isArray(value)) return { error: "is not a YAML mapping of ProxyConfig fields" };
    return { value: value as Record<string, unknown> };
  } catch (error) {
    return { error: `is not valid YAML: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}` };
  }
}

/** Whether the app waits for the proxy: per pod (annotation) or mesh-wide (defaultConfig). */
export function holdsApplicationUntilProxyStarts(view: ClusterView, annotations: Record<string, string> | undefined): boolean {
  const annotation = annotations?.[PROXY_CONFIG_ANNOTATION];
  if (annotation) {
    const parsed = parseProxyConfigAnnotation(annotation).value;
    if (parsed && typeof parsed.holdApplicationUntilProxyStarts === "boolean") return parsed.holdApplicationUntilProxyStarts;
  }
  return view.meshConfig?.defaultConfig?.holdApplicationUntilProxyStarts === true;
}
