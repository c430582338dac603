import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, fieldEvidence, reportIstio, kubectl, yamlOf } from "./finding.js";
import { toFqdn } from "../../istio/hosts.js";
import { nameOf, namespaceOf, refOf } from "../../k8s/objects.js";
import { gatewaysOf, routeDestinations, vsHosts } from "../../istio/virtual-service.js";

export const virtualServiceIngressSubsetIgnored = defineRule({
  id: "istio/virtualservice-ingress-subset-ignored",
  category: "routing-conflict",
  severity: "warning",
  title: "Gateway route skips the subset routing of the mesh VirtualService",
  docs: {
    cause:
      "A VirtualService bound to a gateway routes to a host without a subset, while the mesh VirtualService for that host splits traffic by subset. Gateway traffic follows only the gateway's VirtualService, so the subset routing (canary, version pinning) has no effect on ingress requests.",
    fix: "Put the same subset routing in the gateway-bound VirtualService (or bind one VirtualService to both the gateway and `mesh`).",
    verify: ["istioctl analyze -n <namespace>", "istioctl proxy-config routes deploy/istio-ingressgateway -n istio-system -o json"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0140/"],
  },
  equivalents: ["IST0140"],
  inputs: ["istio"],
  reads: ["VirtualService"],
  scopes: ["lint", "diagnose"],
  messages: {
    "subset-routing-bypassed": "{resource} sends gateway traffic to {host} without a subset, so the subset routing in {splitting} does not apply to it",
  },
  analyze(ctx) {
    const { view } = ctx;
    const all = view.kind("VirtualService");
    const meshRoutes = all.filter((vs) => gatewaysOf(vs).includes("mesh"));
    for (const vs of all) {
      if (gatewaysOf(vs).every((gateway) => gateway === "mesh")) continue;
      const namespace = namespaceOf(vs);
      for (const destination of routeDestinations(vs)) {
        if (destination.subset || destination.mirror || !destination.host) continue;
        const fqdn = toFqdn(destination.host, namespace);
        const splitting = meshRoutes.find((other) => other !== vs && vsHosts(other).some((host) => toFqdn(host, namespaceOf(other)) === fqdn) && routeDestinations(other).some((d) => d.subset && toFqdn(d.host, namespaceOf(other)) === fqdn));
        if (!splitting) continue;
        const subsetRoute = routeDestinations(splitting).find((d) => d.subset && toFqdn(d.host, namespaceOf(splitting)) === fqdn)!;
        reportIstio(this, ctx, {
          object: vs,
          code: "IST0140",
          args: [nameOf(splitting), nameOf(vs)],
          path: [...destination.path, "host"],
          message: "subset-routing-bypassed",
          data: { resource: refOf(vs), host: destination.host, splitting: refOf(splitting) },
          cause: `A gateway only applies the VirtualServices bound to it; ${refOf(splitting)} (bound to mesh) routes ${destination.host} to subset "${subsetRoute.subset}", but requests entering through the gateway are balanced over all pods.`,
          fix: {
            description: `Route to the same subset from the gateway VirtualService.`,
            yaml: { before: yamlOf({ destination: { host: destination.host } }), after: yamlOf({ destination: { host: destination.host, subset: subsetRoute.subset } }), target: refOf(vs) },
            commands: [kubectl("edit", vs)],
          },
          evidence: [fieldEvidence(view, splitting, [...subsetRoute.path, "subset"], `${refOf(splitting)} routes ${destination.host} to subset ${subsetRoute.subset}`)],
          verify: [analyzeCommand(vs)],
        });
      }
    }
  },
});
