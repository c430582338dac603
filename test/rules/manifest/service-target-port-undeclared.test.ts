import { serviceTargetPortUndeclaredRule } from "../../../src/rules/manifest/service-target-port-undeclared.js";
import { describe, expect, it } from "vitest";
import { runRule, testRule } from "../../helpers/rule-tester.js";
import { api, deployment, service } from "./fixtures.js";

const web = deployment('containers:\n- name: web\n  image: ghcr.io/acme/web:3.0.0\n  env:\n  - name: API_URL\n    value: "http://api.shop.svc.cluster.local:80"', { name: "web" });

testRule(serviceTargetPortUndeclaredRule, {
  valid: [
    { name: "named targetPort declared", mode: "lint", files: { "d.yaml": api, "s.yaml": service("app: api") } },
    { name: "numeric targetPort declared", mode: "lint", files: { "d.yaml": api, "s.yaml": service("app: api", "8080") } },
  ],
  invalid: [
    { name: "named targetPort nobody declares", mode: "lint", files: { "d.yaml": api, "s.yaml": service("app: api", "web") }, expect: { category: "service-without-endpoints", severity: "error", resource: { line: 12 }, summary: /names port "web"/, equivalents: ["KIA0701"], fixIncludes: ["targetPort: <the name or number of the container port the app serves this on>"] } },
    { name: "named targetPort with a typo of a declared name", mode: "lint", files: { "d.yaml": api, "s.yaml": service("app: api", "htp") }, expect: { severity: "error", summary: /names port "htp"/, fixIncludes: ["targetPort: http"] } },
    { name: "numeric targetPort the containers do not declare: reachable anyway (info)", mode: "lint", files: { "d.yaml": api, "s.yaml": service("app: api", "9090") }, expect: { severity: "info", summary: /targets TCP port 9090.*8080\/TCP \(http\)/, equivalents: ["KIA0701"] } },
    { name: "invalid port name", mode: "lint", files: { "d.yaml": api, "s.yaml": service("app: api", "http_metrics_endpoint") }, expect: { category: "config-schema-error" } },
  ],
});

const dns = deployment("containers:\n- name: dns\n  image: registry.k8s.io/coredns/coredns:v1.11.1\n  ports:\n  - name: dns\n    containerPort: 53\n    protocol: UDP", { name: "dns" });
const dnsService = `apiVersion: v1
kind: Service
metadata:
  name: dns
  namespace: shop
spec:
  selector:
    app: dns
  ports:
  - name: dns-tcp
    port: 53
    protocol: TCP
`;
const istiod = deployment("containers:\n- name: discovery\n  image: docker.io/istio/pilot:1.27.0\n  ports:\n  - containerPort: 8080\n  - containerPort: 15010\n  - containerPort: 15017", { name: "istiod", namespace: "istio-system" });
const istiodService = `apiVersion: v1
kind: Service
metadata:
  name: istiod
  namespace: istio-system
spec:
  selector:
    app: istiod
  ports:
  - name: http-monitoring
    port: 15014
`;

describe("KIA0701 only where Kiali judges the port", () => {
  const cases: Array<{ name: string; files: Record<string, string>; kiali: boolean }> = [
    { name: "a Deployment that does not declare the numeric targetPort", files: { "d.yaml": api, "s.yaml": service("app: api", "9090") }, kiali: true },
    { name: "a named targetPort no container of the Deployment declares", files: { "d.yaml": api, "s.yaml": service("app: api", "web") }, kiali: true },
    { name: "the same number declared for UDP: Kiali compares numbers only", files: { "d.yaml": dns, "s.yaml": dnsService }, kiali: false },
    { name: "the control plane's Service (Kiali skips istio-system)", files: { "d.yaml": istiod, "s.yaml": istiodService }, kiali: false },
    { name: "a port name the API server rejects", files: { "d.yaml": api, "s.yaml": service("app: api", "http_metrics_endpoint") }, kiali: false },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      const findings = runRule(serviceTargetPortUndeclaredRule, { name: testCase.name, mode: "lint", files: testCase.files });
      expect(findings).toHaveLength(1);
      expect(findings[0]!.equivalents.includes("KIA0701")).toBe(testCase.kiali);
      expect(findings[0]!.equivalents).toContain("popeye:POP-1106");
    });
  }
});
