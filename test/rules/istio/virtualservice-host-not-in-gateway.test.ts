import { virtualServiceHostNotInGateway } from "../../../src/rules/istio/virtualservice-host-not-in-gateway.js";
import { testRule } from "../../helpers/rule-tester.js";
import { bookinfoGateway, docs } from "./fixtures.js";

const vs = (host: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: bookinfo\n  namespace: default\nspec:\n  hosts:\n  - ${host}\n  gateways:\n  - bookinfo-gateway\n  http:\n  - route:\n    - destination:\n        host: productpage`;

testRule(virtualServiceHostNotInGateway, {
  valid: [
    { name: "host under the gateway's wildcard", files: { "a.yaml": docs(bookinfoGateway(['"*.example.com"']), vs("bookinfo.example.com")) } },
    { name: "gateway accepts every host", files: { "a.yaml": docs(bookinfoGateway(), vs("bookinfo.example.com")) } },
  ],
  invalid: [
    {
      name: "host the gateway does not serve",
      files: { "a.yaml": docs(bookinfoGateway(['"bookinfo.example.com"']), vs("shop.example.com")) },
      expect: { severity: "warning", summary: /shop.example.com are not among the hosts of gateway bookinfo-gateway \(bookinfo.example.com\)/, fixIncludes: [/- shop.example.com/], equivalents: ["IST0132"] },
    },
    {
      name: "gateway host restricted to another namespace",
      files: { "a.yaml": docs(bookinfoGateway(['"prod/bookinfo.example.com"']), vs("bookinfo.example.com")) },
      expect: { summary: /prod\/bookinfo.example.com/ },
    },
  ],
});
