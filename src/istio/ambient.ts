import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { templateOwnerOf, podTemplatePath, labelsOf } from "../k8s/workloads.js";
import type { Labels } from "../k8s/selectors.js";
import { arrayOf, nameOf, namespaceOf, recordOf, stringMapOf } from "../k8s/objects.js";
import { declaredNamespaceLabels } from "../k8s/namespaces.js";
import { TEMPLATE_KINDS } from "./workloads.js";
import { DEFAULT_DOMAIN } from "./hosts.js";

/**
 * Ambient mode as istio.io describes it (https://istio.io/latest/docs/ambient/usage/):
 * which namespaces and workloads are in ambient, which use a waypoint, which
 * policies need one (L7), and how policies attach to it (targetRefs).
 */
export const DATAPLANE_MODE_LABEL = "istio.io/dataplane-mode";
export const USE_WAYPOINT_LABEL = "istio.io/use-waypoint";
export const USE_WAYPOINT_NAMESPACE_LABEL = "istio.io/use-waypoint-namespace";
export const WAYPOINT_FOR_LABEL = "istio.io/waypoint-for";
export const REDIRECTION_ANNOTATION = "ambient.istio.io/redirection";
export const WAYPOINT_GATEWAY_CLASS = "istio-waypoint";
const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
const INJECT_LABEL = "sidecar.istio.io/inject";

/** A namespace whose data plane is ambient (`istio.io/dataplane-mode=ambient`). */
export function isAmbientNamespace(labels: Labels | undefined): boolean {
  return labels?.[DATAPLANE_MODE_LABEL] === "ambient";
}

/** Enrolled to use a waypoint: the resource's own `istio.io/use-waypoint` wins (`none` opts out), else the namespace's. */
export function enrolledForWaypoint(resourceLabels: Labels | undefined, namespaceLabels: Labels | undefined): boolean {
  for (const labels of [resourceLabels, namespaceLabels]) {
    if (labels && USE_WAYPOINT_LABEL in labels) return labels[USE_WAYPOINT_LABEL] !== "" && labels[USE_WAYPOINT_LABEL] !== "none";
  }
  return false;
}

/** The workload asks for ambient: its own dataplane-mode label, or its namespace's unless it opts out with `none`. */
export function ambientByLabels(workloadLabels: Labels, namespaceLabels: Labels | undefined): boolean {
  const own = workloadLabels[DATAPLANE_MODE_LABEL];
  return own === "ambient" || (isAmbientNamespace(namespaceLabels) && own !== "none");
}

/** The workload asks for a sidecar: its namespace (`istio-injection=enabled`, `istio.io/rev`) or its own inject label, unless either disables it. */
export function sidecarByLabels(workloadLabels: Labels, namespaceLabels: Labels | undefined): boolean {
  const ns = namespaceLabels ?? {};
  const enabled = ns["istio-injection"] === "enabled" || (ns["istio.io/rev"] ?? "") !== "" || workloadLabels[INJECT_LABEL] === "true";
  const disabled = ns["istio-injection"] === "disabled" || workloadLabels[INJECT_LABEL] === "false";
  return enabled && !disabled;
}

/** The label that enrolls a workload in a waypoint, and where it is set (the workload or its namespace). */
export interface WaypointReference {
  name: string;
  namespace: string;
  on: "workload" | "namespace";
}

/** The waypoint a workload (or Service) is enrolled in, unless it opts out of ambient or of waypoints. */
export function waypointReferenceOf(resourceLabels: Labels, namespace: string, namespaceLabels: Labels | undefined): WaypointReference | undefined {
  if (resourceLabels[DATAPLANE_MODE_LABEL] === "none") return undefined;
  const pick = (labels: Labels, on: WaypointReference["on"]): WaypointReference | undefined => {
    const name = labels[USE_WAYPOINT_LABEL];
    if (name === undefined || name === "" || name === "none") return undefined;
    return { name, namespace: labels[USE_WAYPOINT_NAMESPACE_LABEL] || namespaceLabels?.[USE_WAYPOINT_NAMESPACE_LABEL] || namespace, on };
  };
  if (USE_WAYPOINT_LABEL in resourceLabels) return pick(resourceLabels, "workload");
  return namespaceLabels ? pick(namespaceLabels, "namespace") : undefined;
}

/** A waypoint the inputs hold: a Gateway of class istio-waypoint, or the proxy deployed for one. */
export interface Waypoint {
  name: string;
  namespace: string;
  object: KubeObject;
  /** `istio.io/waypoint-for`: service (default), workload, all or none. */
  waypointFor: string;
}

