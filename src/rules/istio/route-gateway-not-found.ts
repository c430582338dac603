import { defineRule } from "../../contract/rule.js";
import { reportIstio, kubectl } from "./finding.js";
import { nameOf, namespaceOf, refOf } from "../../k8s/objects.js";
import { GATEWAY_API_GROUP, gatewayAcceptsNamespace, isGatewayApiObject, kubernetesGateways, parentRefsOf, ROUTE_KINDS } from "../../istio/gateway-api.js";
import { closest } from "../../istio/suggest.js";

/**
 * Kiali's KIA1401: an HTTPRoute or GRPCRoute (and the other route kinds) whose parentRef names a
 * Kubernetes Gateway that does not exist, or one whose listeners do not admit routes from the
 * route's namespace (`allowedRoutes.namespaces`). The route is not attached and serves nothing.
 */
export const routeGatewayNotFound = defineRule({
  id: "istio/route-gateway-not-found",
  category: "routing-reference-not-found",
  severity: "error",
  title: "Route points to a Kubernetes Gateway that does not exist or does not admit it",
  docs: {
    cause: "A Gateway API route's `parentRefs` names a Gateway (gateway.networking.k8s.io) that is not in the namespace it names, or a Gateway in another namespace whose listeners do not allow routes from the route's namespace (`allowedRoutes.namespaces.from` is `Same` by default). The route is not accepted and none of its rules serve traffic.",
    fix: "Name an existing Gateway (and its namespace) in `parentRefs`, or let the Gateway admit the namespace with `allowedRoutes.namespaces.from: All` or a `Selector`.",
    verify: ["kubectl get gateways.gateway.networking.k8s.io -A", "kubectl get httproute <name> -n <namespace> -o jsonpath='{.status.parents}'"],
    references: ["https://gateway-api.sigs.k8s.io/api-types/httproute/#attaching-to-gateways", "https://gateway-api.sigs.k8s.io/guides/multiple-ns/", "https://kiali.io/docs/features/validations/"],
  },
  equivalents: ["KIA1401"],
  inputs: ["manifests", "istio"],
  reads: ["*"],
  scopes: ["lint", "diagnose"],
  messages: {
    "not-attached": "{resource} is attached to nothing: {problem}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const gateways = kubernetesGateways(view);
    const namespacesWithObjects = new Set(view.objects.map((loaded) => namespaceOf(loaded.object)));
    for (const kind of ROUTE_KINDS) {
      for (const route of view.kind(kind)) {
        if (!isGatewayApiObject(route)) continue;
        const routeNamespace = namespaceOf(route);
        for (const ref of parentRefsOf(route)) {
          if (ref.kind !== "Gateway" || ref.group !== GATEWAY_API_GROUP || ref.name === "") continue;
          // A Gateway of a namespace the inputs hold nothing of is outside what was given, not missing.
          if (ref.crossNamespace && !namespacesWithObjects.has(ref.namespace) && !view.get("Namespace", undefined, ref.namespace)) continue;
          const gateway = gateways.find((item) => nameOf(item) === ref.name && namespaceOf(item) === ref.namespace);
          let problem: string;
          let fix: string;
          if (!gateway) {
            const suggestion = closest(ref.name, gateways.filter((item) => namespaceOf(item) === ref.namespace).map(nameOf));
            problem = `no Gateway ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name} exists${suggestion ? `; did you mean ${suggestion}?` : ""}`;
            fix = suggestion ? `Use parentRefs name ${suggestion}.` : "Name an existing Gateway in parentRefs, or create it.";
          } else if (!gatewayAcceptsNamespace(view, gateway, routeNamespace)) {
            problem = `Gateway ${ref.namespace}/${ref.name} does not admit routes from namespace ${routeNamespace} (allowedRoutes)`;
            fix = `Let Gateway ${ref.namespace}/${ref.name} admit namespace ${routeNamespace} (allowedRoutes.namespaces.from: All, or a Selector matching it).`;
          } else continue;
          reportIstio(this, ctx, {
            object: route,
            istioMessage: "Route is pointing to a non-existent or inaccessible K8s gateway",
            path: ref.path,
            message: "not-attached",
            data: { resource: refOf(route), problem },
            cause: "A route that no Gateway accepts is not programmed; requests for its hostnames get 404 from the gateway.",
            fix: { description: fix, commands: [kubectl("edit", route)] },
            verify: [kubectl("get", route, "-o jsonpath='{.status.parents}'"), "kubectl get gateways.gateway.networking.k8s.io -A"],
          });
        }
      }
    }
  },
});
