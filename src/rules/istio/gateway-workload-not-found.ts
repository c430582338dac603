import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { gatewayPods, gatewaySelector } from "../../istio/gateways.js";
import { refOf } from "../../k8s/objects.js";
import { closest } from "../../istio/suggest.js";
import { formatSelector, podInstances } from "../../istio/workloads.js";

export const gatewayWorkloadNotFound = defineRule({
  id: "istio/gateway-workload-not-found",
  category: "routing-reference-not-found",
  severity: "error",
  title: "Gateway selector matches no gateway pod",
  docs: {
    cause: "The Gateway's `selector` matches no pod, so no Envoy ever loads its servers: the hosts and ports it declares are not served anywhere.",
    fix: "Use the labels of the gateway deployment (`istio: ingressgateway` for the default install, `istio: ingress` for the gateway Helm chart).",
    verify: ["istioctl analyze -n <namespace>", "kubectl get pods -A -l istio=ingressgateway --show-labels"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0101/", "https://kiali.io/docs/features/validations/#kia0302---no-matching-workload-found-for-gateway-selector-in-this-namespace"],
  },
  equivalents: ["IST0101", "KIA0302"],
  inputs: ["istio", "pods", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Gateway", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "selects-no-pods": "{gateway} selects pods with {selector}, and no pod has those labels",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const gateway of view.kind("Gateway")) {
      if (!(gateway.apiVersion ?? "").includes("istio.io")) continue;
      const selector = gatewaySelector(gateway);
      if (Object.keys(selector).length === 0) continue;
      if (gatewayPods(view, gateway).length > 0) continue;
      const text = formatSelector(selector);
      const known = new Set(podInstances(view).flatMap((pod) => Object.entries(pod.labels).filter(([key]) => key in selector).map(([key, value]) => `${key}=${value}`)));
      const suggestion = closest(text, known);
      const [key, value] = suggestion?.split("=") ?? [Object.keys(selector)[0]!, "ingressgateway"];
      reportIstio(this, ctx, {
        object: gateway,
        code: "IST0101",
        args: ["selector", text],
        path: ["spec", "selector"],
        message: "selects-no-pods",
        data: { gateway: refOf(gateway), selector: text },
        cause: `No gateway pod carries ${text}, so the servers of this Gateway are not configured on any proxy and its hosts answer connection refused or 404.`,
        fix: {
          description: suggestion ? `Select the gateway pods by ${suggestion}.` : "Select the labels of your gateway deployment.",
          yaml: { before: yamlOf({ spec: { selector } }), after: yamlOf({ spec: { selector: { [key!]: value } } }), target: refOf(gateway) },
          commands: [kubectl("edit", gateway), "kubectl get pods -A -l istio --show-labels"],
        },
        verify: [analyzeCommand(gateway), `kubectl get pods -A -l ${suggestion ?? text}`],
      });
    }
  },
});
