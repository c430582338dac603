import { defineRule } from "../../contract/rule.js";
import { multipleWithoutSelector } from "./selector-policy.js";
import { TELEMETRY_KIND } from "./selector-kinds.js";

export const telemetryMultipleDefault = defineRule({
  id: "istio/telemetry-multiple-default",
  category: "routing-conflict",
  severity: "error",
  title: "More than one Telemetry without selector in a namespace",
  docs: {
    cause: "A namespace has several Telemetry resources without selector; only one is the namespace default and Istio picks it arbitrarily.",
    fix: "Keep one selector-less Telemetry per namespace.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get pods -n <namespace> --show-labels"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0160/"],
  },
  equivalents: ["IST0160"],
  inputs: ["istio"],
  reads: ["Telemetry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "several-defaults": "{resource} is one of {count} Telemetrys without a selector in namespace {namespace} ({names})",
  },
  analyze(ctx) {
    multipleWithoutSelector(this, ctx, TELEMETRY_KIND, "IST0160", "several-defaults");
  },
});
