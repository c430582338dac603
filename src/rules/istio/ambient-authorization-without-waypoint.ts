import { defineRule } from "../../contract/rule.js";
import { fieldEvidence, reportIstio } from "./finding.js";
import { namespaceOf, recordOf, refOf, stringMapOf } from "../../k8s/objects.js";
import {
  ambientByLabels,
  ambientWorkloads,
  DATAPLANE_MODE_LABEL,
  hasTargetRefs,
  isGatewayWorkload,
  isServiceTarget,
  isWaypointWorkload,
  l7AuthorizationReason,
  podRedirectedToAmbient,
  policyTargets,
  resolveWaypoint,
  waypointReferenceOf,
  waypointsOf,
  type AmbientWorkload,
} from "../../istio/ambient.js";
import { declaredNamespaceLabels } from "../../k8s/namespaces.js";
import { ISTIO_WORKLOAD_SELECTOR, KUBERNETES_SELECTOR, labelMapMatches } from "../../k8s/selectors.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/** Services of the workload's namespace whose selector selects it. */
function servicesOf(view: ClusterView, workload: AmbientWorkload): KubeObject[] {
  return view.kind("Service").filter((service) => {
    if (namespaceOf(service) !== workload.namespace) return false;
    const selector = stringMapOf(recordOf(service.spec)?.selector);
    return Object.keys(selector).length > 0 && labelMapMatches(selector, workload.labels, KUBERNETES_SELECTOR);
  });
}

/** Whether an L7 AuthorizationPolicy applies to the workload: a Service target in front of it, its selector, or the whole namespace. */
function appliesTo(policySpec: Record<string, unknown>, workload: AmbientWorkload, services: readonly KubeObject[]): boolean {
  if (hasTargetRefs(policySpec)) return policyTargets(policySpec).some((target) => isServiceTarget(target) && services.some((service) => service.metadata.name === target.name));
  const matchLabels = stringMapOf(recordOf(policySpec.selector)?.matchLabels);
  return Object.keys(matchLabels).length === 0 || labelMapMatches(matchLabels, workload.labels, ISTIO_WORKLOAD_SELECTOR);
}

/**
 * Kiali's KIA1317: an ambient workload that L7 AuthorizationPolicies apply to, with no waypoint to
 * enforce them. ztunnel cannot evaluate HTTP rules, so the policy is not enforced as written.
 */
export const ambientAuthorizationWithoutWaypoint = defineRule({
  id: "istio/ambient-authorization-without-waypoint",
  category: "istio-config-other",
  severity: "warning",
  title: "Ambient workload has L7 AuthorizationPolicies but no waypoint",
  docs: {
    cause: "An AuthorizationPolicy with HTTP rules (methods, paths, hosts, request headers, JWT claims or request principals) applies to an ambient workload that no waypoint serves. ztunnel enforces L4 only and cannot evaluate those rules, so the policy does not behave as written.",
    fix: "Deploy a waypoint for the workload's namespace or Service and enroll it (`istioctl waypoint apply -n <namespace> --enroll-namespace`), then attach the policy with `targetRefs`.",
    verify: ["istioctl ztunnel-config workload", "kubectl get authorizationpolicies -n <namespace> -o yaml"],
    references: ["https://istio.io/latest/docs/ambient/usage/l4-policy/", "https://istio.io/latest/docs/ambient/usage/l7-features/", "https://kiali.io/docs/features/validations/"],
  },
  equivalents: ["KIA1317"],
  inputs: ["istio", "pods", "workloads", "services"],
  reads: ["AuthorizationPolicy", "CronJob", "DaemonSet", "Deployment", "EndpointSlice", "Endpoints", "Gateway", "Job", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "l7-policy-without-waypoint": "{workload} runs in ambient mode without a waypoint, yet {policy} applies L7 rules ({reason}) to it",
    "l7-policies-without-waypoint": "{workload} runs in ambient mode without a waypoint, yet {policies} apply L7 rules ({reason}) to it",
  },
  analyze(ctx) {
    const { view } = ctx;
    const policies = view
      .kind("AuthorizationPolicy")
      .filter((policy) => (policy.apiVersion ?? "").includes("istio.io/"))
      .flatMap((policy) => {
        const spec = recordOf(policy.spec) ?? {};
        const reason = l7AuthorizationReason(spec);
        return reason ? [{ policy, spec, reason }] : [];
      });
    if (policies.length === 0) return;
    const waypoints = waypointsOf(view);
    for (const workload of ambientWorkloads(view)) {
      if (isWaypointWorkload(workload.labels) || isGatewayWorkload(workload) || workload.labels[DATAPLANE_MODE_LABEL] === "none") continue;
      const namespaceLabels = declaredNamespaceLabels(view, workload.namespace);
      if (!workload.pods.some(podRedirectedToAmbient) && !ambientByLabels(workload.labels, namespaceLabels)) continue;
      const services = servicesOf(view, workload);
      const references = [waypointReferenceOf(workload.labels, workload.namespace, namespaceLabels), ...services.map((service) => waypointReferenceOf(stringMapOf(service.metadata.labels), workload.namespace, namespaceLabels))];
      if (references.some((reference) => reference && !resolveWaypoint(waypoints, reference).problem)) continue;
      const applying = policies.filter(({ policy, spec }) => namespaceOf(policy) === workload.namespace && appliesTo(spec, workload, services));
      if (applying.length === 0) continue;
      const first = applying[0]!;
      const refs = applying.map(({ policy }) => refOf(policy)).join(", ");
      reportIstio(this, ctx, {
        object: workload.object,
        ...(applying.length === 1
          ? { message: "l7-policy-without-waypoint", data: { workload: refOf(workload.object), policy: refs, reason: first.reason } }
          : { message: "l7-policies-without-waypoint", data: { workload: refOf(workload.object), policies: refs, reason: first.reason } }),
        istioMessage: "This workload has L7 Authorization Policies but no Waypoint",
        path: workload.labelsPath,
        cause: "ztunnel enforces L4 only: the HTTP rules of these policies need a waypoint in front of the workload.",
        evidence: applying.map(({ policy, reason }) => fieldEvidence(view, policy, ["spec", "rules"], `${refOf(policy)} uses ${reason}`)),
        fix: {
          description: `Deploy and enroll a waypoint for namespace ${workload.namespace}, then attach the policies to it with targetRefs.`,
          commands: [`istioctl waypoint apply${namespaceFlag(workload.namespace)} --enroll-namespace`],
        },
        verify: ["istioctl ztunnel-config workload", `istioctl waypoint list${namespaceFlag(workload.namespace)}`],
      });
    }
  },
});
