import { networkPolicyIsolatesClientsRule } from "../../../src/rules/manifest/network-policy-isolates-clients.js";
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

const web = deployment('containers:\n- name: web\n  image: ghcr.io/acme/web:3.0.0\n  env:\n  - name: API_URL\n    value: "http://api.shop.svc.cluster.local:80"', { name: "web" });

const apiIngressPolicy = (from: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-ingress
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: api
  policyTypes: [Ingress]
  ingress:
  - from:
${from}
    ports:
    - { protocol: TCP, port: 8080 }
`;

testRule(networkPolicyIsolatesClientsRule, {
  valid: [
    { name: "client admitted by label", mode: "lint", files: { "api.yaml": api, "web.yaml": web, "s.yaml": service("app: api"), "np.yaml": apiIngressPolicy("    - podSelector:\n        matchLabels:\n          app: web") } },
    { name: "no policy", mode: "lint", files: { "api.yaml": api, "web.yaml": web, "s.yaml": service("app: api") } },
  ],
  invalid: [
    {
      name: "policy admits only a monitoring pod, not the web client",
      mode: "lint",
      files: { "api.yaml": api, "web.yaml": web, "s.yaml": service("app: api"), "np.yaml": apiIngressPolicy("    - podSelector:\n        matchLabels:\n          app: prometheus") },
      expect: { category: "network-policy-conflict", resource: { kind: "NetworkPolicy", name: "api-ingress" }, summary: /shuts out the clients of Deployment api.*Deployment web/, fixIncludes: ["app: web"] },
    },
    {
      name: "Ingress routes to a Service whose pods admit only same-namespace pods",
      mode: "lint",
      files: { "api.yaml": api, "s.yaml": service("app: api"), "i.yaml": ingress("api"), "np.yaml": apiIngressPolicy("    - podSelector: {}") },
      expect: { summary: /the ingress controller \(Ingress shop\)/ },
    },
  ],
});
