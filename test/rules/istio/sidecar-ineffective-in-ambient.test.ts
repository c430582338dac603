import { sidecarIneffectiveInAmbient } from "../../../src/rules/istio/sidecar-ineffective-in-ambient.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

const namespace = (labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n${labels}`;
const sidecar = `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: shop\nspec:\n  egress:\n  - hosts:\n    - "./*"`;

testRule(sidecarIneffectiveInAmbient, {
  valid: [{ name: "sidecar-mode namespace", files: { "a.yaml": docs(namespace("    istio-injection: enabled"), sidecar) } }],
  invalid: [{ name: "ambient namespace", files: { "a.yaml": docs(namespace("    istio.io/dataplane-mode: ambient"), sidecar) }, expect: { severity: "warning", summary: /namespace shop is in ambient mode/, equivalents: ["IST0167"] } }],
});
