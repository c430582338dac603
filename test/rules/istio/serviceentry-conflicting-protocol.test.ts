import { serviceEntryConflictingProtocol } from "../../../src/rules/istio/serviceentry-conflicting-protocol.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

const se = (name: string, protocol: string, exportTo = "") => `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  hosts:\n  - api.example.com\n${exportTo}  ports:\n  - number: 443\n    name: ${protocol.toLowerCase()}\n    protocol: ${protocol}\n  resolution: DNS\n  location: MESH_EXTERNAL`;

testRule(serviceEntryConflictingProtocol, {
  valid: [{ name: "same protocol twice", files: { "a.yaml": docs(se("api-a", "HTTPS"), se("api-b", "HTTPS")) } }],
  invalid: [{ name: "HTTPS and TLS for the same host and port", files: { "a.yaml": docs(se("api-https", "HTTPS"), se("api-tls", "TLS")) }, expect: { count: 2, severity: "warning", summary: /declares api.example.com:443 as (HTTPS|TLS)/, equivalents: ["IST0177", "KIA1212"] } }],
});
