import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl } from "./finding.js";
import { nameOf, refOf } from "../../k8s/objects.js";
import { ambientRoutes } from "../../istio/ambient-policies.js";

/**
 * Kiali's KIA1114 (VirtualService) and KIA0212 (DestinationRule): L7 routing for a Service in an
 * ambient namespace, written in another namespace. A waypoint applies the configuration of its
 * Service's own namespace (producer configuration), not the clients'.
 */
export const ambientRouteOutsideServiceNamespace = defineRule({
  id: "istio/ambient-route-outside-service-namespace",
  category: "istio-config-other",
  severity: "warning",
  title: "L7 routing for an ambient Service written in another namespace",
  docs: {
    cause: "In ambient mode the destination's waypoint applies L7 routing (VirtualService HTTP/TLS routes, DestinationRule HTTP policies), and it takes that configuration from the Service's namespace. A VirtualService or DestinationRule in a client namespace for a Service in an ambient namespace does not take effect.",
    fix: "Move the VirtualService or DestinationRule to the namespace of the Service it configures.",
    verify: ["kubectl get virtualservices,destinationrules -A", "istioctl ztunnel-config service -n <service-namespace>"],
    references: ["https://istio.io/latest/docs/ambient/usage/l7-features/", "https://istio.io/latest/docs/ambient/usage/waypoint/", "https://kiali.io/docs/features/validations/"],
  },
  equivalents: ["KIA1114", "KIA0212"],
  inputs: ["istio", "services"],
  reads: ["DestinationRule", "Namespace", "VirtualService"],
  scopes: ["lint", "diagnose"],
  messages: {
    "route-in-client-namespace": "{route} configures {service} in ambient namespace {serviceNamespace} from namespace {routeNamespace}: its waypoint does not apply it",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const route of ambientRoutes(view)) {
      for (const destination of route.destinations) {
        if (destination.namespace === route.namespace) continue;
        reportIstio(this, ctx, {
          object: route.object,
          message: "route-in-client-namespace",
          data: { route: refOf(route.object), service: refOf(destination.service), serviceNamespace: destination.namespace, routeNamespace: route.namespace },
          istioMessage: `L7 ${route.object.kind} should be in the same namespace as the Ambient destination service to take effect`,
          path: route.hostPath(destination.hostIndex),
          cause: `The waypoint of ${destination.namespace}/${nameOf(destination.service)} applies ${route.reason} written in namespace ${destination.namespace} only.`,
          fix: {
            description: `Create the ${route.object.kind} in namespace ${destination.namespace} and delete this one.`,
            commands: [`${kubectl("get", route.object, "-o yaml")} | sed 's/namespace: ${route.namespace}$/namespace: ${destination.namespace}/' | kubectl apply -f -`, kubectl("delete", route.object)],
          },
          equivalents: [route.codes.notInServiceNamespace],
          verify: [analyzeCommand(route.object)],
        });
      }
    }
  },
});
