import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { arrayOf, nameOf, namespaceOf, recordOf, refOf, stringMapOf } from "../../k8s/objects.js";
import { rootNamespace } from "../../istio/mtls.js";
import { formatSelector, workloadInstances, type WorkloadInstance } from "../../istio/workloads.js";
import { ISTIO_WORKLOAD_SELECTOR, KUBERNETES_SELECTOR, labelMapMatches } from "../../k8s/selectors.js";
import { yamlOf } from "./finding.js";

const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

/** Whether a policy applies to the workload: its namespace or the root namespace, then its selector or targetRefs. */
function covers(policy: KubeObject, workload: WorkloadInstance, root: string, services: readonly KubeObject[]): boolean {
  const namespace = namespaceOf(policy);
  if (namespace !== workload.namespace && namespace !== root) return false;
  const spec = recordOf(policy.spec) ?? {};
  const refs = [...arrayOf(spec.targetRefs), ...(recordOf(spec.targetRef) ? [spec.targetRef] : [])].map((ref) => recordOf(ref) ?? {});
  if (refs.length > 0) {
    return refs.some((ref) => {
      if (ref.kind === "Service") {
        return services.some((service) => nameOf(service) === ref.name && namespaceOf(service) === namespace && namespace === workload.namespace && recordOf(service.spec)?.selector !== undefined && labelMapMatches(stringMapOf(recordOf(service.spec)?.selector), workload.labels, KUBERNETES_SELECTOR));
      }
      return ref.kind === "Gateway" && namespace === workload.namespace && workload.labels[GATEWAY_NAME_LABEL] === ref.name;
    });
  }
  const selector = recordOf(spec.selector) ? stringMapOf(recordOf(spec.selector)?.matchLabels) : undefined;
  return labelMapMatches(selector, workload.labels, ISTIO_WORKLOAD_SELECTOR);
}

/** Workloads no policy can apply to: the ones that opt out of the sidecar, and istiod itself. */
function outsideTheMesh(workload: WorkloadInstance): boolean {
  const inject = workload.labels["sidecar.istio.io/inject"] ?? workload.annotations["sidecar.istio.io/inject"];
  return inject === "false" || workload.labels.app === "istiod" || workload.labels.istio === "pilot";
}

export const workloadWithoutAuthorizationPolicy = defineRule({
  id: "istio/workload-without-authorization-policy",
  category: "rbac-or-authn-denied",
  severity: "info",
  title: "Workload not covered by any AuthorizationPolicy in a mesh that uses them",
  docs: {
    cause:
      "The mesh uses AuthorizationPolicies, but none applies to this workload (none in its namespace or the root namespace selects it or targets its Service). Istio allows every request to a workload no ALLOW policy applies to, so it accepts calls from anyone in the mesh.",
    fix: "Add an AuthorizationPolicy that selects the workload and allows its callers (or a namespace-wide default such as Istio's allow-nothing policy, then ALLOW policies per workload).",
    verify: ["istioctl x authz check <pod> -n <namespace>", "kubectl get authorizationpolicies -A"],
    references: ["https://istio.io/latest/docs/reference/config/security/authorization-policy/", "https://istio.io/latest/docs/ops/best-practices/security/#use-default-deny-patterns", "https://kiali.io/docs/features/validations/#kia1301---this-workload-is-not-covered-by-any-authorization-policy"],
  },
  equivalents: ["KIA1301"],
  inputs: ["istio", "workloads", "pods", "services", "mesh-config"],
  reads: ["AuthorizationPolicy", "CronJob", "DaemonSet", "Deployment", "EndpointSlice", "Endpoints", "Gateway", "Job", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  requires: ["istio"],
  scopes: ["lint", "diagnose"],
  messages: {
    "uncovered": "{workload} is not covered by any AuthorizationPolicy, while the mesh uses {count}: Istio allows every request to it",
  },
  analyze({ view, report }) {
    const policies = view.kind("AuthorizationPolicy").filter((policy) => (policy.apiVersion ?? "").includes("istio.io"));
    if (policies.length === 0) return;
    const root = rootNamespace(view);
    const services = view.kind("Service");
    const workloads = workloadInstances(view).filter((workload) => workload.kind !== "Pod" || (workload.object.metadata.ownerReferences ?? []).length === 0);
    for (const workload of workloads) {
      if (outsideTheMesh(workload) || policies.some((policy) => covers(policy, workload, root, services))) continue;
      const selector = workload.labels.app ? { app: workload.labels.app } : workload.labels;
      const policy = {
        apiVersion: "security.istio.io/v1",
        kind: "AuthorizationPolicy",
        metadata: { name: workload.labels.app ?? workload.name, ...(workload.namespace ? { namespace: workload.namespace } : {}) },
        spec: { selector: { matchLabels: selector }, action: "ALLOW", rules: [{ from: [{ source: { principals: ["<the callers' principals: cluster.local/ns/<namespace>/sa/<service account>>"] } }] }] },
      };
      report({
        message: "uncovered",
        data: { workload: refOf(workload.object), count: policies.length === 1 ? "1 AuthorizationPolicy" : `${policies.length} AuthorizationPolicies` },
        object: workload.object,
        fieldPath: workload.metadataPath.length > 0 ? [...workload.metadataPath, "labels"] : ["metadata", "labels"],
        confidence: 0.6,
        cause: `No AuthorizationPolicy of namespace ${workload.namespace || "(none)"} or of the root namespace ${root} selects ${formatSelector(workload.labels) || "its labels"}; with no ALLOW policy Istio lets every caller in.`,
        evidence: policies.slice(0, 4).map((entry) => ({ source: "manifest" as const, text: `${refOf(entry)} ${recordOf(entry.spec)?.selector ? `selects ${formatSelector(stringMapOf(recordOf(recordOf(entry.spec)?.selector)?.matchLabels))}` : arrayOf(recordOf(entry.spec)?.targetRefs).length > 0 ? "targets other resources" : "applies to its namespace"}` })),
        fix: {
          description: `Add an AuthorizationPolicy for ${formatSelector(selector)} that allows its callers.`,
          yaml: { before: "", after: yamlOf(policy), target: `AuthorizationPolicy ${workload.namespace ? `${workload.namespace}/` : ""}${String(policy.metadata.name)}` },
          commands: ["kubectl apply -f authorizationpolicy.yaml   # the YAML above, with the callers filled in"],
        },
      });
    }
  },
});
