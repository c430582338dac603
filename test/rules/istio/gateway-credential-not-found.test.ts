import { gatewayCredentialNotFound } from "../../../src/rules/istio/gateway-credential-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, ingressGateway } from "./fixtures.js";

const secret = (namespace: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: bookinfo-credential\n  namespace: ${namespace}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ""\n  tls.key: ""`;
const gateway = `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: bookinfo-gateway\n  namespace: bookinfo\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 443\n      name: https\n      protocol: HTTPS\n    tls:\n      mode: SIMPLE\n      credentialName: bookinfo-credential\n    hosts:\n    - bookinfo.example.com`;

testRule(gatewayCredentialNotFound, {
  valid: [
    { name: "Secret in the gateway pods' namespace", files: { "a.yaml": docs(ingressGateway, secret("istio-system"), gateway) } },
    { name: "no Secrets in the inputs: cannot judge", files: { "a.yaml": docs(ingressGateway, gateway) } },
  ],
  invalid: [
    {
      name: "Secret created in the application namespace (a classic mistake)",
      files: { "a.yaml": docs(ingressGateway, secret("bookinfo"), gateway) },
      expect: { severity: "error", summary: /credential "bookinfo-credential", which is not a Secret in namespace istio-system/, fixIncludes: [/kubectl create -n istio-system secret tls bookinfo-credential/], equivalents: ["IST0101"] },
    },
  ],
});