/** Whether a Gateway API object is a waypoint (class istio-waypoint, or an HBONE listener on 15008). */
export function isWaypointGateway(gateway: KubeObject): boolean {
  if (!(gateway.apiVersion ?? "").startsWith("gateway.networking.k8s.io/")) return false;
  const spec = recordOf(gateway.spec) ?? {};
  if (spec.gatewayClassName === WAYPOINT_GATEWAY_CLASS) return true;
  return arrayOf(spec.listeners).some((listener) => recordOf(listener)?.protocol === "HBONE");
}

/** Labels a waypoint proxy's pods carry: Istio names them after their Gateway. */
function isWaypointWorkloadLabels(labels: Labels): boolean {
  if (labels["gateway.istio.io/managed"] === "istio.io-mesh-controller") return true;
  const gateway = labels[GATEWAY_NAME_LABEL];
  return gateway !== undefined && gateway.toLowerCase().includes("waypoint");
}

/** Whether a workload is a waypoint proxy itself (by the labels Istio gives its pods). */
export function isWaypointWorkload(labels: Labels): boolean {
  return isWaypointWorkloadLabels(labels);
}

/** Every waypoint in the inputs, by `namespace/name`. */
export function waypointsOf(view: ClusterView): Map<string, Waypoint> {
  const out = new Map<string, Waypoint>();
  for (const gateway of view.kind("Gateway")) {
    if (!isWaypointGateway(gateway)) continue;
    const labels = stringMapOf(gateway.metadata.labels);
    out.set(`${namespaceOf(gateway)}/${nameOf(gateway)}`, { name: nameOf(gateway), namespace: namespaceOf(gateway), object: gateway, waypointFor: labels[WAYPOINT_FOR_LABEL] ?? "service" });
  }
  for (const workload of ambientWorkloads(view)) {
    if (!isWaypointWorkloadLabels(workload.labels)) continue;
    const name = workload.labels[GATEWAY_NAME_LABEL] ?? workload.name;
    const key = `${workload.namespace}/${name}`;
    if (!out.has(key)) out.set(key, { name, namespace: workload.namespace, object: workload.object, waypointFor: workload.labels[WAYPOINT_FOR_LABEL] ?? "service" });
  }
  return out;
}

/** A workload as Kiali lists them: a controller (or bare pod) with the pods it runs. */
export interface AmbientWorkload {
  object: KubeObject;
  name: string;
  namespace: string;
  /** Labels of its pods (the template's, or the first pod's when the controller is not in the inputs). */
  labels: Labels;
  /** Path to the labels to change. */
  labelsPath: string[];
  pods: KubeObject[];
}

const workloadCache = new WeakMap<ClusterView, AmbientWorkload[]>();

/** Controllers and their pods, grouped by the pods' owner; controllers owned by another in the inputs are left to their owner. */
export function ambientWorkloads(view: ClusterView): AmbientWorkload[] {
  const cached = workloadCache.get(view);
  if (cached) return cached;
  const byKey = new Map<string, AmbientWorkload>();
  for (const kind of TEMPLATE_KINDS) {
    for (const object of view.kind(kind)) {
      if ((object.metadata.ownerReferences ?? []).length > 0) continue;
      const templatePath = podTemplatePath(kind)!;
      const labelsPath = [...templatePath, "metadata", "labels"];
      let node: unknown = object;
      for (const key of labelsPath) node = recordOf(node)?.[key];
      byKey.set(`${kind}/${namespaceOf(object)}/${nameOf(object)}`, { object, name: nameOf(object), namespace: namespaceOf(object), labels: labelsOf(node), labelsPath, pods: [] });
    }
  }
  for (const pod of view.kind("Pod")) {
    const owner = templateOwnerOf(view, pod);
    const key = `${owner.kind}/${namespaceOf(pod)}/${owner.name}`;
    const existing = byKey.get(key);
    if (existing) existing.pods.push(pod);
    else byKey.set(key, { object: owner.object ?? pod, name: owner.name, namespace: namespaceOf(pod), labels: labelsOf(pod.metadata.labels), labelsPath: owner.object && owner.object !== pod ? [...owner.templatePath, "metadata", "labels"] : ["metadata", "labels"], pods: [pod] });
  }
  const list = [...byKey.values()];
  workloadCache.set(view, list);
  return list;
}

