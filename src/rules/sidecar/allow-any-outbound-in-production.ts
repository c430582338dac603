import { defineRule } from "../../contract/rule.js";
import { isProductionNamespace, productionReason } from "../../k8s/environment.js";
import { outboundPolicyEvidence, specEvidence } from "./evidence.js";
import { resourceOf } from "../../contract/resource.js";
import { injectionDecision } from "../../istio/injection-decision.js";
import { outboundPolicy } from "../../istio/mesh-config.js";
import { hasSidecar } from "../../istio/sidecar.js";
import { meshSubjects } from "../../istio/mesh-subjects.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export const allowAnyOutboundInProduction = defineRule({
  id: "sidecar/allow-any-outbound-in-production",
  category: "outbound-traffic-blocked",
  severity: "warning",
  title: "ALLOW_ANY outbound traffic for production namespaces",
  docs: {
    cause:
      "With outboundTrafficPolicy ALLOW_ANY (Istio's default) every sidecar passes traffic to any external host. That suits development; " +
      "uses REGISTRY_ONLY in production, so that only hosts declared with a ServiceEntry can be reached.",
    fix:
      "For production, set REGISTRY_ONLY (mesh-wide, or with a Sidecar resource in the production namespace) after adding a ServiceEntry for each external host the workloads call.",
    verify: ["kubectl get configmap istio -n istio-system -o jsonpath='{.data.mesh}' | grep -A1 outboundTrafficPolicy", "kubectl get serviceentry -A"],
    references: ["https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/"],
  },
  // Kiali's KIA1007 is a Sidecar policy without a mode (istio/sidecar-outbound-mode-unset), not this.
  equivalents: [],
  inputs: ["mesh-config", "workloads", "pods", "config", "istio"],
  reads: ["ConfigMap", "CronJob", "DaemonSet", "Deployment", "Job", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "Sidecar", "StatefulSet"],
  requires: ["mesh-config"],
  scopes: ["diagnose", "lint"],
  messages: {
    "allows-any-outbound": "production namespace {namespace} may call any external host: outbound policy is ALLOW_ANY",
  },
  analyze({ view, report }) {
    const policy = outboundPolicy(view);
    if (!policy || policy.mode !== "ALLOW_ANY") return;
    const namespaces = new Set<string>();
    for (const subject of meshSubjects(view)) {
      const meshed = subject.pod ? hasSidecar(subject.pod) : injectionDecision(view, subject.namespace, subject, subject.spec.hostNetwork === true).injected;
      if (meshed && isProductionNamespace(view, subject.namespace)) namespaces.add(subject.namespace);
    }
    for (const namespace of [...namespaces].sort()) {
      const restricted = view.kindIn("Sidecar", namespace).some((sidecar) => !sidecar.spec?.workloadSelector && sidecar.spec?.outboundTrafficPolicy?.mode === "REGISTRY_ONLY");
      if (restricted) continue;
      const configMap = view.get("ConfigMap", "istio-system", "istio");
      const sidecarYaml = [
        "apiVersion: networking.istio.io/v1",
        "kind: Sidecar",
        "metadata:",
        "  name: default",
        `  namespace: ${namespace}`,
        "spec:",
        "  outboundTrafficPolicy:",
        "    mode: REGISTRY_ONLY",
      ].join("\n");
      const namespaceObject = view.get("Namespace", undefined, namespace);
      report({
        confidence: 0.65,
        resource: namespaceObject ? { ...resourceOf(view, namespaceObject, undefined), namespace } : { kind: "Namespace", name: namespace, namespace },
        message: "allows-any-outbound",
        data: { namespace },
        evidence: [
          { source: "api", text: `namespace ${namespace} is production (${productionReason(view, namespace)}) and runs meshed workloads` },
          configMap ? specEvidence(view, configMap, ["data", "mesh"], outboundPolicyEvidence(policy).text) : outboundPolicyEvidence(policy),
          { source: "api", text: `no Sidecar in ${namespace} sets outboundTrafficPolicy REGISTRY_ONLY` },
        ],
        cause: "Every sidecar of this production namespace lets traffic out to any host, so nothing limits or records which external services the workloads reach. ALLOW_ANY suits development.",
        fix: {
          description: `Add a ServiceEntry per external host the workloads need, then restrict ${namespace} with a Sidecar (below) or the whole mesh with meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY.`,
          yaml: { target: `Sidecar ${namespace}/default`, before: "", after: sidecarYaml },
          commands: [`kubectl apply -f - <<'EOF'\n${sidecarYaml}\nEOF`, "# or mesh-wide: istioctl install --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY -y"],
        },
        verify: [`kubectl get sidecar${namespaceFlag(namespace)}`, `kubectl logs${namespaceFlag(namespace)} <pod> -c istio-proxy | grep BlackHoleCluster   # shows what is still unregistered`],
      });
    }
  },
});
