import { kubernetesGatewayListenerConflict } from "../../../src/rules/istio/kubernetes-gateway-listener-conflict.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./ambient-fixtures.js";
import { gateway, listener } from "./gateway-api-fixtures.js";

testRule(kubernetesGatewayListenerConflict, {
  valid: [
    { name: "distinct listeners", files: { "a.yaml": docs(gateway("bookinfo", "bookinfo", listener("http", "bookinfo.example.com") + listener("https", "bookinfo.example.com", 443, "HTTPS"))) } },
    { name: "two gateways, different hostnames", files: { "a.yaml": docs(gateway("a", "bookinfo", listener("http", "a.example.com")), gateway("b", "bookinfo", listener("http", "b.example.com"))) } },
    { name: "listeners without hostname", files: { "a.yaml": docs(gateway("a", "bookinfo", "  - name: http\n    port: 80\n    protocol: HTTP\n"), gateway("b", "bookinfo", "  - name: http\n    port: 80\n    protocol: HTTP\n")) } },
    { name: "Istio Gateway is not judged", files: { "a.yaml": docs("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: a\n  namespace: bookinfo\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 80\n      name: http\n      protocol: HTTP\n    hosts:\n    - a.example.com", gateway("b", "bookinfo", listener("http", "a.example.com"))) } },
  ],
  invalid: [
    {
      name: "two listeners of one gateway",
      files: { "a.yaml": docs(gateway("bookinfo", "bookinfo", listener("http", "bookinfo.example.com") + listener("http-2", "bookinfo.example.com"))) },
      expect: { severity: "error", resource: { kind: "Gateway", name: "bookinfo" }, count: 1, summary: /listeners http and http-2 both serve bookinfo.example.com:80\/HTTP/, equivalents: ["KIA1503"] },
    },
    {
      name: "two gateways with the same hostname and port",
      files: { "a.yaml": docs(gateway("bookinfo", "bookinfo", listener("http", "bookinfo.example.com")), gateway("bookinfo-canary", "canary", listener("http", "bookinfo.example.com"))) },
      expect: [
        { index: 0, severity: "warning", count: 2, summary: /as Gateway canary\/bookinfo-canary does/, equivalents: ["KIA1501"] },
        { index: 1, resource: { name: "bookinfo-canary" }, equivalents: ["KIA1501"] },
      ],
    },
  ],
});
