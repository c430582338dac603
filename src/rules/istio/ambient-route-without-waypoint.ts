import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, fieldEvidence, reportIstio, kubectl } from "./finding.js";
import { nameOf, refOf } from "../../k8s/objects.js";
import { USE_WAYPOINT_LABEL } from "../../istio/ambient.js";
import { ambientRoutes } from "../../istio/ambient-policies.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/**
 * Kiali's KIA1109/KIA1113 (VirtualService) and KIA0210/KIA0211 (DestinationRule): L7 routing for a
 * Service in an ambient namespace that is not enrolled in a waypoint. ztunnel forwards the traffic at
 * L4, so the routes, retries, hashing or outlier detection are not applied.
 */
export const ambientRouteWithoutWaypoint = defineRule({
  id: "istio/ambient-route-without-waypoint",
  category: "istio-config-other",
  severity: "warning",
  title: "L7 routing for an ambient Service that uses no waypoint",
  docs: {
    cause: "In ambient mode the HTTP and TLS routes of a VirtualService for mesh traffic, and a DestinationRule's HTTP connection pool, consistent hashing on headers or cookies and outlier detection, are applied by the destination's waypoint. A Service (or namespace) not enrolled with `istio.io/use-waypoint` has none, so ztunnel forwards its traffic at L4 and the routing is ignored.",
    fix: "Enroll the Service or its namespace in a waypoint (`istio.io/use-waypoint=<waypoint>`), after deploying one with `istioctl waypoint apply`.",
    verify: ["istioctl ztunnel-config service -n <namespace>", "kubectl get svc <service> -n <namespace> -L istio.io/use-waypoint"],
    references: ["https://istio.io/latest/docs/ambient/usage/waypoint/#use-a-waypoint-proxy", "https://istio.io/latest/docs/ambient/usage/l7-features/", "https://kiali.io/docs/features/validations/"],
  },
  equivalents: ["KIA1109", "KIA1113", "KIA0210", "KIA0211"],
  inputs: ["istio", "services"],
  reads: ["DestinationRule", "Namespace", "VirtualService"],
  scopes: ["lint", "diagnose"],
  messages: {
    "service-without-waypoint": "{route} has {reason} for {service}, which is in ambient mode but uses no waypoint: they are not applied",
    "namespace-without-waypoint": "{route} has {reason} in ambient namespace {namespace}, which is not enrolled in a waypoint: they are not applied",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const route of ambientRoutes(view)) {
      const kind = route.object.kind;
      for (const destination of route.destinations) {
        if (destination.enrolled) continue;
        const service = destination.service;
        reportIstio(this, ctx, {
          object: route.object,
          istioMessage: `L7 ${kind} targets a service not enrolled to use a waypoint (${USE_WAYPOINT_LABEL})`,
          path: route.hostPath(destination.hostIndex),
          message: "service-without-waypoint",
          data: { route: refOf(route.object), reason: route.reason, service: refOf(service) },
          cause: `Only a waypoint applies ${route.reason} in ambient mode; Service ${destination.namespace}/${nameOf(service)} has no ${USE_WAYPOINT_LABEL} label (nor its namespace), or opts out with none.`,
          fix: {
            description: `Enroll Service ${destination.namespace}/${nameOf(service)} in a waypoint.`,
            commands: [`istioctl waypoint apply${namespaceFlag(destination.namespace)}`, `kubectl${namespaceFlag(destination.namespace)} label service ${nameOf(service)} ${USE_WAYPOINT_LABEL}=waypoint --overwrite`],
          },
          evidence: [fieldEvidence(view, service, ["metadata", "labels"], `${refOf(service)} labels: ${JSON.stringify(service.metadata.labels ?? {})}`)],
          equivalents: [route.codes.notCaptured],
          verify: [analyzeCommand(route.object), `istioctl ztunnel-config service${namespaceFlag(destination.namespace)}`],
        });
      }
      if (route.destinations.length > 0 || !route.namespaceFallback.ambient || route.namespaceFallback.enrolled) continue;
      reportIstio(this, ctx, {
        object: route.object,
        istioMessage: `L7 ${kind} in Ambient namespace requires waypoint enrollment (${USE_WAYPOINT_LABEL})`,
        path: route.hostPath(0),
        message: "namespace-without-waypoint",
        data: { route: refOf(route.object), reason: route.reason, namespace: route.namespace },
        cause: `Namespace ${route.namespace} runs in ambient mode without ${USE_WAYPOINT_LABEL}; ztunnel forwards its traffic at L4 only.`,
        fix: { description: `Enroll namespace ${route.namespace} in a waypoint.`, commands: [`istioctl waypoint apply${namespaceFlag(route.namespace)} --enroll-namespace`] },
        equivalents: [route.codes.noWaypoint],
        verify: [analyzeCommand(route.object), kubectl("get", route.object, "-o yaml")],
      });
    }
  },
});
