import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl } from "./finding.js";
import { DEFAULT_DOMAIN, toFqdn } from "../../istio/hosts.js";
import { kialiHost, kialiHostName, kialiNamespaces } from "../../istio/kiali-hosts.js";
import { appliedNamespaceOf, recordOf, refOf } from "../../k8s/objects.js";
import { routeLists } from "../../istio/virtual-service.js";

/**
 * Kiali's KIA1105: two destinations of one route that are the same host and subset (the host
 * placed as Kiali places it: `reviews`, `reviews.bookinfo`, `reviews.bookinfo.svc` and the FQDN alike). The weights are summed into one destination; the split written is not
 * the split that happens.
 */
export const virtualServiceRepeatedSubset = defineRule({
  id: "istio/virtualservice-repeated-subset",
  category: "routing-conflict",
  severity: "warning",
  title: "A route lists the same host and subset twice",
  docs: {
    cause: "Two destinations of one HTTP, TCP or TLS route name the same host (short and full names alike) and the same subset. Envoy gets one weighted cluster for both, so the route does not split traffic the way its destinations suggest; it is usually a copy-paste of a canary split that forgot to change the subset.",
    fix: "Give each destination of the route its own subset (v1 and v2), or merge them into one destination with the sum of their weights.",
    verify: ["kubectl get virtualservice <name> -n <namespace> -o yaml", "istioctl proxy-config routes deploy/<client> -o json | grep -A6 weighted_clusters"],
    references: ["https://kiali.io/docs/features/validations/#kia1105---this-host-subset-combination-is-already-referenced-in-another-route-destination", "https://istio.io/latest/docs/reference/config/networking/virtual-service/#RouteDestination"],
  },
  equivalents: ["KIA1105"],
  inputs: ["istio"],
  reads: ["Namespace", "VirtualService"],
  scopes: ["lint", "diagnose"],
  messages: {
    "repeated-destination": "{resource} {protocol}[{rule}] sends to {destination} in destinations {first} and {second}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const namespaces = kialiNamespaces(view, ["VirtualService"]);
    for (const vs of view.kind("VirtualService")) {
      for (const { protocol, ruleIndex, routes } of routeLists(vs)) {
        const seen = new Map<string, number>();
        routes.forEach((route, routeIndex) => {
          const destination = recordOf(recordOf(route)?.destination);
          if (typeof destination?.host !== "string") return;
          const subset = typeof destination.subset === "string" ? destination.subset : "";
          const key = `${kialiHostName(kialiHost(destination.host, appliedNamespaceOf(vs), namespaces))}|${subset}`;
          const first = seen.get(key);
          if (first === undefined) return void seen.set(key, routeIndex);
          const firstHost = String(recordOf(recordOf(routes[first])?.destination)?.host);
          // Kiali reads `reviews.bookinfo` as reviews in bookinfo; Istio completes only names without a dot.
          const [firstFqdn, secondFqdn] = [toFqdn(firstHost, appliedNamespaceOf(vs)), toFqdn(destination.host, appliedNamespaceOf(vs))];
          const unexpanded = firstFqdn === secondFqdn ? undefined : [firstHost, destination.host].find((host) => host.includes(".") && !host.endsWith(`.svc.${DEFAULT_DOMAIN}`));
          const what = `${destination.host}${subset ? ` subset ${subset}` : ""}`;
          reportIstio(this, ctx, {
            object: vs,
            istioMessage: `This host subset combination is already referenced in another route destination (${what})`,
            path: ["spec", protocol, ruleIndex, "route", routeIndex, "destination"],
            message: "repeated-destination",
            data: { resource: refOf(vs), protocol, rule: ruleIndex, destination: what, first, second: routeIndex },
            cause: unexpanded
              ? `Destinations ${first} and ${routeIndex} of the route name one host and subset as Kiali reads them, but Istio does not expand ${unexpanded} (a name with a dot) to ${kialiHostName(kialiHost(unexpanded, appliedNamespaceOf(vs), namespaces))}, so that destination routes to no service and its share of the traffic fails.`
              : `Destinations ${first} and ${routeIndex} of the route are the same host and subset, so their weights go to one cluster and no other version gets the share the second one seems to give.`,
            fix: { description: unexpanded ? `Write ${unexpanded} as its full name, then give each destination its own subset or merge the two.` : "Point the second destination at the subset it was meant for, or merge the two.", commands: [kubectl("edit", vs)] },
            verify: [analyzeCommand(vs)],
          });
        });
      }
    }
  },
});
