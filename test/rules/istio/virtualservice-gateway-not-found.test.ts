import { virtualServiceGatewayNotFound } from "../../../src/rules/istio/virtualservice-gateway-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, reviewsService } from "./fixtures.js";

const gateway = `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: public-gateway\n  namespace: istio-system\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 80\n      name: http\n      protocol: HTTP\n    hosts:\n    - "*"`;
const vs = (ref: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n  namespace: default\nspec:\n  hosts:\n  - reviews.example.com\n  gateways:\n  - ${ref}\n  http:\n  - route:\n    - destination:\n        host: reviews`;

testRule(virtualServiceGatewayNotFound, {
  valid: [
    { name: "namespace/name of an existing gateway", files: { "a.yaml": docs(gateway, reviewsService, vs("istio-system/public-gateway")) } },
    { name: "mesh", files: { "a.yaml": docs(reviewsService, vs("mesh")) } },
  ],
  invalid: [
    {
      name: "short name of a gateway that lives in istio-system",
      files: { "a.yaml": docs(gateway, reviewsService, vs("public-gateway")) },
      expect: { resource: { kind: "VirtualService", line: 41 }, summary: /gateway "public-gateway", which does not exist in namespace default/, fixIncludes: [/istio-system\/public-gateway/], equivalents: ["IST0101", "KIA1102"] },
    },
  ],
});
