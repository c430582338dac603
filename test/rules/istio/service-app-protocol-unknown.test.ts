import { serviceAppProtocolUnknown } from "../../../src/rules/istio/service-app-protocol-unknown.js";
import { testRule } from "../../helpers/rule-tester.js";

const service = (appProtocol: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    app: web\n  ports:\n  - name: web\n    port: 8080\n    appProtocol: ${appProtocol}\n`;

testRule(serviceAppProtocolUnknown, {
  valid: [
    { name: "http", files: { "svc.yaml": service("http") } },
    { name: "kubernetes.io/h2c", files: { "svc.yaml": service("kubernetes.io/h2c") } },
  ],
  invalid: [{ name: "misspelt htpp", files: { "svc.yaml": service("htpp") }, expect: { severity: "warning", resource: { line: 12 }, summary: /appProtocol "htpp"/, equivalents: ["KIA0602"] } }],
});
