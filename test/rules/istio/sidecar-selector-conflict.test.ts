import { sidecarSelectorConflict } from "../../../src/rules/istio/sidecar-selector-conflict.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, reviewsPod } from "./fixtures.js";

const sidecar = (name: string, labels: string) => `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n  workloadSelector:\n    labels:\n${labels}\n  egress:\n  - hosts:\n    - "./*"`;

testRule(sidecarSelectorConflict, {
  valid: [{ name: "disjoint selectors", files: { "a.yaml": docs(reviewsPod("v1", "7f9c6d8d5b-x2x4q"), reviewsPod("v2", "5c7b9f6d4-9qk2m"), sidecar("v1-only", "      version: v1"), sidecar("v2-only", "      version: v2")) } }],
  invalid: [
    {
      name: "app=reviews and version=v1 both select reviews-v1",
      files: { "a.yaml": docs(reviewsPod("v1", "7f9c6d8d5b-x2x4q"), sidecar("reviews", "      app: reviews"), sidecar("v1-only", "      version: v1")) },
      expect: { count: 2, severity: "error", summary: /all select Pod default\/reviews-v1-7f9c6d8d5b-x2x4q/, equivalents: ["IST0110", "KIA0003"] },
    },
  ],
});
