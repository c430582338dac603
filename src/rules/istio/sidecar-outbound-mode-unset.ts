import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { recordOf, refOf } from "../../k8s/objects.js";
import { outboundPolicy } from "../../istio/mesh-config.js";

/**
 * Kiali's KIA1007: a Sidecar's outboundTrafficPolicy without a mode. istiod takes the Sidecar's
 * policy as it is (pilot/pkg/model/sidecar.go), and the mode's zero value is REGISTRY_ONLY, whatever
 * MeshConfig says. Kiali also flags an explicit REGISTRY_ONLY (it reads the enum's number and cannot
 * tell the two apart); ktriage reads what was written.
 */
export const sidecarOutboundModeUnset = defineRule({
  id: "istio/sidecar-outbound-mode-unset",
  category: "outbound-traffic-blocked",
  severity: "warning",
  title: "Sidecar outboundTrafficPolicy without a mode is REGISTRY_ONLY",
  docs: {
    cause: "A Sidecar sets `outboundTrafficPolicy` (often only for `egressProxy`) without `mode`. istiod uses the Sidecar's policy instead of MeshConfig's, and an unset mode is REGISTRY_ONLY: the selected workloads can no longer reach hosts outside the registry, and `egressProxy` (used only with ALLOW_ANY) is ignored.",
    fix: "Write the mode: `mode: ALLOW_ANY` to keep passing unknown hosts (and use egressProxy), or `mode: REGISTRY_ONLY` if blocking them is meant.",
    verify: ["istioctl proxy-config cluster deploy/<workload> -n <namespace> --fqdn PassthroughCluster", "kubectl get sidecar -n <namespace> -o yaml"],
    references: ["https://istio.io/latest/docs/reference/config/networking/sidecar/#OutboundTrafficPolicy", "https://kiali.io/docs/features/validations/"],
  },
  equivalents: ["KIA1007"],
  inputs: ["istio", "mesh-config", "config"],
  reads: ["ConfigMap", "Sidecar"],
  scopes: ["lint", "diagnose"],
  messages: {
    "mode-unset": "{resource} sets outboundTrafficPolicy without a mode, so its workloads are REGISTRY_ONLY{mesh}",
  },
  analyze(ctx) {
    const mesh = outboundPolicy(ctx.view);
    for (const sidecar of ctx.view.kind("Sidecar")) {
      const policy = recordOf(recordOf(sidecar.spec)?.outboundTrafficPolicy);
      if (!policy || (typeof policy.mode === "string" && policy.mode !== "")) continue;
      const egressProxy = recordOf(policy.egressProxy) !== undefined;
      reportIstio(this, ctx, {
        object: sidecar,
        istioMessage: "OutboundTrafficPolicy with empty mode value is ambiguous due to an Istio limitation. This may indicate ALLOW_ANY or REGISTRY_ONLY. Inspect the value using other means.",
        path: ["spec", "outboundTrafficPolicy"],
        message: "mode-unset",
        data: { resource: refOf(sidecar), mesh: mesh?.mode === "ALLOW_ANY" ? " (MeshConfig's ALLOW_ANY does not apply to them)" : "" },
        cause: `istiod uses a Sidecar's outboundTrafficPolicy as written, and the mode's default is REGISTRY_ONLY${egressProxy ? "; egressProxy only applies with ALLOW_ANY, so it is ignored" : ""}.`,
        fix: {
          description: egressProxy ? "Add mode: ALLOW_ANY (egressProxy needs it)." : "Write the mode you mean: ALLOW_ANY, or REGISTRY_ONLY.",
          yaml: { before: yamlOf({ outboundTrafficPolicy: policy }), after: yamlOf({ outboundTrafficPolicy: { mode: egressProxy || mesh?.mode !== "REGISTRY_ONLY" ? "ALLOW_ANY" : "REGISTRY_ONLY", ...policy } }), target: refOf(sidecar) },
          commands: [kubectl("edit", sidecar)],
        },
        verify: [analyzeCommand(sidecar)],
      });
    }
  },
});
