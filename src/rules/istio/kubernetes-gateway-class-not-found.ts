import { defineRule } from "../../contract/rule.js";
import { reportIstio, kubectl } from "./finding.js";
import { nameOf, recordOf, refOf } from "../../k8s/objects.js";
import { ISTIO_GATEWAY_CLASSES, kubernetesGateways } from "../../istio/gateway-api.js";
import { closest } from "../../istio/suggest.js";

/**
 * Kiali's KIA1504: a Kubernetes Gateway whose `gatewayClassName` is none of the cluster's
 * GatewayClasses. Judged when the inputs list GatewayClasses; on manifests, Istio's own classes
 * (created by istiod) count as present.
 */
export const kubernetesGatewayClassNotFound = defineRule({
  id: "istio/kubernetes-gateway-class-not-found",
  category: "routing-reference-not-found",
  severity: "error",
  title: "Kubernetes Gateway names a GatewayClass that does not exist",
  docs: {
    cause: "`spec.gatewayClassName` names a GatewayClass the cluster does not have. No controller owns the Gateway: nothing deploys or programs it and its routes serve no traffic.",
    fix: "Use an installed class (`istio`, or `istio-waypoint` for a waypoint), or install the controller that provides the class.",
    verify: ["kubectl get gatewayclasses", "kubectl get gateway <name> -n <namespace> -o jsonpath='{.status.conditions}'"],
    references: ["https://gateway-api.sigs.k8s.io/api-types/gatewayclass/", "https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/", "https://kiali.io/docs/features/validations/"],
  },
  equivalents: ["KIA1504"],
  inputs: ["manifests", "istio"],
  reads: ["GatewayClass"],
  scopes: ["lint", "diagnose"],
  messages: {
    "class-not-found": "{resource} uses GatewayClass {className}, which does not exist ({known})",
    "class-not-found-suggest": "{resource} uses GatewayClass {className}, which does not exist ({known}); did you mean {suggestion}?",
  },
  analyze(ctx) {
    const { view } = ctx;
    const classes = view.kind("GatewayClass").map(nameOf);
    if (classes.length === 0) return;
    const known = new Set(classes);
    if (view.mode === "lint") for (const name of ISTIO_GATEWAY_CLASSES) known.add(name);
    for (const gateway of kubernetesGateways(view)) {
      const className = recordOf(gateway.spec)?.gatewayClassName;
      if (typeof className !== "string" || known.has(className)) continue;
      const suggestion = closest(className, [...known]);
      reportIstio(this, ctx, {
        object: gateway,
        istioMessage: "Gateway API Class not found",
        path: ["spec", "gatewayClassName"],
        message: suggestion ? "class-not-found-suggest" : "class-not-found",
        data: { resource: refOf(gateway), className, known: [...known].sort().join(", "), ...(suggestion ? { suggestion } : {}) },
        cause: "No controller accepts a Gateway of an unknown class: it is never programmed.",
        fix: { description: suggestion ? `Set gatewayClassName to ${suggestion}.` : "Use an installed GatewayClass.", commands: [kubectl("edit", gateway), "kubectl get gatewayclasses"] },
        verify: [kubectl("get", gateway, "-o jsonpath='{.status.conditions}'")],
      });
    }
  },
});
