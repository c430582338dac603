import { networkPolicyIsolatesClientsRule } from "../../../src/rules/manifest/network-policy-isolates-clients.js";
import { testRule } from "../../helpers/rule-tester.js";
import { api, deployment, ingress, service } from "./fixtures.js";

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
