import { describe, expect, it } from "vitest";
import { buildView, testRule } from "../../helpers/rule-tester.js";
import { runRules } from "../../../src/engine/engine.js";
import { allRules } from "../../../src/rules/index.js";
import { networkPolicyBlocksScraping } from "../../../src/rules/sidecar/network-policy-blocks-scraping.js";
import { meshedPod, namespace } from "./fixtures.js";

const shop = namespace("shop", ["istio-injection: enabled"]);
const istioSystem = namespace("istio-system");
// The Prometheus of Istio's samples/addons/prometheus.yaml (the prometheus-community chart's labels).
const prometheus = `apiVersion: v1
kind: Pod
metadata:
  name: prometheus-7f467df8b6-zhmxj
  namespace: istio-system
  labels:
    app.kubernetes.io/component: server
    app.kubernetes.io/instance: prometheus
    app.kubernetes.io/managed-by: Helm
    app.kubernetes.io/name: prometheus
    app.kubernetes.io/part-of: prometheus
    sidecar.istio.io/inject: "false"
spec:
  containers:
  - name: prometheus-server
    image: prom/prometheus:v3.2.1
    ports:
    - containerPort: 9090
status:
  phase: Running
  podIP: 10.244.1.9
`;
const denyAllIngress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
  namespace: shop
spec:
  podSelector: {}
  policyTypes:
  - Ingress
`;
const onlyFromFrontend = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: only-from-frontend
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: orders
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: frontend
    ports:
    - port: 8080
`;
const allowScrape = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-monitoring
  namespace: shop
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: istio-system
      podSelector:
        matchLabels:
          app.kubernetes.io/name: prometheus
    ports:
    - port: 15020
    - port: 15090
`;
const prometheusEgress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: prometheus-egress
  namespace: istio-system
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: prometheus
  policyTypes:
  - Egress
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
`;
const pod = meshedPod({ podIP: "10.244.2.31" });

testRule(networkPolicyBlocksScraping, {
  valid: [
    { name: "no NetworkPolicy: Prometheus reaches every port", files: { "ns.yaml": shop, "ns2.yaml": istioSystem, "prom.yaml": prometheus, "pod.yaml": pod } },
    { name: "deny-all with a rule for Prometheus on 15020 and 15090", files: { "ns.yaml": shop, "ns2.yaml": istioSystem, "prom.yaml": prometheus, "pod.yaml": pod, "np.yaml": denyAllIngress, "allow.yaml": allowScrape } },
    { name: "no Prometheus in the inputs: nothing to say who scrapes", files: { "ns.yaml": shop, "pod.yaml": pod, "np.yaml": denyAllIngress } },
    { name: "a pod without a sidecar nor scrape annotations", files: { "ns.yaml": shop, "ns2.yaml": istioSystem, "prom.yaml": prometheus, "pod.yaml": meshedPod({ sidecar: false }), "np.yaml": denyAllIngress } },
  ],
  invalid: [
    {
      name: "a default deny-all drops the scrapes of the merged metrics (15020) and Envoy's (15090)",
      files: { "ns.yaml": shop, "ns2.yaml": istioSystem, "prom.yaml": prometheus, "pod.yaml": pod, "np.yaml": denyAllIngress },
      expect: {
        count: 1,
        category: "network-policy-conflict",
        severity: "warning",
        resource: { kind: "NetworkPolicy", name: "deny-all" },
        summary: "NetworkPolicy deny-all drops Prometheus's scrapes of meshed pods on 15020, 15090",
        evidence: [/none for Prometheus on 15020, 15090/, /scraped on 15020: prometheus.io\/scrape "true", prometheus.io\/port "15020" \(Istio's merged metrics\)/, "Prometheus: pod istio-system/prometheus-7f467df8b6-zhmxj"],
        fixIncludes: ["name: allow-prometheus-scrape", "kubernetes.io/metadata.name: istio-system", "app.kubernetes.io/name: prometheus", "port: 15020", "port: 15090"],
      },
    },
    {
      name: "a policy for the app's port only leaves the sidecar's ports closed",
      files: { "ns.yaml": shop, "ns2.yaml": istioSystem, "prom.yaml": prometheus, "pod.yaml": pod, "np.yaml": onlyFromFrontend },
      expect: { count: 1, resource: { name: "only-from-frontend" }, summary: /on 15020, 15090$/ },
    },
    {
      name: "Prometheus's own egress policy does not let it reach the pods",
      files: { "ns.yaml": shop, "ns2.yaml": istioSystem, "prom.yaml": prometheus, "pod.yaml": pod, "np.yaml": prometheusEgress },
      expect: { count: 1, resource: { kind: "NetworkPolicy", namespace: "istio-system", name: "prometheus-egress" }, summary: /keeps Prometheus from reaching meshed pods on 15020, 15090/ },
    },
  ],
});

describe("the allow-prometheus-scrape fix", () => {
  it("is proven: applied to the view, the policy it adds lets Prometheus through and nothing new appears", () => {
    const view = buildView({ name: "proof", files: { "ns.yaml": shop, "ns2.yaml": istioSystem, "prom.yaml": prometheus, "pod.yaml": pod, "np.yaml": denyAllIngress } });
    const finding = runRules(allRules, view, { scope: "diagnose" }).findings.find((entry) => entry.rule === "sidecar/network-policy-blocks-scraping")!;
    expect(finding.fix?.proven).toBe(true);
  });
});
