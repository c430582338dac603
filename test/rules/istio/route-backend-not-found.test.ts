import { routeBackendNotFound } from "../../../src/rules/istio/route-backend-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, service } from "./ambient-fixtures.js";
import { backend, httpRoute, parent } from "./gateway-api-fixtures.js";

const grant = (fromNs: string, kind = "HTTPRoute", name = "") => `apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata:\n  name: allow-routes\n  namespace: bookinfo\nspec:\n  from:\n  - group: gateway.networking.k8s.io\n    kind: ${kind}\n    namespace: ${fromNs}\n  to:\n  - group: ""\n    kind: Service${name ? `\n    name: ${name}` : ""}`;

testRule(routeBackendNotFound, {
  valid: [
    { name: "Service in the route's namespace", files: { "a.yaml": docs(service("productpage", "bookinfo"), httpRoute("bookinfo", parent("gateway"), backend("productpage"))) } },
    { name: "other namespace with a ReferenceGrant", files: { "a.yaml": docs(service("productpage", "bookinfo"), service("gateway", "istio-ingress"), grant("istio-ingress"), httpRoute("istio-ingress", parent("gateway"), backend("productpage", "bookinfo"))) } },
    { name: "grant naming the Service", files: { "a.yaml": docs(service("productpage", "bookinfo"), service("gateway", "istio-ingress"), grant("istio-ingress", "HTTPRoute", "productpage"), httpRoute("istio-ingress", parent("gateway"), backend("productpage", "bookinfo"))) } },
    { name: "namespace's Services not in the inputs", files: { "a.yaml": docs(httpRoute("bookinfo", parent("gateway"), backend("productpage"))) } },
    { name: "consumer mesh route to a Service of another namespace", files: { "a.yaml": docs(service("reviews", "bookinfo"), service("curl", "client"), httpRoute("client", "  - group: \"\"\n    kind: Service\n    name: reviews\n    namespace: bookinfo", backend("reviews", "bookinfo").replace("reviews", "curl").replace("\n      namespace: bookinfo", ""))) } },
  ],
  invalid: [
    {
      name: "backend misspelt",
      files: { "a.yaml": docs(service("productpage", "bookinfo"), httpRoute("bookinfo", parent("gateway"), backend("product-page"))) },
      expect: { severity: "error", resource: { kind: "HTTPRoute" }, summary: /no Service bookinfo\/product-page exists; did you mean productpage\?/, equivalents: ["KIA1402"] },
    },
    { name: "DNS name instead of the Service's name", files: { "a.yaml": docs(service("productpage", "bookinfo"), httpRoute("bookinfo", parent("gateway"), backend("productpage.bookinfo.svc.cluster.local"))) }, expect: { summary: /is a DNS name/, equivalents: ["KIA1402"] } },
    {
      name: "other namespace without a ReferenceGrant",
      files: { "a.yaml": docs(service("productpage", "bookinfo"), service("gateway", "istio-ingress"), httpRoute("istio-ingress", parent("gateway"), backend("productpage", "bookinfo"))) },
      expect: { summary: /no ReferenceGrant there allows HTTPRoutes of namespace istio-ingress/, fixIncludes: [/kind: ReferenceGrant/], equivalents: ["KIA1402"] },
    },
    { name: "grant for another kind", files: { "a.yaml": docs(service("productpage", "bookinfo"), service("gateway", "istio-ingress"), grant("istio-ingress", "GRPCRoute"), httpRoute("istio-ingress", parent("gateway"), backend("productpage", "bookinfo"))) }, expect: { equivalents: ["KIA1402"] } },
    { name: "grant for another Service", files: { "a.yaml": docs(service("productpage", "bookinfo"), service("gateway", "istio-ingress"), grant("istio-ingress", "HTTPRoute", "reviews"), httpRoute("istio-ingress", parent("gateway"), backend("productpage", "bookinfo"))) }, expect: { equivalents: ["KIA1402"] } },
    { name: "Service parent that does not exist", files: { "a.yaml": docs(service("reviews", "bookinfo"), httpRoute("bookinfo", "  - group: \"\"\n    kind: Service\n    name: ratings", backend("reviews"))) }, expect: { summary: /no Service bookinfo\/ratings/, equivalents: ["KIA1402"] } },
  ],
});
