import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl } from "./finding.js";
import { refOf } from "../../k8s/objects.js";
import { USE_WAYPOINT_LABEL } from "../../istio/ambient.js";
import { ambientL7Policies, unenrolledTargets } from "../../istio/ambient-policies.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/**
 * Kiali's KIA0109, KIA1110, KIA1111, KIA1112: an L7 AuthorizationPolicy, a RequestAuthentication, a
 * WasmPlugin or an L7 Telemetry in an ambient namespace whose targets use no waypoint. ztunnel only
 * handles L4, so nothing applies the L7 part.
 */
export const ambientPolicyWithoutWaypoint = defineRule({
  id: "istio/ambient-policy-without-waypoint",
  category: "istio-config-other",
  severity: "warning",
  title: "L7 policy in an ambient namespace whose targets use no waypoint",
  docs: {
    cause: "In ambient mode ztunnel handles L4 only; HTTP rules of an AuthorizationPolicy, JWT validation (RequestAuthentication), WasmPlugins and L7 telemetry (tracing, access logs, metric overrides) are applied by a waypoint proxy. When the namespace, Service or workload the policy targets is not enrolled in a waypoint (`istio.io/use-waypoint`), no proxy applies them.",
    fix: "Deploy a waypoint (`istioctl waypoint apply -n <namespace> --enroll-namespace`) or label the namespace or Service with `istio.io/use-waypoint=<waypoint>`.",
    verify: ["kubectl get ns <namespace> -L istio.io/dataplane-mode,istio.io/use-waypoint", "istioctl ztunnel-config service -n <namespace>"],
    references: [
      "https://istio.io/latest/docs/ambient/usage/waypoint/#do-you-need-a-waypoint-proxy",
      "https://istio.io/latest/docs/ambient/usage/l7-features/",
      "https://kiali.io/docs/features/validations/",
    ],
  },
  equivalents: ["KIA0109", "KIA1110", "KIA1111", "KIA1112"],
  inputs: ["istio", "services", "pods", "workloads"],
  reads: ["AuthorizationPolicy", "Namespace", "RequestAuthentication", "Telemetry", "WasmPlugin"],
  scopes: ["lint", "diagnose"],
  messages: {
    "needs-waypoint": "{policy} uses {reason}, which only a waypoint applies, but {why}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const policy of ambientL7Policies(view)) {
      const why = unenrolledTargets(view, policy);
      if (!why) continue;
      const kind = policy.kind.kind;
      reportIstio(this, ctx, {
        object: policy.object,
        message: "needs-waypoint",
        data: { policy: refOf(policy.object), reason: policy.reason, why },
        istioMessage: `${kind} in Ambient namespace requires waypoint enrollment (${USE_WAYPOINT_LABEL})`,
        path: ["spec"],
        cause: `Namespace ${policy.namespace} runs in ambient mode: ztunnel enforces L4 only, and without a waypoint nothing applies the ${policy.reason} of this ${kind}.`,
        fix: {
          description: `Enroll namespace ${policy.namespace} in a waypoint, or the Service the policy targets.`,
          commands: [`istioctl waypoint apply${namespaceFlag(policy.namespace)} --enroll-namespace`, `kubectl label namespace ${policy.namespace} ${USE_WAYPOINT_LABEL}=waypoint`],
        },
        equivalents: [policy.kind.noWaypointCode],
        verify: [analyzeCommand(policy.object), kubectl("get", policy.object, "-o yaml"), `kubectl get ns ${policy.namespace} -L ${USE_WAYPOINT_LABEL}`],
      });
    }
  },
});
