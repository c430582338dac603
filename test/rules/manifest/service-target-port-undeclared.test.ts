import { serviceTargetPortUndeclaredRule } from "../../../src/rules/manifest/service-target-port-undeclared.js";
import { testRule } from "../../helpers/rule-tester.js";
import { api, deployment, service } from "./fixtures.js";

const web = deployment('containers:\n- name: web\n  image: ghcr.io/acme/web:3.0.0\n  env:\n  - name: API_URL\n    value: "http://api.shop.svc.cluster.local:80"', { name: "web" });

testRule(serviceTargetPortUndeclaredRule, {
  valid: [
    { name: "named targetPort declared", mode: "lint", files: { "d.yaml": api, "s.yaml": service("app: api") } },
    { name: "numeric targetPort declared", mode: "lint", files: { "d.yaml": api, "s.yaml": service("app: api", "8080") } },
  ],
  invalid: [
    { name: "named targetPort nobody declares", mode: "lint", files: { "d.yaml": api, "s.yaml": service("app: api", "web") }, expect: { category: "service-without-endpoints", severity: "error", resource: { line: 12 }, summary: /names port "web"/, fixIncludes: ["targetPort: <the name or number of the container port the app serves this on>"] } },
    { name: "named targetPort with a typo of a declared name", mode: "lint", files: { "d.yaml": api, "s.yaml": service("app: api", "htp") }, expect: { severity: "error", summary: /names port "htp"/, fixIncludes: ["targetPort: http"] } },
    { name: "numeric targetPort the containers do not declare: reachable anyway (info)", mode: "lint", files: { "d.yaml": api, "s.yaml": service("app: api", "9090") }, expect: { severity: "info", summary: /targets TCP port 9090.*8080\/TCP \(http\)/ } },
    { name: "invalid port name", mode: "lint", files: { "d.yaml": api, "s.yaml": service("app: api", "http_metrics_endpoint") }, expect: { category: "config-schema-error" } },
  ],
});
