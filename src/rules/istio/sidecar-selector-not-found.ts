import { defineRule } from "../../contract/rule.js";
import { selectorNotFound } from "./selector-policy.js";
import { SIDECAR_KIND } from "./selector-kinds.js";

export const sidecarSelectorNotFound = defineRule({
  id: "istio/sidecar-selector-not-found",
  category: "routing-reference-not-found",
  severity: "error",
  title: "Sidecar workloadSelector matches no workload",
  docs: {
    cause: "The Sidecar's workloadSelector matches no pod or workload in its namespace, so its egress/ingress settings apply to nothing and the workloads it was meant for keep the namespace default.",
    fix: "Select the labels of the workload (same namespace as the Sidecar), or move the Sidecar to the workload's namespace.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get pods -n <namespace> --show-labels"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0101/"],
  },
  equivalents: ["IST0101", "KIA0004"],
  inputs: ["istio", "pods", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "Sidecar", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "selects-nothing": "{resource} selects {labels}, and no workload in namespace {namespace} has those labels",
  },
  analyze(ctx) {
    selectorNotFound(this, ctx, SIDECAR_KIND, "selects-nothing", ["KIA0004"]);
  },
});
