import { sidecarMultipleDefault } from "../../../src/rules/istio/sidecar-multiple-default.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

const sidecar = (name: string) => `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  egress:\n  - hosts:\n    - "./*"\n    - "istio-system/*"`;

testRule(sidecarMultipleDefault, {
  valid: [{ name: "one namespace default", files: { "a.yaml": docs(sidecar("default")) } }],
  invalid: [{ name: "two selector-less Sidecars", files: { "a.yaml": docs(sidecar("default"), sidecar("egress-lockdown")) }, expect: { count: 2, summary: /one of 2 Sidecars without a selector in namespace shop/, equivalents: ["IST0111", "KIA0002"] } }],
});
