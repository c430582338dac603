import { ingressBackendMissingRule } from "../../../src/rules/manifest/ingress-backend-missing.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const api = deployment("containers:\n- name: api\n  image: ghcr.io/acme/api:1.2.0\n  ports:\n  - name: http\n    containerPort: 8080", { name: "api" });

const service = (selector: string, targetPort = "http", name = "api") => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: shop
spec:
  selector:
    ${selector}
  ports:
  - name: http
    port: 80
    targetPort: ${targetPort}
`;

const ingress = (backend: string, port = "number: 80", cls = "nginx") => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
spec:
  ingressClassName: ${cls}
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: ${backend}
            port:
              ${port}
`;

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
