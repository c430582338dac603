import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { ISTIO_WORKLOAD_SELECTOR, labelMapMatches, type Labels } from "../k8s/selectors.js";
import {
  ambientWorkloads,
  DATAPLANE_MODE_LABEL,
  enrolledForWaypoint,
  hostAsService,
  isAmbientNamespace,
  isServiceTarget,
  isWaypointWorkload,
  l7AuthorizationReason,
  l7DestinationRuleReason,
  l7TelemetryReason,
  policyTargets,
  virtualServiceNeedsWaypoint,
} from "./ambient.js";
import { declaredNamespaceLabels } from "../k8s/namespaces.js";
import { arrayOf, namespaceOf, recordOf, stringMapOf } from "../k8s/objects.js";

/** The policy kinds a waypoint enforces in ambient mode, with the Kiali codes for each. */
export interface AmbientPolicyKind {
  kind: string;
  /** Needs no waypoint enrollment (KIA0109, KIA1110, KIA1111, KIA1112). */
  noWaypointCode: string;
  /** Attached by selector, which waypoints ignore (KIA0110, KIA1115, KIA1116, KIA1117). */
  noTargetRefsCode: string;
  /** What makes the object need a waypoint; undefined when ztunnel alone applies it. */
  l7Reason(spec: Record<string, unknown>): string | undefined;
}

export const AMBIENT_POLICY_KINDS: AmbientPolicyKind[] = [
  { kind: "AuthorizationPolicy", noWaypointCode: "KIA0109", noTargetRefsCode: "KIA0110", l7Reason: l7AuthorizationReason },
  { kind: "RequestAuthentication", noWaypointCode: "KIA1110", noTargetRefsCode: "KIA1115", l7Reason: () => "JWT validation" },
  { kind: "WasmPlugin", noWaypointCode: "KIA1111", noTargetRefsCode: "KIA1116", l7Reason: () => "a Wasm extension" },
  { kind: "Telemetry", noWaypointCode: "KIA1112", noTargetRefsCode: "KIA1117", l7Reason: l7TelemetryReason },
];

export interface AmbientPolicy {
  object: KubeObject;
  spec: Record<string, unknown>;
  kind: AmbientPolicyKind;
  namespace: string;
  namespaceLabels: Labels;
  reason: string;
}

/** L7 policies in namespaces whose data plane is ambient. */
export function ambientL7Policies(view: ClusterView): AmbientPolicy[] {
  const out: AmbientPolicy[] = [];
  for (const kind of AMBIENT_POLICY_KINDS) {
    for (const object of view.kind(kind.kind)) {
      if (!(object.apiVersion ?? "").includes("istio.io/")) continue;
      const namespace = namespaceOf(object);
      const namespaceLabels = declaredNamespaceLabels(view, namespace);
      if (!isAmbientNamespace(namespaceLabels)) continue;
      const spec = recordOf(object.spec) ?? {};
      const reason = kind.l7Reason(spec);
      if (reason) out.push({ object, spec, kind, namespace, namespaceLabels: namespaceLabels!, reason });
    }
  }
  return out;
}

/** Why the policy's targets are not enrolled in a waypoint, or undefined when they are. */
export function unenrolledTargets(view: ClusterView, policy: AmbientPolicy): string | undefined {
  const { namespace, namespaceLabels } = policy;
  // Service targets decide when any resolves: a Service that opts out (use-waypoint=none) counts even in an enrolled namespace.
  const services = policyTargets(policy.spec)
    .filter(isServiceTarget)
    .flatMap((target) => {
      const service = view.get("Service", namespace, target.name);
      return service ? [service] : [];
    });
  if (services.length > 0) {
    const unenrolled = services.find((service) => !enrolledForWaypoint(stringMapOf(service.metadata.labels), namespaceLabels));
    return unenrolled ? `Service ${namespace}/${unenrolled.metadata.name} is not enrolled in a waypoint` : undefined;
  }
  const namespaceReason = enrolledForWaypoint(undefined, namespaceLabels) ? undefined : `namespace ${namespace} is not enrolled in a waypoint (no istio.io/use-waypoint label)`;
  const matchLabels = stringMapOf(recordOf(policy.spec.selector)?.matchLabels);
  if (Object.keys(matchLabels).length === 0) return namespaceReason;
  let matchedAmbient = false;
  let matchedOptedOut = false;
  for (const workload of ambientWorkloads(view)) {
    if (workload.namespace !== namespace || isWaypointWorkload(workload.labels) || !labelMapMatches(matchLabels, workload.labels, ISTIO_WORKLOAD_SELECTOR)) continue;
    if (workload.labels[DATAPLANE_MODE_LABEL] === "none") {
      matchedOptedOut = true;
      continue;
    }
    matchedAmbient = true;
    if (!enrolledForWaypoint(workload.labels, namespaceLabels)) return `the workload ${workload.object.kind} ${namespace}/${workload.name} it selects is not enrolled in a waypoint`;
  }
  if (matchedAmbient || matchedOptedOut) return undefined;
  return namespaceReason;
}

