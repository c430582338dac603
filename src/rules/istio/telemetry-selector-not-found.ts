import { defineRule } from "../../contract/rule.js";
import { selectorNotFound } from "./selector-policy.js";
import { TELEMETRY_KIND } from "./selector-kinds.js";

export const telemetrySelectorNotFound = defineRule({
  id: "istio/telemetry-selector-not-found",
  category: "routing-reference-not-found",
  severity: "error",
  title: "Telemetry selector matches no workload",
  docs: {
    cause: "The Telemetry's selector matches no pod or workload in its namespace, so its metrics/tracing/logging overrides apply to nothing.",
    fix: "Select the labels of the workload, in the same namespace.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get pods -n <namespace> --show-labels"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0101/"],
  },
  equivalents: ["IST0101"],
  inputs: ["istio", "pods", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet", "Telemetry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "selects-nothing": "{resource} selects {labels}, and no workload in namespace {namespace} has those labels",
  },
  analyze(ctx) {
    selectorNotFound(this, ctx, TELEMETRY_KIND, "selects-nothing");
  },
});
