/**
 * Whether Envoy writes access logs for a workload, as Istio decides it: the
 * most specific Telemetry with `accessLogging` (workload selector, then the
 * namespace, then the root namespace) wins; without one, MeshConfig
 * `accessLogFile` (empty: off, Istio's default outside the demo profile).
 * https://istio.io/latest/docs/tasks/observability/logs/access-log/
 * https://istio.io/latest/docs/reference/config/telemetry/
 */
import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { labelMapMatches } from "../k8s/selectors.js";
import { meshConfigSource, type MeshConfigSource } from "./mesh-config.js";

export interface AccessLoggingState {
  /** undefined: the inputs hold neither the mesh config nor a Telemetry that decides. */
  enabled: boolean | undefined;
  /** What decided: `Telemetry ns/name`, `meshConfig.accessLogFile`. */
  decidedBy: string;
  /** The providers that write the logs (envoy = the built-in /dev/stdout provider). */
  providers: string[];
  /** The deciding Telemetry's accessLogging entries, with the file and line they sit at. */
  telemetry?: { entries: AccessLoggingEntry[]; path?: string; line?: number };
  /** Without a deciding Telemetry: MeshConfig's accessLogFile ("" when empty or unset) and where the mesh config came from. */
  meshConfig?: { accessLogFile: string; set: boolean; rootNamespace: string; source: MeshConfigSource };
}

export interface AccessLoggingEntry {
  providers?: Array<{ name?: string }>;
  disabled?: boolean;
}

function entriesOf(telemetry: KubeObject): AccessLoggingEntry[] | undefined {
  const list = telemetry.spec?.accessLogging as AccessLoggingEntry[] | undefined;
  return Array.isArray(list) && list.length > 0 ? list : undefined;
}

function selectorOf(telemetry: KubeObject): Record<string, string> | undefined {
  const labels = (telemetry.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  return labels && Object.keys(labels).length > 0 ? labels : undefined;
}

/** The Telemetry that decides access logging for a workload, most specific first; targetRef(s) Telemetries (Gateway API) are skipped. */
function decidingTelemetry(view: ClusterView, namespace: string, labels: Record<string, string>, rootNamespace: string): KubeObject | undefined {
  const telemetries = view.kind("Telemetry").filter((telemetry) => entriesOf(telemetry) && !telemetry.spec?.targetRef && !telemetry.spec?.targetRefs);
  const inNamespace = telemetries.filter((telemetry) => telemetry.metadata.namespace === namespace);
  return (
    inNamespace.find((telemetry) => selectorOf(telemetry) && labelMapMatches(selectorOf(telemetry), labels, { absent: "nothing" })) ??
    inNamespace.find((telemetry) => !selectorOf(telemetry)) ??
    telemetries.find((telemetry) => telemetry.metadata.namespace === rootNamespace && !selectorOf(telemetry))
  );
}

export function accessLoggingFor(view: ClusterView, namespace: string, labels: Record<string, string>): AccessLoggingState {
  const mesh = view.meshConfig;
  const rootNamespace = mesh?.rootNamespace ?? "istio-system";
  const telemetry = decidingTelemetry(view, namespace, labels, rootNamespace);
  const defaultProviders = mesh?.defaultProviders?.accessLogging ?? [];
  if (telemetry) {
    const loaded = view.getLoaded("Telemetry", telemetry.metadata.namespace ?? "", telemetry.metadata.name ?? "");
    const entries = entriesOf(telemetry)!;
    const active = entries.filter((entry) => entry.disabled !== true);
    const providers = [...new Set(active.flatMap((entry) => (entry.providers?.length ? entry.providers.map((provider) => provider.name ?? "") : defaultProviders.length ? defaultProviders : ["envoy"])).filter(Boolean))];
    return {
      enabled: active.length > 0,
      decidedBy: `Telemetry ${telemetry.metadata.namespace}/${telemetry.metadata.name}`,
      providers,
      telemetry: { entries, path: loaded?.origin.file, line: loaded?.locate?.(["spec", "accessLogging"]) ?? loaded?.origin.line },
    };
  }
  if (!mesh) return { enabled: undefined, decidedBy: "unknown", providers: [] };
  const file = mesh.accessLogFile ?? "";
  return {
    enabled: file !== "",
    decidedBy: "meshConfig.accessLogFile",
    providers: file ? [`file ${file}`] : [],
    meshConfig: { accessLogFile: file, set: mesh.accessLogFile !== undefined, rootNamespace, source: meshConfigSource(view) },
  };
}

/** The Telemetry that turns access logs on for one namespace (or the whole mesh in the root namespace). */
export function accessLoggingTelemetryYaml(namespace: string): string {
  return `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: access-logs
  namespace: ${namespace}
spec:
  accessLogging:
  - providers:
    - name: envoy
`;
}
