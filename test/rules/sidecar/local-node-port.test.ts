import { testRule } from "../../helpers/rule-tester.js";
import { localNodePort } from "../../../src/rules/sidecar/local-node-port.js";
import { service } from "./fixtures.js";

const k3dNode = `apiVersion: v1
kind: Node
metadata:
  name: k3d-my-cluster-server-0
  labels:
    beta.kubernetes.io/arch: arm64
    beta.kubernetes.io/instance-type: k3s
    kubernetes.io/hostname: k3d-my-cluster-server-0
    node-role.kubernetes.io/control-plane: "true"
    node.kubernetes.io/instance-type: k3s
  annotations:
    k3s.io/hostname: k3d-my-cluster-server-0
spec:
  providerID: k3s://k3d-my-cluster-server-0
`;
const kindNode = `apiVersion: v1
kind: Node
metadata:
  name: dev-control-plane
  labels:
    kubernetes.io/hostname: dev-control-plane
    node-role.kubernetes.io/control-plane: ""
spec:
  providerID: kind://docker/dev/dev-control-plane
`;
const cloudNode = `apiVersion: v1
kind: Node
metadata:
  name: ip-10-0-12-34.eu-west-1.compute.internal
  labels:
    kubernetes.io/hostname: ip-10-0-12-34.eu-west-1.compute.internal
    node.kubernetes.io/instance-type: m6i.large
spec:
  providerID: aws:///eu-west-1a/i-0abc123def4567890
`;
const nodePortService = service({ name: "my-service", namespace: "my-app", type: "NodePort", nodePort: 30080 });

testRule(localNodePort, {
  valid: [
    { name: "NodePort on a cloud node", files: { "node.yaml": cloudNode, "svc.yaml": nodePortService } },
    { name: "ClusterIP service in k3d", files: { "node.yaml": k3dNode, "svc.yaml": service({ namespace: "my-app" }) } },
  ],
  invalid: [
    {
      name: "NodePort 30080 in k3d",
      files: { "node.yaml": k3dNode, "svc.yaml": nodePortService },
      expect: {
        count: 1,
        category: "node-port-not-exposed",
        resource: { kind: "Service", name: "my-service", line: 16 },
        evidence: ['a k3d cluster "my-cluster"', "nodePort 30080"],
        fixIncludes: ['k3d cluster create my-cluster --port "30080:30080@loadbalancer"', "kubectl port-forward -n my-app svc/my-service 8080:80", "kubectl port-forward -n istio-system svc/istio-ingressgateway 8080:80"],
      },
    },
    {
      name: "NodePort in kind",
      files: { "node.yaml": kindNode, "svc.yaml": nodePortService },
      expect: { category: "node-port-not-exposed", evidence: ['a kind cluster "dev"'], fixIncludes: ["extraPortMappings", "hostPort: 30080", "kind create cluster --name dev"] },
    },
  ],
});