/** A VirtualService or DestinationRule whose routing only a waypoint applies in ambient mode. */
export interface AmbientRoute {
  object: KubeObject;
  namespace: string;
  /** KIA1109/KIA1113/KIA1114 for VirtualServices, KIA0210/KIA0211/KIA0212 for DestinationRules. */
  codes: { noWaypoint: string; notCaptured: string; notInServiceNamespace: string };
  /** Where the hosts are: `spec.hosts` or `spec.host`. */
  hostPath(index: number): Array<string | number>;
  reason: string;
  /** Destination Services in ambient namespaces. */
  destinations: Array<{ service: KubeObject; namespace: string; enrolled: boolean; hostIndex: number }>;
  /** No host resolved to a Service in an ambient namespace: judged by the object's own namespace. */
  namespaceFallback: { ambient: boolean; enrolled: boolean };
}

const VIRTUAL_SERVICE_CODES = { noWaypoint: "KIA1109", notCaptured: "KIA1113", notInServiceNamespace: "KIA1114" };
const DESTINATION_RULE_CODES = { noWaypoint: "KIA0210", notCaptured: "KIA0211", notInServiceNamespace: "KIA0212" };

/** L7 VirtualServices (HTTP/TLS routes for mesh traffic) and DestinationRules (HTTP pool, hashing, outlier detection), with their ambient destinations. */
export function ambientRoutes(view: ClusterView): AmbientRoute[] {
  const namespaces = new Set(view.kind("Namespace").map((ns) => ns.metadata.name ?? ""));
  const out: AmbientRoute[] = [];
  const read = (object: KubeObject, hosts: unknown[], codes: AmbientRoute["codes"], hostPath: AmbientRoute["hostPath"], reason: string) => {
    const namespace = namespaceOf(object);
    const destinations: AmbientRoute["destinations"] = [];
    const seen = new Set<string>();
    hosts.forEach((host, hostIndex) => {
      if (typeof host !== "string") return;
      const target = hostAsService(host, namespace, namespaces);
      if (!target) return;
      const labels = declaredNamespaceLabels(view, target.namespace);
      if (!isAmbientNamespace(labels)) return;
      const service = view.get("Service", target.namespace, target.name);
      if (!service) return;
      const key = `${target.namespace}/${target.name}`;
      if (seen.has(key)) return;
      seen.add(key);
      destinations.push({ service, namespace: target.namespace, enrolled: enrolledForWaypoint(stringMapOf(service.metadata.labels), labels), hostIndex });
    });
    const own = declaredNamespaceLabels(view, namespace);
    out.push({ object, namespace, codes, hostPath, reason, destinations, namespaceFallback: { ambient: isAmbientNamespace(own), enrolled: enrolledForWaypoint(undefined, own) } });
  };
  for (const vs of view.kind("VirtualService")) {
    const spec = recordOf(vs.spec) ?? {};
    if (!(vs.apiVersion ?? "").includes("istio.io/") || !virtualServiceNeedsWaypoint(spec)) continue;
    read(vs, arrayOf(spec.hosts), VIRTUAL_SERVICE_CODES, (index) => ["spec", "hosts", index], "HTTP or TLS routes for mesh traffic");
  }
  for (const dr of view.kind("DestinationRule")) {
    const spec = recordOf(dr.spec) ?? {};
    const reason = (dr.apiVersion ?? "").includes("istio.io/") ? l7DestinationRuleReason(spec) : undefined;
    if (!reason) continue;
    read(dr, [spec.host], DESTINATION_RULE_CODES, () => ["spec", "host"], reason);
  }
  return out;
}