/** The pod is captured by ztunnel (the CNI agent marks it). */
export function podRedirectedToAmbient(pod: KubeObject): boolean {
  return stringMapOf(pod.metadata.annotations)[REDIRECTION_ANNOTATION] === "enabled";
}

/** A policy attaches by `targetRef` / `targetRefs` rather than by selector. */
export function hasTargetRefs(spec: Record<string, unknown>): boolean {
  return recordOf(spec.targetRef) !== undefined || arrayOf(spec.targetRefs).length > 0;
}

export interface PolicyTarget {
  group: string;
  kind: string;
  name: string;
  index: number | undefined;
}

/** `targetRef` and `targetRefs` entries, with their index in `targetRefs` (undefined for `targetRef`). */
export function policyTargets(spec: Record<string, unknown>): PolicyTarget[] {
  const out: PolicyTarget[] = [];
  const read = (value: unknown, index: number | undefined) => {
    const ref = recordOf(value);
    if (!ref) return;
    out.push({ group: typeof ref.group === "string" ? ref.group : "", kind: typeof ref.kind === "string" ? ref.kind : "", name: typeof ref.name === "string" ? ref.name : "", index });
  };
  read(spec.targetRef, undefined);
  arrayOf(spec.targetRefs).forEach((ref, index) => read(ref, index));
  return out;
}

/** A target that is a core Service. */
export function isServiceTarget(target: PolicyTarget): boolean {
  return target.kind === "Service" && (target.group === "" || target.group === "core");
}

const L7_CONDITION_PREFIXES = ["request.headers", "request.auth.claims", "request.auth.principal", "request.auth.audiences", "request.auth.presenter"];

/** What makes an AuthorizationPolicy L7 (enforced by a waypoint, not ztunnel), or undefined for an L4 policy. */
export function l7AuthorizationReason(spec: Record<string, unknown>): string | undefined {
  for (const rule of arrayOf(spec.rules)) {
    const record = recordOf(rule) ?? {};
    for (const condition of arrayOf(record.when)) {
      const key = recordOf(condition)?.key;
      if (typeof key === "string" && L7_CONDITION_PREFIXES.some((prefix) => key.startsWith(prefix))) return `condition ${key}`;
    }
    for (const to of arrayOf(record.to)) {
      const operation = recordOf(recordOf(to)?.operation) ?? {};
      for (const field of ["methods", "notMethods", "paths", "notPaths", "hosts", "notHosts"]) if (arrayOf(operation[field]).length > 0) return `HTTP ${field}`;
    }
    for (const from of arrayOf(record.from)) {
      const source = recordOf(recordOf(from)?.source) ?? {};
      if (arrayOf(source.requestPrincipals).length > 0 || arrayOf(source.notRequestPrincipals).length > 0) return "request principals (JWT)";
    }
  }
  return undefined;
}

function trafficPolicyL7(policy: unknown): string | undefined {
  const record = recordOf(policy);
  if (!record) return undefined;
  const hash = recordOf(recordOf(record.loadBalancer)?.consistentHash);
  if (hash && ((typeof hash.httpHeaderName === "string" && hash.httpHeaderName !== "") || recordOf(hash.httpCookie))) return "HTTP-based consistent hashing";
  if (recordOf(recordOf(record.connectionPool)?.http)) return "HTTP connection pool settings";
  if (recordOf(record.outlierDetection)) return "outlier detection";
  return undefined;
}

/** What makes a DestinationRule L7 (applied by a waypoint), or undefined. */
export function l7DestinationRuleReason(spec: Record<string, unknown>): string | undefined {
  const top = trafficPolicyL7(spec.trafficPolicy);
  if (top) return top;
  for (const subset of arrayOf(spec.subsets)) {
    const reason = trafficPolicyL7(recordOf(subset)?.trafficPolicy);
    if (reason) return `${reason} in a subset`;
  }
  return undefined;
}

/** HTTP or TLS routes that apply to mesh traffic (no gateways, or `mesh` among them): only a waypoint applies them in ambient. */
export function virtualServiceNeedsWaypoint(spec: Record<string, unknown>): boolean {
  if (arrayOf(spec.http).length === 0 && arrayOf(spec.tls).length === 0) return false;
  const gateways = arrayOf(spec.gateways);
  return gateways.length === 0 || gateways.includes("mesh");
}

/** What makes a Telemetry L7 (tracing, access logs, metric overrides), or undefined for L4 metrics alone. */
export function l7TelemetryReason(spec: Record<string, unknown>): string | undefined {
  if (arrayOf(spec.tracing).length > 0) return "tracing";
  if (arrayOf(spec.accessLogging).length > 0) return "access logging";
  if (arrayOf(spec.metrics).some((metric) => arrayOf(recordOf(metric)?.overrides).length > 0)) return "metric overrides";
  return undefined;
}

