import { defineRule } from "../../contract/rule.js";
import { overlappingSelectors } from "./selector-policy.js";
import { SIDECAR_KIND } from "./selector-kinds.js";

export const sidecarSelectorConflict = defineRule({
  id: "istio/sidecar-selector-conflict",
  category: "routing-conflict",
  severity: "error",
  title: "Two Sidecars select the same workload",
  docs: {
    cause: "Several Sidecar resources select the same pod; Istio applies only one of them, in an undefined order.",
    fix: "Merge them into one Sidecar, or make their workloadSelectors disjoint.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get pods -n <namespace> --show-labels"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0110/"],
  },
  equivalents: ["IST0110", "KIA0003"],
  inputs: ["istio", "pods", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "Sidecar", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "selects-same-pod": "{resource} and {others} all select {pod}",
  },
  analyze(ctx) {
    overlappingSelectors(this, ctx, SIDECAR_KIND, "IST0110", "selects-same-pod", ["KIA0003"]);
  },
});
