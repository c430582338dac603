import { servicePortNameConvention } from "../../../src/rules/istio/service-port-name-convention.js";
import { testRule } from "../../helpers/rule-tester.js";

const service = (ports: string, namespace = "shop") => `apiVersion: v1\nkind: Service\nmetadata:\n  name: mysql\n  namespace: ${namespace}\nspec:\n  selector:\n    app: mysql\n  ports:\n${ports}\n`;

testRule(servicePortNameConvention, {
  valid: [
    { name: "protocol-prefixed name", files: { "svc.yaml": service("  - name: tcp-mysql\n    port: 3306") } },
    { name: "appProtocol set", files: { "svc.yaml": service("  - name: db\n    port: 3306\n    appProtocol: mysql") } },
    { name: "kube-system is not checked", files: { "svc.yaml": service("  - port: 53", "kube-system") } },
  ],
  invalid: [
    { name: "unnamed MySQL port", files: { "svc.yaml": service("  - port: 3306\n    targetPort: 3306") }, expect: { severity: "info", resource: { line: 10 }, summary: /port 3306 is unnamed/, fixIncludes: [/name: mysql/], equivalents: ["IST0118", "KIA0601"] } },
    { name: "name without protocol prefix", files: { "svc.yaml": service("  - name: db\n    port: 3306") }, expect: { summary: /named "db"/ } },
  ],
});
