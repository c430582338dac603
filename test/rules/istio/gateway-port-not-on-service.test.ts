import { gatewayPortNotOnService } from "../../../src/rules/istio/gateway-port-not-on-service.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, ingressGateway } from "./fixtures.js";

const gateway = (port: number) => `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: grafana-gateway\n  namespace: istio-system\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: ${port}\n      name: http-grafana\n      protocol: HTTP\n    hosts:\n    - "grafana.example.com"`;

testRule(gatewayPortNotOnService, {
  valid: [
    { name: "Service port 80", files: { "a.yaml": docs(ingressGateway, gateway(80)) } },
    { name: "the Service's targetPort 8080", files: { "a.yaml": docs(ingressGateway, gateway(8080)) } },
  ],
  invalid: [
    {
      name: "port 15031 that the ingress Service does not expose",
      files: { "a.yaml": docs(ingressGateway, gateway(15031)) },
      expect: { severity: "warning", summary: /port 15031, which Service istio-system\/istio-ingressgateway does not expose \(it exposes 15021, 80, 443\)/, fixIncludes: [/port: 15031/], equivalents: ["IST0162"] },
    },
  ],
});
