/** A kind the live source reads, and where the API serves it. */
export interface ResourceType {
  kind: string;
  /** "" for the core group. */
  group: string;
  version: string;
  /** Plural name in URLs and RBAC rules. */
  resource: string;
  namespaced: boolean;
}

const core = (kind: string, resource: string, namespaced = true): ResourceType => ({ kind, group: "", version: "v1", resource, namespaced });
const apps = (kind: string, resource: string): ResourceType => ({ kind, group: "apps", version: "v1", resource, namespaced: true });

export const PODS = core("Pod", "pods");
export const EVENTS = core("Event", "events");
export const SERVICES = core("Service", "services");
export const CONFIGMAPS = core("ConfigMap", "configmaps");
export const SECRETS = core("Secret", "secrets");
export const SERVICE_ACCOUNTS = core("ServiceAccount", "serviceaccounts");
export const PVCS = core("PersistentVolumeClaim", "persistentvolumeclaims");
export const NODES = core("Node", "nodes", false);
export const NAMESPACES = core("Namespace", "namespaces", false);
export const REPLICASETS = apps("ReplicaSet", "replicasets");
export const DEPLOYMENTS = apps("Deployment", "deployments");
export const STATEFULSETS = apps("StatefulSet", "statefulsets");
export const DAEMONSETS = apps("DaemonSet", "daemonsets");
export const JOBS: ResourceType = { kind: "Job", group: "batch", version: "v1", resource: "jobs", namespaced: true };
export const CRONJOBS: ResourceType = { kind: "CronJob", group: "batch", version: "v1", resource: "cronjobs", namespaced: true };
export const NETWORK_POLICIES: ResourceType = { kind: "NetworkPolicy", group: "networking.k8s.io", version: "v1", resource: "networkpolicies", namespaced: true };
/** metrics-server's view of a pod: each container's working set (served only where metrics-server runs). */
export const POD_METRICS: ResourceType = { kind: "PodMetrics", group: "metrics.k8s.io", version: "v1beta1", resource: "pods", namespaced: true };
export const MUTATING_WEBHOOKS: ResourceType = {
  kind: "MutatingWebhookConfiguration",
  group: "admissionregistration.k8s.io",
  version: "v1",
  resource: "mutatingwebhookconfigurations",
  namespaced: false,
};

/** Owner kinds a pod's chain may pass through, by kind. */
export const OWNER_TYPES: Record<string, ResourceType> = {
  ReplicaSet: REPLICASETS,
  Deployment: DEPLOYMENTS,
  StatefulSet: STATEFULSETS,
  DaemonSet: DAEMONSETS,
  Job: JOBS,
  CronJob: CRONJOBS,
};

/** Workload kinds a namespace scan lists. */
export const WORKLOAD_TYPES: ResourceType[] = [DEPLOYMENTS, REPLICASETS, STATEFULSETS, DAEMONSETS, JOBS, CRONJOBS];

/** Istio kinds the rules read, by API group; the served version comes from discovery. */
export const ISTIO_KINDS: Record<string, Array<{ kind: string; resource: string }>> = {
  "networking.istio.io": [
    { kind: "VirtualService", resource: "virtualservices" },
    { kind: "DestinationRule", resource: "destinationrules" },
    { kind: "Gateway", resource: "gateways" },
    { kind: "ServiceEntry", resource: "serviceentries" },
    { kind: "Sidecar", resource: "sidecars" },
    { kind: "EnvoyFilter", resource: "envoyfilters" },
    { kind: "WorkloadEntry", resource: "workloadentries" },
  ],
  "security.istio.io": [
    { kind: "PeerAuthentication", resource: "peerauthentications" },
    { kind: "AuthorizationPolicy", resource: "authorizationpolicies" },
    { kind: "RequestAuthentication", resource: "requestauthentications" },
  ],
};

/** The namespace Istio keeps its root configuration and the `istio` mesh ConfigMap in. */
export const ISTIO_ROOT_NAMESPACE = "istio-system";

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** URL path of a collection (namespace undefined: all namespaces, or a cluster-scoped kind). */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const prefix = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  return type.namespaced && namespace ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${type.resource}` : `${prefix}/${type.resource}`;
}

export function objectPath(type: ResourceType, namespace: string | undefined, name: string): string {
  return `${collectionPath(type, namespace)}/${encodeURIComponent(name)}`;
}

/** The RBAC permission a call needs, in words: `list pods in namespace shop`, `get nodes (cluster-wide)`. */
export function permissionFor(verb: "get" | "list", type: ResourceType, namespace?: string, subresource?: string): string {
  const resource = `${type.resource}${subresource ? `/${subresource}` : ""}${type.group ? `.${type.group}` : ""}`;
  return type.namespaced && namespace ? `${verb} ${resource} in namespace ${namespace}` : `${verb} ${resource} (cluster-wide)`;
}
