import { serviceEntryDuplicateHostPort } from "../../../src/rules/istio/serviceentry-duplicate-host-port.js";
import { testRule } from "../../helpers/rule-tester.js";

const se = (name: string, host: string, protocol: string, port = 443) =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  hosts: [${host}]\n  location: MESH_EXTERNAL\n  resolution: DNS\n  ports:\n  - number: ${port}\n    name: ${protocol.toLowerCase()}\n    protocol: ${protocol}\n`;

testRule(serviceEntryDuplicateHostPort, {
  valid: [
    { name: "one entry per host", files: { "a.yaml": se("payments", "api.stripe.com", "TLS"), "b.yaml": se("maps", "maps.googleapis.com", "TLS") } },
    { name: "same host, other port", files: { "a.yaml": se("payments", "api.stripe.com", "TLS"), "b.yaml": se("payments-http", "api.stripe.com", "HTTP", 80) } },
    { name: "same host and port, other protocol (KIA1212's)", files: { "a.yaml": se("payments", "api.stripe.com", "TLS"), "b.yaml": se("payments-https", "api.stripe.com", "HTTPS") } },
  ],
  invalid: [
    {
      name: "two entries for api.stripe.com:443",
      files: { "a.yaml": se("payments", "api.stripe.com", "TLS"), "b.yaml": se("stripe", "API.stripe.com", "TLS") },
      expect: { count: 2, severity: "warning", resource: { kind: "ServiceEntry", name: "payments", line: 11 }, summary: /ServiceEntry shop\/payments declares api.stripe.com:443, as ServiceEntry shop\/stripe does too/, equivalents: ["KIA1211"] },
    },
  ],
});
