import { declaredNamespaceLabels } from "../k8s/namespaces.js";
import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { namespaceOf, recordOf, stringMapOf } from "../k8s/objects.js";
import type { WorkloadInstance } from "./workloads.js";
import { hasProxyContainer } from "./sidecar.js";
import { ISTIO_WORKLOAD_SELECTOR, labelMapMatches } from "../k8s/selectors.js";

export type MtlsMode = "STRICT" | "PERMISSIVE" | "DISABLE";

export interface EffectiveMtls {
  mode: MtlsMode;
  /** The PeerAuthentication that decides, if any (mesh default PERMISSIVE otherwise). */
  source?: KubeObject;
  /** `workload`, `namespace`, `mesh`, `port` or `default`. */
  scope: "port" | "workload" | "namespace" | "mesh" | "default";
}

/** The mesh root namespace (MeshConfig rootNamespace, istio-system by default). */
export function rootNamespace(view: ClusterView): string {
  return view.meshConfig?.rootNamespace || "istio-system";
}

function modeOf(policy: KubeObject | undefined): MtlsMode | undefined {
  const mode = recordOf(recordOf(policy?.spec)?.mtls)?.mode;
  return mode === "STRICT" || mode === "PERMISSIVE" || mode === "DISABLE" ? mode : undefined;
}

/**
 * The mTLS mode a workload's sidecar enforces on inbound traffic, as Istio
 * resolves PeerAuthentication: a port-level setting of the workload policy,
 * then the workload policy, the namespace policy, the mesh policy (root
 * namespace, no selector); UNSET inherits; PERMISSIVE when nothing is set.
 */
export function effectiveMtls(view: ClusterView, namespace: string, labels: Record<string, string>, targetPort?: number): EffectiveMtls {
  const policies = view.kind("PeerAuthentication");
  const selectorOf = (policy: KubeObject) => stringMapOf(recordOf(recordOf(policy.spec)?.selector)?.matchLabels);
  const workload = policies.find((policy) => namespaceOf(policy) === namespace && Object.keys(selectorOf(policy)).length > 0 && labelMapMatches(selectorOf(policy), labels, ISTIO_WORKLOAD_SELECTOR));
  const namespaced = policies.find((policy) => namespaceOf(policy) === namespace && Object.keys(selectorOf(policy)).length === 0);
  const mesh = policies.find((policy) => namespaceOf(policy) === rootNamespace(view) && Object.keys(selectorOf(policy)).length === 0);
  if (workload && targetPort !== undefined) {
    const portMode = recordOf(recordOf(recordOf(workload.spec)?.portLevelMtls)?.[String(targetPort)])?.mode;
    if (portMode === "STRICT" || portMode === "PERMISSIVE" || portMode === "DISABLE") return { mode: portMode, source: workload, scope: "port" };
  }
  for (const [policy, scope] of [
    [workload, "workload"],
    [namespaced, "namespace"],
    [mesh, "mesh"],
  ] as const) {
    const mode = modeOf(policy);
    if (mode) return { mode, source: policy, scope };
  }
  return { mode: "PERMISSIVE", scope: "default" };
}

/**
 * Whether a pod (or the pods of a template) runs with a sidecar: an
 * istio-proxy container, else the injection label/annotation, else the
 * namespace's injection labels. Ambient pods have none.
 */
export function runsWithSidecar(view: ClusterView, instance: WorkloadInstance): boolean {
  if (hasProxyContainer(instance.spec)) return true;
  // A running pod without istio-proxy has no sidecar, whatever its labels say; a Pod manifest is injected when created.
  if (instance.object.kind === "Pod" && view.mode !== "lint") return false;
  const explicit = instance.labels["sidecar.istio.io/inject"] ?? instance.annotations["sidecar.istio.io/inject"];
  if (explicit === "false") return false;
  if (explicit === "true") return true;
  const nsLabels = declaredNamespaceLabels(view, instance.namespace) ?? {};
  if (nsLabels["istio-injection"] === "disabled") return false;
  return nsLabels["istio-injection"] === "enabled" || nsLabels["istio.io/rev"] !== undefined;
}

/** Whether the inputs say anything about injection for this namespace (labels on a Namespace object, or pods). */
export function injectionKnown(view: ClusterView, instance: WorkloadInstance): boolean {
  if (instance.object.kind === "Pod") return true;
  const ns = view.get("Namespace", undefined, instance.namespace) ?? view.get("Namespace", "", instance.namespace);
  return ns !== undefined || instance.labels["sidecar.istio.io/inject"] !== undefined || instance.annotations["sidecar.istio.io/inject"] !== undefined;
}

/** The TLS mode a DestinationRule sets for a port (port-level first, then the rule's default); undefined when unset. */
export function destinationRuleTlsMode(dr: KubeObject, port?: number): { mode?: string; path: (string | number)[] } {
  const policy = recordOf(recordOf(dr.spec)?.trafficPolicy);
  const levels = Array.isArray(policy?.portLevelSettings) ? (policy!.portLevelSettings as Record<string, unknown>[]) : [];
  if (port !== undefined) {
    const index = levels.findIndex((setting) => recordOf(setting?.port)?.number === port);
    const mode = recordOf(levels[index]?.tls)?.mode;
    if (index >= 0 && typeof mode === "string") return { mode, path: ["spec", "trafficPolicy", "portLevelSettings", index, "tls", "mode"] };
  }
  const mode = recordOf(policy?.tls)?.mode;
  return { ...(typeof mode === "string" ? { mode } : {}), path: ["spec", "trafficPolicy", "tls", "mode"] };
}
