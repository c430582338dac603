import { serviceEntryAddressesRequired } from "../../../src/rules/istio/serviceentry-addresses-required.js";
import { testRule } from "../../helpers/rule-tester.js";

const se = (ports: string, addresses = "") => `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: external-postgres\n  namespace: shop\nspec:\n  hosts:\n  - db.example.internal\n${addresses}  ports:\n${ports}  location: MESH_EXTERNAL\n  resolution: DNS\n`;

testRule(serviceEntryAddressesRequired, {
  valid: [
    { name: "TCP with an address", files: { "se.yaml": se("  - number: 5432\n    name: tcp-postgres\n    protocol: TCP\n", "  addresses:\n  - 10.20.0.15/32\n") } },
    { name: "TLS needs no address (SNI)", files: { "se.yaml": se("  - number: 443\n    name: tls\n    protocol: TLS\n") } },
  ],
  invalid: [{ name: "TCP without address", files: { "se.yaml": se("  - number: 5432\n    name: tcp-postgres\n    protocol: TCP\n") }, expect: { severity: "warning", resource: { line: 12 }, summary: /port 5432 is TCP and the entry has no addresses/, fixIncludes: [/addresses:/], equivalents: ["IST0134"] } }],
});
