import { ambientRouteOutsideServiceNamespace } from "../../../src/rules/istio/ambient-route-outside-service-namespace.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, namespace, service } from "./ambient-fixtures.js";

const ambient = namespace("bookinfo", { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" });
const frontend = namespace("frontend", { "istio.io/dataplane-mode": "ambient" });
const virtualService = (ns: string, host: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews-canary\n  namespace: ${ns}\nspec:\n  hosts:\n  - ${host}\n  http:\n  - route:\n    - destination:\n        host: ${host}\n      timeout: 2s`;
const destinationRule = (ns: string, host: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews-hash\n  namespace: ${ns}\nspec:\n  host: ${host}\n  trafficPolicy:\n    loadBalancer:\n      consistentHash:\n        httpHeaderName: x-user`;

testRule(ambientRouteOutsideServiceNamespace, {
  valid: [
    { name: "in the Service's namespace", files: { "a.yaml": docs(ambient, service("reviews", "bookinfo"), virtualService("bookinfo", "reviews")) } },
    { name: "Service in a sidecar namespace", files: { "a.yaml": docs(namespace("bookinfo", { "istio-injection": "enabled" }), frontend, service("reviews", "bookinfo"), virtualService("frontend", "reviews.bookinfo.svc.cluster.local")) } },
    { name: "external host", files: { "a.yaml": docs(ambient, frontend, virtualService("frontend", "api.example.com")) } },
  ],
  invalid: [
    {
      name: "VirtualService in a client namespace",
      files: { "a.yaml": docs(ambient, frontend, service("reviews", "bookinfo"), virtualService("frontend", "reviews.bookinfo.svc.cluster.local")) },
      expect: { severity: "warning", resource: { kind: "VirtualService", namespace: "frontend" }, summary: /configures Service bookinfo\/reviews in ambient namespace bookinfo from namespace frontend/, equivalents: ["KIA1114"] },
    },
    { name: "half-qualified host of a known namespace", files: { "a.yaml": docs(ambient, frontend, service("reviews", "bookinfo"), virtualService("frontend", "reviews.bookinfo")) }, expect: { equivalents: ["KIA1114"] } },
    { name: "DestinationRule in a client namespace", files: { "a.yaml": docs(ambient, frontend, service("reviews", "bookinfo"), destinationRule("frontend", "reviews.bookinfo.svc.cluster.local")) }, expect: { resource: { kind: "DestinationRule" }, summary: /DestinationRule frontend\/reviews-hash configures Service bookinfo\/reviews/, equivalents: ["KIA0212"] } },
  ],
});
