import { ambientPolicyWithoutWaypoint } from "../../../src/rules/istio/ambient-policy-without-waypoint.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, docs, l4Policy, l7Policy, namespace, selectApp, service, targetService, targetWaypoint } from "./ambient-fixtures.js";

const ambient = namespace("bookinfo", { "istio.io/dataplane-mode": "ambient" });
const enrolled = namespace("bookinfo", { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" });
const requestAuthentication = (attach: string) => `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: jwt-example\n  namespace: bookinfo\nspec:\n${attach}\n  jwtRules:\n  - issuer: testing@secure.istio.io\n    jwksUri: https://raw.githubusercontent.com/istio/istio/release-1.27/security/tools/jwt/samples/jwks.json`;
const wasm = `apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata:\n  name: basic-auth\n  namespace: bookinfo\nspec:\n${targetWaypoint()}\n  url: oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0\n  phase: AUTHN`;
const telemetry = (body: string) => `apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: mesh-logging\n  namespace: bookinfo\nspec:\n${body}`;

testRule(ambientPolicyWithoutWaypoint, {
  valid: [
    { name: "namespace enrolled in a waypoint", files: { "a.yaml": docs(enrolled, l7Policy("bookinfo", targetService("productpage")), service("productpage", "bookinfo")) } },
    { name: "L4 policy: ztunnel enforces it", files: { "a.yaml": docs(ambient, l4Policy("bookinfo")) } },
    { name: "sidecar namespace", files: { "a.yaml": docs(namespace("bookinfo", { "istio-injection": "enabled" }), l7Policy("bookinfo", selectApp("productpage"))) } },
    { name: "namespace not in the inputs", files: { "a.yaml": docs(l7Policy("bookinfo", selectApp("productpage"))) } },
    { name: "targeted Service enrolled by its own label", files: { "a.yaml": docs(ambient, service("productpage", "bookinfo", { "istio.io/use-waypoint": "waypoint" }), l7Policy("bookinfo", targetService("productpage"))) } },
    { name: "selected workload enrolled", files: { "a.yaml": docs(ambient, deployment("productpage", "bookinfo", { "istio.io/use-waypoint": "waypoint" }), l7Policy("bookinfo", selectApp("productpage"))) } },
    { name: "selected workload opted out of ambient", files: { "a.yaml": docs(ambient, deployment("productpage", "bookinfo", { "istio.io/dataplane-mode": "none" }), l7Policy("bookinfo", selectApp("productpage"))) } },
    { name: "L4-only Telemetry", files: { "a.yaml": docs(ambient, telemetry("  metrics:\n  - providers:\n    - name: prometheus")) } },
  ],
  invalid: [
    {
      name: "L7 AuthorizationPolicy in an ambient namespace without waypoint",
      files: { "a.yaml": docs(ambient, l7Policy("bookinfo", targetService("productpage")), service("productpage", "bookinfo")) },
      expect: { severity: "warning", resource: { kind: "AuthorizationPolicy", name: "productpage-viewer" }, summary: /uses HTTP methods.*Service bookinfo\/productpage is not enrolled/, equivalents: ["KIA0109"] },
    },
    {
      name: "targeted Service opts out although the namespace is enrolled",
      files: { "a.yaml": docs(enrolled, l7Policy("bookinfo", targetService("productpage")), service("productpage", "bookinfo", { "istio.io/use-waypoint": "none" })) },
      expect: { summary: /Service bookinfo\/productpage is not enrolled/, equivalents: ["KIA0109"] },
    },
    {
      name: "selected workload not enrolled",
      files: { "a.yaml": docs(ambient, deployment("productpage", "bookinfo"), l7Policy("bookinfo", selectApp("productpage"))) },
      expect: { summary: /workload Deployment bookinfo\/productpage-v1 it selects/, equivalents: ["KIA0109"] },
    },
    { name: "RequestAuthentication", files: { "a.yaml": docs(ambient, requestAuthentication(targetWaypoint())) }, expect: { resource: { kind: "RequestAuthentication" }, summary: /JWT validation.*namespace bookinfo is not enrolled/, equivalents: ["KIA1110"] } },
    { name: "WasmPlugin", files: { "a.yaml": docs(ambient, wasm) }, expect: { resource: { kind: "WasmPlugin" }, equivalents: ["KIA1111"] } },
    { name: "Telemetry with access logging", files: { "a.yaml": docs(ambient, telemetry("  accessLogging:\n  - providers:\n    - name: envoy")) }, expect: { resource: { kind: "Telemetry" }, summary: /access logging/, equivalents: ["KIA1112"] } },
  ],
});
