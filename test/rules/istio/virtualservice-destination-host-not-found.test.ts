import { virtualServiceDestinationHostNotFound } from "../../../src/rules/istio/virtualservice-destination-host-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, reviewsService } from "./fixtures.js";

const vs = (namespace: string, host: string, exportTo = "") => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews-route
  namespace: ${namespace}
spec:
  hosts:
  - reviews
${exportTo}  http:
  - route:
    - destination:
        host: ${host}`;

const exportedOnlyToFrontend = reviewsService.replace("  labels:", "  annotations:\n    networking.istio.io/exportTo: frontend\n  labels:");

testRule(virtualServiceDestinationHostNotFound, {
  valid: [
    { name: "short name of a Service in the same namespace", files: { "a.yaml": docs(reviewsService, vs("default", "reviews")) } },
    { name: "FQDN of a Service in another namespace", files: { "a.yaml": docs(reviewsService, vs("frontend", "reviews.default.svc.cluster.local")) } },
    { name: "Service exported to the VirtualService's namespace", files: { "a.yaml": docs(exportedOnlyToFrontend, vs("frontend", "reviews.default.svc.cluster.local")) } },
    {
      name: "host of a ServiceEntry",
      files: { "a.yaml": docs(`apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: httpbin-ext\n  namespace: default\nspec:\n  hosts:\n  - httpbin.org\n  ports:\n  - number: 443\n    name: https\n    protocol: HTTPS\n  resolution: DNS`, vs("default", "httpbin.org")) },
    },
  ],
  invalid: [
    {
      name: "typo in the host: suggests the existing Service",
      files: { "vs.yaml": docs(reviewsService, vs("default", "reveiws")) },
      expect: { severity: "error", resource: { kind: "VirtualService", name: "reviews-route", file: "vs.yaml", line: 27 }, summary: /host "reveiws"/, fixIncludes: [/host: reviews/], equivalents: ["IST0101", "KIA1101"] },
    },
    {
      name: "short name resolves in the VirtualService's own namespace",
      files: { "vs.yaml": docs(reviewsService, vs("frontend", "reviews")) },
      expect: { summary: /namespace frontend/ },
    },
    {
      name: "Service exportTo hides it from the VirtualService's namespace",
      files: { "a.yaml": docs(exportedOnlyToFrontend, vs("shop", "reviews.default.svc.cluster.local")) },
      expect: { summary: /reviews.default.svc.cluster.local/, evidence: [/exportTo: frontend/] },
    },
  ],
});
