import { gatewayConflictingServers } from "../../../src/rules/istio/gateway-conflicting-servers.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, ingressGateway } from "./fixtures.js";

const gateway = (name: string, protocol: string, host: string) => `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\n  namespace: istio-system\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 80\n      name: ${protocol.toLowerCase()}\n      protocol: ${protocol}\n    hosts:\n    - "${host}"`;

testRule(gatewayConflictingServers, {
  valid: [
    { name: "different hosts on port 80", files: { "a.yaml": docs(ingressGateway, gateway("shop", "HTTP", "shop.example.com"), gateway("blog", "HTTP", "blog.example.com")) } },
    // Istio compares the host strings as written (pilot's CheckDuplicates): these are four different entries.
    {
      name: "./host, */host, */* and host on the same port",
      files: { "a.yaml": docs(ingressGateway, gateway("g1", "HTTP", "./testing-01.com"), gateway("g2", "HTTP", "*/testing-01.com"), gateway("g3", "HTTP", "*/*"), gateway("g4", "HTTP", "testing-01.com")) },
    },
    { name: "a wildcard and a host it covers", files: { "a.yaml": docs(ingressGateway, gateway("wild", "HTTP", "*.example.com"), gateway("shop", "HTTP", "shop.example.com")) } },
  ],
  invalid: [
    {
      name: "same host and port, HTTP and TCP, on the same pods",
      files: { "a.yaml": docs(ingressGateway, gateway("shop", "HTTP", "shop.example.com"), gateway("shop-tcp", "TCP", "shop.example.com")) },
      expect: { count: 2, severity: "error", summary: /both serve shop.example.com on port 80/, equivalents: ["IST0145", "KIA0301"] },
    },
    { name: "the same ns/host string twice", files: { "a.yaml": docs(ingressGateway, gateway("a", "HTTP", "*/shop.example.com"), gateway("b", "HTTP", "*/shop.example.com")) }, expect: { count: 2, summary: /both serve \*\/shop.example.com on port 80/ } },
  ],
});
