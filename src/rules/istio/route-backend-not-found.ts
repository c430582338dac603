import { defineRule } from "../../contract/rule.js";
import { reportIstio, kubectl, yamlOf } from "./finding.js";
import { nameOf, namespaceOf, refOf } from "../../k8s/objects.js";
import { backendRefsOf, isGatewayApiObject, isServiceReference, parentRefsOf, referenceGranted, ROUTE_KINDS } from "../../istio/gateway-api.js";
import { closest } from "../../istio/suggest.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/**
 * Kiali's KIA1402: a route's backendRef (or a Service parentRef, GAMMA mesh routing) that names a
 * Service that does not exist, a dotted name, or a Service of another namespace that no
 * ReferenceGrant there lets the route use.
 */
export const routeBackendNotFound = defineRule({
  id: "istio/route-backend-not-found",
  category: "routing-reference-not-found",
  severity: "error",
  title: "Route refers to a Service that does not exist or is not granted",
  docs: {
    cause: "A Gateway API route's `backendRefs` (or a `parentRefs` entry of kind Service) names a Service that is not in the namespace it names, uses a DNS name instead of the Service's name, or names a backend Service of another namespace without a ReferenceGrant there for the route's kind (a Service parentRef of another namespace is a consumer route and needs none). The reference is not resolved (`ResolvedRefs=False`) and requests sent to it get HTTP 500.",
    fix: "Name an existing Service by its name (no dots), or add a ReferenceGrant in the Service's namespace that allows the route's namespace and kind.",
    verify: ["kubectl get svc -n <namespace>", "kubectl get httproute <name> -n <namespace> -o jsonpath='{.status.parents[*].conditions}'"],
    references: ["https://gateway-api.sigs.k8s.io/api-types/httproute/#backendrefs-optional", "https://gateway-api.sigs.k8s.io/api-types/referencegrant/", "https://kiali.io/docs/features/validations/"],
  },
  equivalents: ["KIA1402"],
  inputs: ["manifests", "services"],
  reads: ["EndpointSlice", "Endpoints", "GRPCRoute", "HTTPRoute", "ReferenceGrant", "Service", "ServiceEntry", "TCPRoute", "TLSRoute", "UDPRoute", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "backend-unusable": "{resource} sends traffic to a Service it cannot use: {problem}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const services = view.kind("Service");
    const namespacesWithServices = new Set(services.map(namespaceOf));
    for (const kind of ROUTE_KINDS) {
      for (const route of view.kind(kind)) {
        if (!isGatewayApiObject(route)) continue;
        const routeNamespace = namespaceOf(route);
        for (const ref of [...parentRefsOf(route), ...backendRefsOf(route)]) {
          if (!isServiceReference(ref) || ref.name === "") continue;
          // Judged only where the inputs hold the namespace's Services.
          if (!namespacesWithServices.has(ref.namespace)) continue;
          const inNamespace = services.filter((service) => namespaceOf(service) === ref.namespace);
          const exists = inNamespace.some((service) => nameOf(service) === ref.name);
          let problem: string | undefined;
          let fix: { description: string; after?: string };
          if (ref.name.includes(".")) {
            const short = ref.name.split(".")[0]!;
            problem = `"${ref.name}" is a DNS name; backendRefs take the Service's name`;
            const written = ref.name.split(".")[1];
            fix = { description: `Set the backend name to ${short}${written && written !== routeNamespace ? ` and its namespace to ${written}` : ""}.` };
          } else if (!exists) {
            const suggestion = closest(ref.name, inNamespace.map(nameOf));
            problem = `no Service ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name} exists${suggestion ? `; did you mean ${suggestion}?` : ""}`;
            fix = { description: suggestion ? `Set the backend name to ${suggestion}.` : "Name an existing Service, or create it." };
          } else if (ref.crossNamespace && ref.path[1] === "rules" && !referenceGranted(view, kind, routeNamespace, "Service", ref.namespace, ref.name)) {
            problem = `Service ${ref.namespace}/${ref.name} is in another namespace and no ReferenceGrant there allows ${kind}s of namespace ${routeNamespace}`;
            fix = {
              description: `Add a ReferenceGrant in namespace ${ref.namespace}.`,
              after: yamlOf({ apiVersion: "gateway.networking.k8s.io/v1beta1", kind: "ReferenceGrant", metadata: { name: `allow-${routeNamespace}-${kind.toLowerCase()}`, namespace: ref.namespace }, spec: { from: [{ group: "gateway.networking.k8s.io", kind, namespace: routeNamespace }], to: [{ group: "", kind: "Service", name: ref.name }] } }),
            };
          }
          if (!problem) continue;
          reportIstio(this, ctx, {
            object: route,
            istioMessage: "Reference doesn't have a valid service (Service name not found)",
            path: ref.path,
            message: "backend-unusable",
            data: { resource: refOf(route), problem },
            cause: "An unresolved backend is not programmed; the share of requests routed to it gets HTTP 500.",
            fix: { description: fix!.description, ...(fix!.after ? { yaml: { before: "", after: fix!.after, target: `ReferenceGrant ${ref.namespace}` } } : {}), commands: [fix!.after ? "kubectl apply -f referencegrant.yaml" : kubectl("edit", route)] },
            verify: [kubectl("get", route, "-o jsonpath='{.status.parents[*].conditions}'"), `kubectl get svc${namespaceFlag(ref.namespace)}`],
          });
        }
      }
    }
  },
});
