import { virtualServiceIngressSubsetIgnored } from "../../../src/rules/istio/virtualservice-ingress-subset-ignored.js";
import { testRule } from "../../helpers/rule-tester.js";
import { bookinfoGateway, docs, reviewsDestinationRule, reviewsService, reviewsVirtualService } from "./fixtures.js";

const ingress = (subset: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews-ingress\n  namespace: default\nspec:\n  hosts:\n  - reviews.example.com\n  gateways:\n  - bookinfo-gateway\n  http:\n  - route:\n    - destination:\n        host: reviews${subset}`;

testRule(virtualServiceIngressSubsetIgnored, {
  valid: [{ name: "gateway route names the subset too", files: { "a.yaml": docs(reviewsService, bookinfoGateway(), reviewsDestinationRule("v1"), reviewsVirtualService("v1"), ingress("\n        subset: v1")) } }],
  invalid: [
    {
      name: "gateway route without subset while the mesh route pins v1",
      files: { "a.yaml": docs(reviewsService, bookinfoGateway(), reviewsDestinationRule("v1"), reviewsVirtualService("v1"), ingress("")) },
      expect: { severity: "warning", resource: { name: "reviews-ingress" }, summary: /subset routing in VirtualService default\/reviews does not apply/, fixIncludes: [/subset: v1/], equivalents: ["IST0140"] },
    },
  ],
});
