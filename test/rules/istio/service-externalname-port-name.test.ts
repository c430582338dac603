import { serviceExternalNamePortName } from "../../../src/rules/istio/service-externalname-port-name.js";
import { testRule } from "../../helpers/rule-tester.js";

const service = (port: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: payments-api\n  namespace: shop\nspec:\n  type: ExternalName\n  externalName: api.payments.example.com\n  ports:\n  - ${port}\n    port: 443\n`;

testRule(serviceExternalNamePortName, {
  valid: [{ name: "https port", files: { "svc.yaml": service("name: https\n   ") } }],
  invalid: [{ name: "port named tcp", files: { "svc.yaml": service("name: tcp\n   ") }, expect: { severity: "warning", summary: /ExternalName api.payments.example.com\) port 443 is named "tcp"/, fixIncludes: [/name: https/], equivalents: ["IST0150"] } }],
});
