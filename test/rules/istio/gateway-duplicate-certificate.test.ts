import { gatewayDuplicateCertificate } from "../../../src/rules/istio/gateway-duplicate-certificate.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, ingressGateway } from "./fixtures.js";

const gateway = (name: string, credential: string, host: string) => `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\n  namespace: istio-system\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 443\n      name: https\n      protocol: HTTPS\n    tls:\n      mode: SIMPLE\n      credentialName: ${credential}\n    hosts:\n    - "${host}"`;

testRule(gatewayDuplicateCertificate, {
  valid: [{ name: "one certificate per gateway", files: { "a.yaml": docs(ingressGateway, gateway("shop", "shop-cert", "shop.example.com"), gateway("blog", "blog-cert", "blog.example.com")) } }],
  invalid: [
    {
      name: "a wildcard certificate in two gateways (404 on HTTP/2 connection reuse)",
      files: { "a.yaml": docs(ingressGateway, gateway("shop", "wildcard-example-com", "shop.example.com"), gateway("blog", "wildcard-example-com", "blog.example.com")) },
      expect: { count: 2, severity: "warning", summary: /certificate wildcard-example-com/, equivalents: ["IST0138"] },
    },
  ],
});
