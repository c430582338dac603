import { gatewayWorkloadNotFound } from "../../../src/rules/istio/gateway-workload-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, ingressGateway } from "./fixtures.js";

const gateway = (selector: string) => `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: bookinfo-gateway\n  namespace: default\nspec:\n  selector:\n    istio: ${selector}\n  servers:\n  - port:\n      number: 80\n      name: http\n      protocol: HTTP\n    hosts:\n    - "*"`;

testRule(gatewayWorkloadNotFound, {
  valid: [{ name: "selects the ingress gateway pods", files: { "a.yaml": docs(ingressGateway, gateway("ingressgateway")) } }],
  invalid: [
    {
      name: "istio: ingress (gateway Helm chart label) on a default install",
      files: { "a.yaml": docs(ingressGateway, gateway("ingress")) },
      expect: { severity: "error", resource: { kind: "Gateway", name: "bookinfo-gateway" }, summary: /istio=ingress, and no pod has those labels/, fixIncludes: [/istio: ingressgateway/], equivalents: ["IST0101", "KIA0302"] },
    },
  ],
});
