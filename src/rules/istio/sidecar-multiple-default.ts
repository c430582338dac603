import { defineRule } from "../../contract/rule.js";
import { multipleWithoutSelector } from "./selector-policy.js";
import { SIDECAR_KIND } from "./selector-kinds.js";

export const sidecarMultipleDefault = defineRule({
  id: "istio/sidecar-multiple-default",
  category: "routing-conflict",
  severity: "error",
  title: "More than one Sidecar without workloadSelector in a namespace",
  docs: {
    cause: "A namespace has several Sidecars without workloadSelector; only one can be the namespace default and Istio picks it arbitrarily.",
    fix: "Keep one selector-less Sidecar per namespace.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get pods -n <namespace> --show-labels"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0111/"],
  },
  equivalents: ["IST0111", "KIA0002"],
  inputs: ["istio"],
  reads: ["Sidecar"],
  scopes: ["lint", "diagnose"],
  messages: {
    "several-defaults": "{resource} is one of {count} Sidecars without a selector in namespace {namespace} ({names})",
  },
  analyze(ctx) {
    multipleWithoutSelector(this, ctx, SIDECAR_KIND, "IST0111", "several-defaults", ["KIA0002"]);
  },
});
