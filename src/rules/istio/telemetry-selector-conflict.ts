import { defineRule } from "../../contract/rule.js";
import { overlappingSelectors } from "./selector-policy.js";
import { TELEMETRY_KIND } from "./selector-kinds.js";

export const telemetrySelectorConflict = defineRule({
  id: "istio/telemetry-selector-conflict",
  category: "routing-conflict",
  severity: "error",
  title: "Two Telemetry resources select the same workload",
  docs: {
    cause: "Several Telemetry resources select the same pod; only one is applied, in an undefined order.",
    fix: "Merge them into one Telemetry, or make their selectors disjoint.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get pods -n <namespace> --show-labels"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0159/"],
  },
  equivalents: ["IST0159"],
  inputs: ["istio", "pods", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet", "Telemetry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "selects-same-pod": "{resource} and {others} all select {pod}",
  },
  analyze(ctx) {
    overlappingSelectors(this, ctx, TELEMETRY_KIND, "IST0159", "selects-same-pod");
  },
});
