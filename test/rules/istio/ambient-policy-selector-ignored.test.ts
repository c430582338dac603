import { ambientPolicySelectorIgnored } from "../../../src/rules/istio/ambient-policy-selector-ignored.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, docs, l4Policy, l7Policy, namespace, selectApp, service, targetService, targetWaypoint } from "./ambient-fixtures.js";

const ambient = namespace("bookinfo", { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" });
const requestAuthentication = (attach: string) => `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: jwt-example\n  namespace: bookinfo\nspec:\n${attach}\n  jwtRules:\n  - issuer: testing@secure.istio.io`;
const wasm = `apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata:\n  name: basic-auth\n  namespace: bookinfo\nspec:\n${selectApp("productpage")}\n  url: oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0`;
const telemetry = `apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: tracing\n  namespace: bookinfo\nspec:\n  tracing:\n  - randomSamplingPercentage: 10`;

testRule(ambientPolicySelectorIgnored, {
  valid: [
    { name: "targetRefs to the Service", files: { "a.yaml": docs(ambient, l7Policy("bookinfo", targetService("productpage"))) } },
    { name: "targetRefs to the waypoint", files: { "a.yaml": docs(ambient, l7Policy("bookinfo", targetWaypoint())) } },
    { name: "L4 policy by selector", files: { "a.yaml": docs(ambient, l4Policy("bookinfo")) } },
    { name: "sidecar namespace", files: { "a.yaml": docs(namespace("bookinfo", { "istio-injection": "enabled" }), l7Policy("bookinfo", selectApp("productpage"))) } },
  ],
  invalid: [
    {
      name: "L7 AuthorizationPolicy by selector: fix names the Service",
      files: { "a.yaml": docs(ambient, deployment("productpage", "bookinfo"), service("productpage", "bookinfo"), l7Policy("bookinfo", selectApp("productpage"))) },
      expect: { severity: "warning", resource: { kind: "AuthorizationPolicy", name: "productpage-viewer" }, summary: /attaches by selector/, fixIncludes: [/kind: Service/, /name: productpage/], equivalents: ["KIA0110"] },
    },
    { name: "namespace-wide L7 policy: fix names the waypoint", files: { "a.yaml": docs(ambient, l7Policy("bookinfo", "")) }, expect: { summary: /to the whole namespace/, fixIncludes: [/kind: Gateway/, /name: waypoint/], equivalents: ["KIA0110"] } },
    { name: "RequestAuthentication by selector", files: { "a.yaml": docs(ambient, requestAuthentication(selectApp("productpage"))) }, expect: { resource: { kind: "RequestAuthentication" }, equivalents: ["KIA1115"] } },
    { name: "WasmPlugin by selector", files: { "a.yaml": docs(ambient, wasm) }, expect: { resource: { kind: "WasmPlugin" }, equivalents: ["KIA1116"] } },
    { name: "namespace-wide tracing Telemetry", files: { "a.yaml": docs(ambient, telemetry) }, expect: { resource: { kind: "Telemetry" }, summary: /tracing/, equivalents: ["KIA1117"] } },
  ],
});
