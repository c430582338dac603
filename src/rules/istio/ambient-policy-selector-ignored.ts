import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { nameOf, recordOf, refOf, stringMapOf } from "../../k8s/objects.js";
import { ambientWorkloads, hasTargetRefs, USE_WAYPOINT_LABEL } from "../../istio/ambient.js";
import { ambientL7Policies, type AmbientPolicy } from "../../istio/ambient-policies.js";
import { ISTIO_WORKLOAD_SELECTOR, KUBERNETES_SELECTOR, labelMapMatches } from "../../k8s/selectors.js";
import type { ClusterView } from "../../view/cluster-view.js";

/** The targetRefs that replace a selector: the Services in front of the selected workloads, or the namespace's waypoint. */
function targetRefsFor(view: ClusterView, policy: AmbientPolicy): Array<Record<string, string>> {
  const matchLabels = stringMapOf(recordOf(policy.spec.selector)?.matchLabels);
  if (Object.keys(matchLabels).length > 0) {
    const selected = ambientWorkloads(view).filter((workload) => workload.namespace === policy.namespace && labelMapMatches(matchLabels, workload.labels, ISTIO_WORKLOAD_SELECTOR));
    const services = view
      .kind("Service")
      .filter((service) => service.metadata.namespace === policy.namespace)
      .filter((service) => {
        const selector = stringMapOf(recordOf(service.spec)?.selector);
        return Object.keys(selector).length > 0 && selected.some((workload) => labelMapMatches(selector, workload.labels, KUBERNETES_SELECTOR));
      });
    if (services.length > 0) return services.map((service) => ({ kind: "Service", group: "", name: nameOf(service) }));
  }
  const waypoint = policy.namespaceLabels[USE_WAYPOINT_LABEL];
  return [{ kind: "Gateway", group: "gateway.networking.k8s.io", name: waypoint && waypoint !== "none" ? waypoint : "waypoint" }];
}

/**
 * Kiali's KIA0110, KIA1115, KIA1116, KIA1117: an L7 policy in an ambient namespace that attaches by
 * selector (or to the whole namespace) instead of `targetRefs`. Waypoints only apply policies that
 * target them, their Services or their Gateway.
 */
export const ambientPolicySelectorIgnored = defineRule({
  id: "istio/ambient-policy-selector-ignored",
  category: "istio-config-other",
  severity: "warning",
  title: "L7 policy in an ambient namespace attaches by selector, which waypoints ignore",
  docs: {
    cause: "Waypoint proxies apply only the policies that name them, or the Services they serve, in `targetRefs`. An L7 AuthorizationPolicy, RequestAuthentication, WasmPlugin or L7 Telemetry that uses `selector` (or none) in an ambient namespace binds to ztunnel, which cannot apply its L7 part.",
    fix: "Replace `selector` with `targetRefs` naming the Service (`kind: Service`) or the waypoint (`kind: Gateway, group: gateway.networking.k8s.io`).",
    verify: ["kubectl get <kind> <name> -n <namespace> -o yaml", "istioctl x describe pod <pod> -n <namespace>"],
    references: [
      "https://istio.io/latest/docs/ambient/usage/waypoint/#policy-attachment",
      "https://istio.io/latest/docs/ambient/usage/l7-features/",
      "https://kiali.io/docs/features/validations/",
    ],
  },
  equivalents: ["KIA0110", "KIA1115", "KIA1116", "KIA1117"],
  inputs: ["istio", "services", "pods", "workloads"],
  reads: ["AuthorizationPolicy", "EndpointSlice", "Endpoints", "Gateway", "Namespace", "RequestAuthentication", "Service", "ServiceEntry", "Telemetry", "WasmPlugin", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "selector-ignored": "{policy} uses {reason} but attaches by selector; waypoints in ambient namespace {namespace} ignore it",
    "namespace-wide-ignored": "{policy} uses {reason} but attaches to the whole namespace; waypoints in ambient namespace {namespace} ignore it",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const policy of ambientL7Policies(view)) {
      if (hasTargetRefs(policy.spec)) continue;
      const kind = policy.kind.kind;
      const targetRefs = targetRefsFor(view, policy);
      const bySelector = recordOf(policy.spec.selector) !== undefined;
      reportIstio(this, ctx, {
        object: policy.object,
        istioMessage: `${kind} in Ambient requires targetRefs to a Service or Gateway; selector policies are ignored by waypoints`,
        path: bySelector ? ["spec", "selector"] : ["spec"],
        message: bySelector ? "selector-ignored" : "namespace-wide-ignored",
        data: { policy: refOf(policy.object), reason: policy.reason, namespace: policy.namespace },
        cause: `Only policies with targetRefs reach a waypoint; this ${kind} binds to ztunnel, which enforces L4 only.`,
        fix: {
          description: `Attach the ${kind} with targetRefs instead of a selector.`,
          yaml: { before: yamlOf({ spec: bySelector ? { selector: policy.spec.selector } : {} }), after: yamlOf({ spec: { targetRefs } }), target: refOf(policy.object) },
          commands: [kubectl("edit", policy.object)],
        },
        equivalents: [policy.kind.noTargetRefsCode],
        verify: [analyzeCommand(policy.object)],
      });
    }
  },
});
