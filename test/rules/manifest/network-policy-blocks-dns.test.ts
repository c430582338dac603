import { networkPolicyBlocksDnsRule } from "../../../src/rules/manifest/network-policy-blocks-dns.js";
import { testRule } from "../../helpers/rule-tester.js";
import { api, deployment, ingress, service } from "./fixtures.js";

const denyEgress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress
`;

const allowDns = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - { protocol: UDP, port: 53 }
    - { protocol: TCP, port: 53 }
`;

testRule(networkPolicyBlocksDnsRule, {
  valid: [
    { name: "deny-all plus DNS allowance", mode: "lint", files: { "d.yaml": api, "np.yaml": denyEgress + "---\n" + allowDns } },
    { name: "ingress-only policy", mode: "lint", files: { "d.yaml": api, "np.yaml": denyEgress.replace("  - Egress\n", "") } },
    {
      name: "meshed namespace is left to the sidecar rule",
      mode: "lint",
      files: { "ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n", "d.yaml": api, "np.yaml": denyEgress },
    },
  ],
  invalid: [
    {
      name: "deny-all egress without port 53",
      mode: "lint",
      files: { "d.yaml": api, "np.yaml": denyEgress },
      expect: { category: "network-policy-conflict", resource: { kind: "NetworkPolicy", name: "default-deny", line: 8 }, summary: /blocks DNS \(port 53\) egress for Deployment api/, fixIncludes: ["port: 53", "k8s-app: kube-dns"] },
    },
    { name: "deny-all egress with no workload in the inputs", mode: "lint", files: { "np.yaml": denyEgress }, expect: { summary: /every pod in namespace shop/ } },
  ],
});
