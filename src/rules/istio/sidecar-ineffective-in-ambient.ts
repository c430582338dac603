import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl } from "./finding.js";
import { namespaceOf, refOf, stringMapOf } from "../../k8s/objects.js";
import { policyLabels } from "./selector-policy.js";
import { podInstances, selectInstances } from "../../istio/workloads.js";
import { SIDECAR_KIND } from "./selector-kinds.js";

export const sidecarIneffectiveInAmbient = defineRule({
  id: "istio/sidecar-ineffective-in-ambient",
  category: "istio-config-other",
  severity: "warning",
  title: "Sidecar resource in an ambient namespace has no effect",
  docs: {
    cause: "Workloads in ambient mode have no sidecar proxy; a Sidecar resource that applies to them (namespace-wide in an ambient namespace, or selecting ambient pods) configures nothing.",
    fix: "Delete the Sidecar, or move the workload back to sidecar mode (istio-injection=enabled) if you need its settings.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get ns <namespace> --show-labels"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0167/"],
  },
  equivalents: ["IST0167"],
  inputs: ["istio", "pods", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "Sidecar", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "no-effect-in-ambient": "{resource} has no effect: {reason}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const ambientNamespaces = new Set(
      view
        .kind("Namespace")
        .filter((ns) => {
          const labels = stringMapOf(ns.metadata.labels);
          return labels["istio.io/dataplane-mode"] === "ambient" && labels["istio-injection"] !== "enabled" && !labels["istio.io/rev"];
        })
        .map((ns) => ns.metadata.name ?? ""),
    );
    for (const sidecar of view.kind("Sidecar")) {
      const namespace = namespaceOf(sidecar);
      const labels = policyLabels(sidecar, SIDECAR_KIND);
      let reason: string | undefined;
      if (!labels) {
        if (ambientNamespaces.has(namespace)) reason = `namespace ${namespace} is in ambient mode, so no workload in it has a sidecar`;
      } else {
        const pods = selectInstances(podInstances(view, namespace), labels);
        if (pods.length > 0 && pods.every((pod) => pod.annotations["ambient.istio.io/redirection"] === "enabled")) reason = `the selected pods (${pods.map((pod) => pod.object.metadata.name).join(", ")}) run in ambient mode without a sidecar`;
      }
      if (!reason) continue;
      reportIstio(this, ctx, {
        object: sidecar,
        code: "IST0167",
        args: [reason],
        path: labels ? SIDECAR_KIND.labelsPath : [],
        message: "no-effect-in-ambient",
        data: { resource: refOf(sidecar), reason },
        cause: "Sidecar resources configure sidecar proxies only; ambient workloads are served by ztunnel and waypoints.",
        fix: { description: "Delete this Sidecar, or configure the waypoint instead.", commands: [kubectl("delete", sidecar)] },
        verify: [analyzeCommand(sidecar)],
      });
    }
  },
});
