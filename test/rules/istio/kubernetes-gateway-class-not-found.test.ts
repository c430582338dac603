import { kubernetesGatewayClassNotFound } from "../../../src/rules/istio/kubernetes-gateway-class-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./ambient-fixtures.js";
import { gateway, listener } from "./gateway-api-fixtures.js";

const gatewayClass = (name: string, controller = "istio.io/gateway-controller") => `apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata:\n  name: ${name}\nspec:\n  controllerName: ${controller}`;
const withClass = (className: string) => gateway("bookinfo", "bookinfo", listener("http", "bookinfo.example.com")).replace("gatewayClassName: istio", `gatewayClassName: ${className}`);

testRule(kubernetesGatewayClassNotFound, {
  valid: [
    { name: "no GatewayClass in the inputs", files: { "a.yaml": docs(withClass("nginx")) } },
    { name: "class exists", files: { "a.yaml": docs(gatewayClass("istio"), withClass("istio")) } },
    { name: "Istio's own class on manifests", files: { "a.yaml": docs(gatewayClass("envoy-gateway", "gateway.envoyproxy.io/gatewayclass-controller"), withClass("istio")) }, mode: "lint" },
  ],
  invalid: [
    {
      name: "misspelt class",
      files: { "a.yaml": docs(gatewayClass("istio"), gatewayClass("istio-waypoint"), withClass("istio-ingress")) },
      expect: { severity: "error", resource: { kind: "Gateway", name: "bookinfo" }, summary: /uses GatewayClass istio-ingress, which does not exist/, equivalents: ["KIA1504"] },
    },
    { name: "cluster without Istio's class", files: { "a.yaml": docs(gatewayClass("envoy-gateway", "gateway.envoyproxy.io/gatewayclass-controller"), withClass("istio")) }, expect: { equivalents: ["KIA1504"] } },
  ],
});
