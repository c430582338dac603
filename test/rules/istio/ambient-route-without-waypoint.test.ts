import { ambientRouteWithoutWaypoint } from "../../../src/rules/istio/ambient-route-without-waypoint.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, namespace, service } from "./ambient-fixtures.js";

const ambient = namespace("bookinfo", { "istio.io/dataplane-mode": "ambient" });
const enrolled = namespace("bookinfo", { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" });
const virtualService = (ns: string, host: string, extra = "") => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n  namespace: ${ns}\nspec:\n  hosts:\n  - ${host}\n${extra}  http:\n  - route:\n    - destination:\n        host: ${host}\n        subset: v1\n      weight: 90\n    - destination:\n        host: ${host}\n        subset: v2\n      weight: 10`;
const tcpVirtualService = `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n  hosts:\n  - reviews\n  tcp:\n  - route:\n    - destination:\n        host: reviews`;
const destinationRule = (ns: string, host: string, policy: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n  namespace: ${ns}\nspec:\n  host: ${host}\n  trafficPolicy:\n${policy}`;
const outlier = "    outlierDetection:\n      consecutive5xxErrors: 5\n      interval: 10s";
const tlsOnly = "    tls:\n      mode: ISTIO_MUTUAL";

testRule(ambientRouteWithoutWaypoint, {
  valid: [
    { name: "namespace enrolled", files: { "a.yaml": docs(enrolled, service("reviews", "bookinfo"), virtualService("bookinfo", "reviews")) } },
    { name: "Service enrolled by its own label", files: { "a.yaml": docs(ambient, service("reviews", "bookinfo", { "istio.io/use-waypoint": "reviews-waypoint" }), virtualService("bookinfo", "reviews")) } },
    { name: "TCP routes only: ztunnel applies them", files: { "a.yaml": docs(ambient, service("reviews", "bookinfo"), tcpVirtualService) } },
    { name: "ingress-only VirtualService", files: { "a.yaml": docs(ambient, service("reviews", "bookinfo"), virtualService("bookinfo", "reviews", "  gateways:\n  - bookinfo-gateway\n")) } },
    { name: "DestinationRule with TLS only (L4)", files: { "a.yaml": docs(ambient, service("reviews", "bookinfo"), destinationRule("bookinfo", "reviews", tlsOnly)) } },
    { name: "sidecar namespace", files: { "a.yaml": docs(namespace("bookinfo", { "istio-injection": "enabled" }), service("reviews", "bookinfo"), virtualService("bookinfo", "reviews")) } },
  ],
  invalid: [
    {
      name: "VirtualService for a Service that uses no waypoint",
      files: { "a.yaml": docs(ambient, service("reviews", "bookinfo"), virtualService("bookinfo", "reviews")) },
      expect: { severity: "warning", resource: { kind: "VirtualService" }, summary: /for Service bookinfo\/reviews, which is in ambient mode but uses no waypoint/, equivalents: ["KIA1113"] },
    },
    {
      name: "FQDN host of an ambient namespace, VirtualService in a sidecar namespace",
      files: { "a.yaml": docs(ambient, namespace("frontend", { "istio-injection": "enabled" }), service("reviews", "bookinfo"), virtualService("frontend", "reviews.bookinfo.svc.cluster.local")) },
      expect: { summary: /Service bookinfo\/reviews/, equivalents: ["KIA1113"] },
    },
    {
      name: "Service opts out although the namespace is enrolled",
      files: { "a.yaml": docs(enrolled, service("reviews", "bookinfo", { "istio.io/use-waypoint": "none" }), virtualService("bookinfo", "reviews")) },
      expect: { equivalents: ["KIA1113"] },
    },
    { name: "host without a Service: judged by the namespace", files: { "a.yaml": docs(ambient, virtualService("bookinfo", "ratings")) }, expect: { summary: /in ambient namespace bookinfo, which is not enrolled/, equivalents: ["KIA1109"] } },
    { name: "DestinationRule with outlier detection", files: { "a.yaml": docs(ambient, service("reviews", "bookinfo"), destinationRule("bookinfo", "reviews", outlier)) }, expect: { resource: { kind: "DestinationRule" }, summary: /outlier detection/, equivalents: ["KIA0211"] } },
    { name: "DestinationRule with HTTP pool, no Service", files: { "a.yaml": docs(ambient, destinationRule("bookinfo", "ratings", "    connectionPool:\n      http:\n        http1MaxPendingRequests: 10")) }, expect: { summary: /HTTP connection pool/, equivalents: ["KIA0210"] } },
  ],
});
