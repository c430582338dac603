import { kubernetesGatewayAddressConflict } from "../../../src/rules/istio/kubernetes-gateway-address-conflict.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./ambient-fixtures.js";
import { gateway, listener } from "./gateway-api-fixtures.js";

const address = (type: string, value: string) => `  addresses:\n  - type: ${type}\n    value: ${value}\n`;

testRule(kubernetesGatewayAddressConflict, {
  valid: [
    { name: "different addresses", files: { "a.yaml": docs(gateway("a", "bookinfo", listener("http", "a.example.com"), address("IPAddress", "10.0.0.10")), gateway("b", "bookinfo", listener("http", "b.example.com"), address("IPAddress", "10.0.0.11"))) } },
    { name: "same value, other type", files: { "a.yaml": docs(gateway("a", "bookinfo", listener("http", "a.example.com"), address("Hostname", "ingress.example.com")), gateway("b", "bookinfo", listener("http", "b.example.com"), address("IPAddress", "ingress.example.com"))) } },
    { name: "no addresses", files: { "a.yaml": docs(gateway("a", "bookinfo", listener("http", "a.example.com")), gateway("b", "bookinfo", listener("http", "b.example.com"))) } },
  ],
  invalid: [
    {
      name: "two gateways request one Service address",
      files: { "a.yaml": docs(gateway("a", "bookinfo", listener("http", "a.example.com"), address("Hostname", "istio-ingressgateway.istio-system.svc.cluster.local")), gateway("b", "shop", listener("http", "b.example.com"), address("Hostname", "istio-ingressgateway.istio-system.svc.cluster.local"))) },
      expect: { severity: "warning", count: 2, resource: { kind: "Gateway", name: "a" }, summary: /requests address istio-ingressgateway.istio-system.svc.cluster.local \(Hostname\), as Gateway shop\/b does/, equivalents: ["KIA1502"] },
    },
  ],
});
