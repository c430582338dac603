import { routeGatewayNotFound } from "../../../src/rules/istio/route-gateway-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, namespace, service } from "./ambient-fixtures.js";
import { backend, gateway, httpRoute, listener, parent } from "./gateway-api-fixtures.js";

const ingress = (allowed = "") => gateway("bookinfo-gateway", "istio-ingress", listener("http", "bookinfo.example.com", 80, "HTTP", allowed));
const fromAll = "    allowedRoutes:\n      namespaces:\n        from: All\n";
const fromSelector = "    allowedRoutes:\n      namespaces:\n        from: Selector\n        selector:\n          matchLabels:\n            shared-gateway-access: \"true\"\n";

testRule(routeGatewayNotFound, {
  valid: [
    { name: "same namespace", files: { "a.yaml": docs(gateway("bookinfo-gateway", "bookinfo", listener("http", "bookinfo.example.com")), httpRoute("bookinfo", parent("bookinfo-gateway"), backend("productpage"))) } },
    { name: "shared gateway admits All", files: { "a.yaml": docs(namespace("bookinfo"), ingress(fromAll), httpRoute("bookinfo", parent("bookinfo-gateway", "istio-ingress"), backend("productpage"))) } },
    { name: "shared gateway admits by selector", files: { "a.yaml": docs(namespace("bookinfo", { "shared-gateway-access": "true" }), ingress(fromSelector), httpRoute("bookinfo", parent("bookinfo-gateway", "istio-ingress"), backend("productpage"))) } },
    { name: "Service parent (mesh route)", files: { "a.yaml": docs(service("reviews", "bookinfo"), httpRoute("bookinfo", "  - group: \"\"\n    kind: Service\n    name: reviews", backend("reviews"))) } },
    { name: "gateway namespace not in the inputs", files: { "a.yaml": docs(httpRoute("bookinfo", parent("bookinfo-gateway", "istio-ingress"), backend("productpage"))) } },
  ],
  invalid: [
    {
      name: "gateway misspelt",
      files: { "a.yaml": docs(gateway("bookinfo-gateway", "bookinfo", listener("http", "bookinfo.example.com")), httpRoute("bookinfo", parent("bookinfo-gatway"), backend("productpage"))) },
      expect: { severity: "error", resource: { kind: "HTTPRoute", name: "bookinfo" }, summary: /no Gateway bookinfo\/bookinfo-gatway exists; did you mean bookinfo-gateway\?/, equivalents: ["KIA1401"] },
    },
    {
      name: "shared gateway admits only its own namespace",
      files: { "a.yaml": docs(namespace("bookinfo"), ingress(), httpRoute("bookinfo", parent("bookinfo-gateway", "istio-ingress"), backend("productpage"))) },
      expect: { summary: /does not admit routes from namespace bookinfo/, equivalents: ["KIA1401"] },
    },
    {
      name: "selector does not match the route's namespace",
      files: { "a.yaml": docs(namespace("bookinfo"), ingress(fromSelector), httpRoute("bookinfo", parent("bookinfo-gateway", "istio-ingress"), backend("productpage"))) },
      expect: { equivalents: ["KIA1401"] },
    },
    { name: "GRPCRoute to a missing gateway", files: { "a.yaml": docs(namespace("bookinfo"), httpRoute("bookinfo", parent("grpc-gateway"), backend("productpage"), "GRPCRoute")) }, expect: { resource: { kind: "GRPCRoute" }, equivalents: ["KIA1401"] } },
  ],
});
