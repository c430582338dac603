import { kubernetesGatewayIneffectiveSelector } from "../../../src/rules/istio/kubernetes-gateway-ineffective-selector.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

const gatewayPod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: bookinfo-gateway-istio-6ff4cf9645-xbqmc\n  namespace: default\n  labels:\n    gateway.networking.k8s.io/gateway-name: bookinfo-gateway\nspec:\n  containers:\n  - name: istio-proxy\n    image: docker.io/istio/proxyv2:1.27.1`;
const policy = (target: string) => `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: gateway-allow\n  namespace: default\nspec:\n${target}  action: ALLOW\n  rules:\n  - to:\n    - operation:\n        methods: ["GET"]`;

testRule(kubernetesGatewayIneffectiveSelector, {
  valid: [{ name: "targetRefs", files: { "a.yaml": docs(gatewayPod, policy("  targetRefs:\n  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: bookinfo-gateway\n")) } }],
  invalid: [{ name: "label selector on gateway pods", files: { "a.yaml": docs(gatewayPod, policy("  selector:\n    matchLabels:\n      gateway.networking.k8s.io/gateway-name: bookinfo-gateway\n")) }, expect: { severity: "warning", summary: /Kubernetes Gateway bookinfo-gateway by label/, fixIncludes: [/targetRefs/], equivalents: ["IST0166"] } }],
});
