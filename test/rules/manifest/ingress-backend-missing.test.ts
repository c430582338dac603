import { ingressBackendMissingRule } from "../../../src/rules/manifest/ingress-backend-missing.js";
import { testRule } from "../../helpers/rule-tester.js";
import { api, deployment, ingress, service } from "./fixtures.js";

const ingressClass = "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\nspec:\n  controller: k8s.io/ingress-nginx\n";

testRule(ingressBackendMissingRule, {
  valid: [
    { name: "backend and port exist", mode: "lint", files: { "d.yaml": api, "s.yaml": service("app: api"), "i.yaml": ingress("api"), "c.yaml": ingressClass } },
    { name: "port by name", mode: "lint", files: { "s.yaml": service("app: api"), "i.yaml": ingress("api", "name: http") } },
  ],
  invalid: [
    { name: "Service name typo", mode: "lint", files: { "s.yaml": service("app: api"), "i.yaml": ingress("apy") }, expect: { category: "ingress-misconfigured", severity: "error", resource: { kind: "Ingress", line: 16 }, summary: /"apy", which does not exist; did you mean "api"/ } },
    { name: "port the Service lacks", mode: "lint", files: { "s.yaml": service("app: api"), "i.yaml": ingress("api", "number: 8080") }, expect: { summary: /port 8080 of Service api, which has 80 \(http\)/ } },
    { name: "unknown IngressClass", mode: "lint", files: { "s.yaml": service("app: api"), "i.yaml": ingress("api", "number: 80", "traefik"), "c.yaml": ingressClass }, expect: { summary: /IngressClass "traefik"/, fixIncludes: ["ingressClassName: nginx"] } },
  ],
});
