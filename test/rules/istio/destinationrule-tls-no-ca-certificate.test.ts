import { destinationRuleTlsNoCaCertificate } from "../../../src/rules/istio/destinationrule-tls-no-ca-certificate.js";
import { testRule } from "../../helpers/rule-tester.js";

const dr = (tls: string, extra = "") => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: payments-tls\n  namespace: shop\nspec:\n  host: api.payments.example.com\n  trafficPolicy:\n${tls}${extra}`;

testRule(destinationRuleTlsNoCaCertificate, {
  valid: [
    { name: "SIMPLE with caCertificates", files: { "dr.yaml": dr("    tls:\n      mode: SIMPLE\n      caCertificates: /etc/certs/payments-ca.pem\n      sni: api.payments.example.com\n") } },
    { name: "ISTIO_MUTUAL uses the mesh CA", files: { "dr.yaml": dr("    tls:\n      mode: ISTIO_MUTUAL\n") } },
  ],
  invalid: [
    { name: "SIMPLE without CA", files: { "dr.yaml": dr("    tls:\n      mode: SIMPLE\n      sni: api.payments.example.com\n") }, expect: { severity: "warning", resource: { line: 10 }, summary: /TLS mode SIMPLE to api.payments.example.com without caCertificates/, fixIncludes: [/caCertificates:/], equivalents: ["IST0128"] } },
    { name: "MUTUAL at port level without CA", files: { "dr.yaml": dr("    portLevelSettings:\n    - port:\n        number: 8443\n      tls:\n        mode: MUTUAL\n        clientCertificate: /etc/certs/client.pem\n        privateKey: /etc/certs/client-key.pem\n") }, expect: { summary: /port 8443/, equivalents: ["IST0129"] } },
  ],
});
