import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { labelSelectorMatches } from "../k8s/selectors.js";
import { arrayOf, namespaceOf, recordOf, stringMapOf } from "../k8s/objects.js";

/**
 * Gateway API references as the spec defines them (https://gateway-api.sigs.k8s.io/reference/spec/):
 * parentRefs default to `Gateway` in group gateway.networking.k8s.io and the route's namespace,
 * backendRefs to a core `Service`; a reference into another namespace needs a ReferenceGrant there.
 */
export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
export const ROUTE_KINDS = ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"] as const;

export function isGatewayApiObject(object: KubeObject): boolean {
  return (object.apiVersion ?? "").startsWith(`${GATEWAY_API_GROUP}/`);
}

/** Kubernetes Gateways (not Istio's networking.istio.io Gateways). */
export function kubernetesGateways(view: ClusterView): KubeObject[] {
  return view.kind("Gateway").filter(isGatewayApiObject);
}

export interface RouteReference {
  group: string;
  kind: string;
  name: string;
  namespace: string;
  /** Namespace written explicitly. */
  crossNamespace: boolean;
  path: Array<string | number>;
}

function text(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

function reference(value: unknown, routeNamespace: string, defaults: { group: string; kind: string }, path: Array<string | number>): RouteReference | undefined {
  const ref = recordOf(value);
  if (!ref) return undefined;
  const namespace = text(ref.namespace, "") || routeNamespace;
  return { group: text(ref.group, defaults.group), kind: text(ref.kind, defaults.kind), name: text(ref.name, ""), namespace, crossNamespace: namespace !== routeNamespace, path };
}

/** A route's parentRefs with the spec's defaults. */
export function parentRefsOf(route: KubeObject): RouteReference[] {
  const namespace = namespaceOf(route);
  return arrayOf(recordOf(route.spec)?.parentRefs).flatMap((ref, index) => reference(ref, namespace, { group: GATEWAY_API_GROUP, kind: "Gateway" }, ["spec", "parentRefs", index, "name"]) ?? []);
}

/** A route's rules[].backendRefs with the spec's defaults. */
export function backendRefsOf(route: KubeObject): RouteReference[] {
  const namespace = namespaceOf(route);
  const out: RouteReference[] = [];
  arrayOf(recordOf(route.spec)?.rules).forEach((rule, ruleIndex) => {
    arrayOf(recordOf(rule)?.backendRefs).forEach((ref, index) => {
      const parsed = reference(ref, namespace, { group: "", kind: "Service" }, ["spec", "rules", ruleIndex, "backendRefs", index, "name"]);
      if (parsed) out.push(parsed);
    });
  });
  return out;
}

export function isServiceReference(ref: RouteReference): boolean {
  return ref.kind === "Service" && (ref.group === "" || ref.group === "core");
}

/** Whether a ReferenceGrant in the target namespace lets `fromKind` objects of `fromNamespace` refer to `toKind` (optionally by name). */
export function referenceGranted(view: ClusterView, fromKind: string, fromNamespace: string, toKind: string, toNamespace: string, toName: string): boolean {
  return view.kind("ReferenceGrant").some((grant) => {
    if (namespaceOf(grant) !== toNamespace) return false;
    const spec = recordOf(grant.spec) ?? {};
    const from = arrayOf(spec.from).some((entry) => {
      const record = recordOf(entry) ?? {};
      return record.kind === fromKind && record.namespace === fromNamespace && text(record.group, "") === GATEWAY_API_GROUP;
    });
    if (!from) return false;
    return arrayOf(spec.to).some((entry) => {
      const record = recordOf(entry) ?? {};
      return record.kind === toKind && text(record.group, "") === "" && (record.name === undefined || record.name === toName);
    });
  });
}

/** Whether a Gateway accepts routes from a namespace: its own, or a listener's allowedRoutes `All` or a `Selector` matching the namespace's labels. */
export function gatewayAcceptsNamespace(view: ClusterView, gateway: KubeObject, routeNamespace: string): boolean {
  if (namespaceOf(gateway) === routeNamespace) return true;
  const namespace = view.get("Namespace", undefined, routeNamespace);
  return arrayOf(recordOf(gateway.spec)?.listeners).some((listener) => {
    const namespaces = recordOf(recordOf(recordOf(listener)?.allowedRoutes)?.namespaces);
    if (namespaces?.from === "All") return true;
    if (namespaces?.from === "Selector" && namespace) return labelSelectorMatches(namespaces.selector, stringMapOf(namespace.metadata.labels), { absent: "nothing", empty: "everything" });
    return false;
  });
}

export interface Listener {
  name: string;
  hostname: string | undefined;
  port: unknown;
  protocol: unknown;
  index: number;
}

export function listenersOf(gateway: KubeObject): Listener[] {
  return arrayOf(recordOf(gateway.spec)?.listeners).flatMap((item, index) => {
    const listener = recordOf(item);
    if (!listener) return [];
    return [{ name: text(listener.name, ""), hostname: typeof listener.hostname === "string" ? listener.hostname : undefined, port: listener.port, protocol: listener.protocol, index }];
  });
}

/** Two listeners that serve the same hostname, port and protocol (both with a hostname, as Kiali compares them). */
export function sameListener(a: Listener, b: Listener): boolean {
  return a.hostname !== undefined && a.hostname === b.hostname && a.port === b.port && a.protocol === b.protocol;
}

/** The GatewayClasses Istio creates when it is installed. */
export const ISTIO_GATEWAY_CLASSES = new Set(["istio", "istio-remote", "istio-waypoint", "istio-east-west"]);
