import { gatewayConflictingServers } from "../../../src/rules/istio/gateway-conflicting-servers.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, ingressGateway } from "./fixtures.js";

const gateway = (name: string, protocol: string, host: string) => `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\n  namespace: istio-system\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 80\n      name: ${protocol.toLowerCase()}\n      protocol: ${protocol}\n    hosts:\n    - "${host}"`;

testRule(gatewayConflictingServers, {
  valid: [{ name: "different hosts on port 80", files: { "a.yaml": docs(ingressGateway, gateway("shop", "HTTP", "shop.example.com"), gateway("blog", "HTTP", "blog.example.com")) } }],
  invalid: [
    {
      name: "same host and port, HTTP and TCP, on the same pods",
      files: { "a.yaml": docs(ingressGateway, gateway("shop", "HTTP", "shop.example.com"), gateway("shop-tcp", "TCP", "shop.example.com")) },
      expect: { count: 2, severity: "error", summary: /both serve shop.example.com on port 80/, equivalents: ["IST0145", "KIA0301"] },
    },
  ],
});