/** A host of a VirtualService or DestinationRule as a Service: short names are in the object's namespace. */
export function hostAsService(host: string, objectNamespace: string, namespaces: ReadonlySet<string>, domain = DEFAULT_DOMAIN): { name: string; namespace: string } | undefined {
  if (host === "" || host.includes("*")) return undefined;
  const suffix = `.svc.${domain}`;
  const parts = (host.endsWith(suffix) ? host.slice(0, -suffix.length) : host).split(".");
  if (parts.length === 1) return { name: parts[0]!, namespace: objectNamespace };
  if (parts.length === 2 && (host.endsWith(suffix) || namespaces.has(parts[1]!))) return { name: parts[0]!, namespace: parts[1]! };
  return undefined;
}

/** Gateway proxies (ingress, egress, Gateway API deployments) run an istio-proxy by design, whatever the namespace's data plane. */
export function isGatewayWorkload(workload: AmbientWorkload): boolean {
  const labels = workload.labels;
  if (labels[GATEWAY_NAME_LABEL] !== undefined || labels["istio"] === "ingressgateway" || labels["istio"] === "egressgateway") return true;
  const pod = workload.pods[0];
  const annotations = stringMapOf(pod?.metadata.annotations);
  return annotations["inject.istio.io/templates"] === "gateway";
}

/** Whether the inputs hold a namespace at all (its Namespace object or any object in it). */
export function namespaceInInputs(view: ClusterView, namespace: string): boolean {
  return view.get("Namespace", undefined, namespace) !== undefined || ambientWorkloads(view).some((workload) => workload.namespace === namespace);
}

/** The waypoint a reference names, when the inputs hold it and it serves traffic (`istio.io/waypoint-for` is not none). */
export function resolveWaypoint(waypoints: ReadonlyMap<string, Waypoint>, reference: WaypointReference): { waypoint?: Waypoint; problem?: string } {
  const waypoint = waypoints.get(`${reference.namespace}/${reference.name}`);
  if (!waypoint) return { problem: `no waypoint ${reference.namespace}/${reference.name} exists` };
  if (waypoint.waypointFor === "none") return { waypoint, problem: `waypoint ${reference.namespace}/${reference.name} has ${WAYPOINT_FOR_LABEL}=none and serves no traffic` };
  return { waypoint };
}

/** What a workload's pods will be, told from its pod template and its namespace's labels. */
export interface PredictedPods {
  /** The injector adds a sidecar (by the namespace's or the template's labels). */
  sidecar: boolean;
  /** ztunnel captures them: ambient by labels and no sidecar (ztunnel skips pods that run one). */
  captured: boolean;
  /** What asks for the sidecar, when there is one. */
  injectedBy?: string;
  /** Why, for the message. */
  because: string;
}

/**
 * The pods a controller will run, when the inputs hold the controller but none of its pods (manifests
 * before they are applied) and hold its Namespace; undefined when that cannot be told (pods are in the
 * inputs: they say it; no Namespace object; no replicas).
 */
export function predictedPods(view: ClusterView, workload: AmbientWorkload): PredictedPods | undefined {
  if (workload.pods.length > 0 || workload.object.kind === "Pod") return undefined;
  if (recordOf(workload.object.spec)?.replicas === 0) return undefined;
  const namespaceLabels = declaredNamespaceLabels(view, workload.namespace);
  if (!namespaceLabels) return undefined;
  const sidecar = sidecarByLabels(workload.labels, namespaceLabels);
  const ambient = ambientByLabels(workload.labels, namespaceLabels);
  const injection = workload.labels[INJECT_LABEL] === "true" ? `its template's label ${INJECT_LABEL}=true` : namespaceLabels["istio-injection"] === "enabled" ? `namespace ${workload.namespace}'s label istio-injection=enabled` : `namespace ${workload.namespace}'s label istio.io/rev=${namespaceLabels["istio.io/rev"] ?? ""}`;
  const because = sidecar
    ? `the injector adds a sidecar (${injection}), and ztunnel skips pods that run one`
    : ambient
      ? "they are in ambient mode"
      : `neither its template nor namespace ${workload.namespace} has ${DATAPLANE_MODE_LABEL}=ambient`;
  return { sidecar, captured: ambient && !sidecar, because, ...(sidecar ? { injectedBy: injection } : {}) };
}
