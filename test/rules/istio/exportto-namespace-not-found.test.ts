import { exportToNamespaceNotFound } from "../../../src/rules/istio/exportto-namespace-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";

const namespaces = ["bookinfo", "frontend"].map((name) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`).join("---\n");
const vs = (exportTo: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n  hosts: [reviews]\n  exportTo: [${exportTo}]\n  http:\n  - route:\n    - destination:\n        host: reviews\n`;
const se = (exportTo: string) => `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api\n  namespace: bookinfo\nspec:\n  hosts: [api.example.com]\n  exportTo: [${exportTo}]\n  resolution: DNS\n  ports:\n  - number: 443\n    name: tls\n    protocol: TLS\n`;

testRule(exportToNamespaceNotFound, {
  valid: [
    { name: "existing namespace, . and *", files: { "ns.yaml": namespaces, "vs.yaml": vs('".", "frontend"') } },
    { name: "ServiceEntry exported nowhere (~)", files: { "ns.yaml": namespaces, "se.yaml": se('"~"') } },
    { name: "no Namespace inventory: cannot tell", files: { "vs.yaml": vs('"fronted"') } },
  ],
  invalid: [
    { name: "misspelt namespace", files: { "ns.yaml": namespaces, "vs.yaml": vs('".", "fronted"') }, expect: { severity: "error", resource: { kind: "VirtualService", line: 8 }, summary: /exportTo names namespace "fronted", which does not exist; did you mean "frontend"\?/, equivalents: ["KIA0005"] } },
    { name: "ServiceEntry to a missing namespace", files: { "ns.yaml": namespaces, "se.yaml": se('"payments"') }, expect: { resource: { kind: "ServiceEntry" }, summary: /namespace "payments"/ } },
  ],
});
