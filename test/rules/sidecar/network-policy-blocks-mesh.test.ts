import { testRule } from "../../helpers/rule-tester.js";
import { networkPolicyBlocksMesh } from "../../../src/rules/sidecar/network-policy-blocks-mesh.js";
import { deployment, meshedPod, namespace } from "./fixtures.js";

const injected = namespace("shop", ["istio-injection: enabled"]);
const denyEgress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
  namespace: shop
spec:
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress
`;
const ingressOnly = `apiVersion: networking.k8s.io/v1
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
`;
const ipBlockEgress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: egress-cluster-cidr
  namespace: shop
spec:
  podSelector: {}
  policyTypes:
  - Egress
  egress:
  - to:
    - ipBlock:
        cidr: 10.42.0.0/16
`;
const istiod = `apiVersion: v1
kind: Pod
metadata:
  name: istiod-7d8f6b6b7-abc12
  namespace: istio-system
  labels:
    app: istiod
    istio: pilot
spec:
  containers:
  - name: discovery
    image: docker.io/istio/pilot:1.27.1
status:
  phase: Running
  podIP: 10.42.0.12
`;
const coredns = `apiVersion: v1
kind: Pod
metadata:
  name: coredns-ccb96694c-5xlgs
  namespace: kube-system
  labels:
    k8s-app: kube-dns
spec:
  containers:
  - name: coredns
    image: rancher/mirrored-coredns-coredns:1.12.0
status:
  phase: Running
  podIP: 10.42.0.3
`;

testRule(networkPolicyBlocksMesh, {
  valid: [
    { name: "ingress-only policy leaves egress open", files: { "ns.yaml": injected, "np.yaml": ingressOnly, "pod.yaml": meshedPod() } },
    { name: "ipBlock egress that covers the istiod and CoreDNS pod IPs", files: { "ns.yaml": injected, "np.yaml": ipBlockEgress, "pod.yaml": meshedPod(), "istiod.yaml": istiod, "dns.yaml": coredns } },
    { name: "deny-all in a namespace whose workloads are not meshed", mode: "lint", files: { "ns.yaml": namespace("shop"), "np.yaml": denyEgress, "deploy.yaml": deployment() } },
  ],
  invalid: [
    {
      name: "deny-all egress in an injected namespace (manifests before deploy)",
      mode: "lint",
      files: { "ns.yaml": injected, "np.yaml": denyEgress, "deploy.yaml": deployment() },
      expect: { count: 1, category: "network-policy-conflict", resource: { kind: "NetworkPolicy", name: "deny-all", file: "np.yaml", line: 8 }, summary: /without allowing istiod:15012 and DNS:53/, evidence: ["podSelector {} (all pods)", "egress to istiod:15012 and DNS:53: denied"], fixIncludes: ["port: 15012", "port: 53"] },
    },
    {
      name: "healthy meshed pod selected by a new deny-all (it will fail at its next restart)",
      files: { "ns.yaml": injected, "np.yaml": denyEgress, "pod.yaml": meshedPod() },
      expect: { category: "network-policy-conflict", evidence: ["selects meshed pod orders-7c9d8b6f5-x2k4q"] },
    },
  ],
});
