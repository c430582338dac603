import { sidecarSelectorNotFound } from "../../../src/rules/istio/sidecar-selector-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, reviewsDeployment } from "./fixtures.js";

const sidecar = (namespace: string, app: string) => `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: reviews-egress\n  namespace: ${namespace}\nspec:\n  workloadSelector:\n    labels:\n      app: ${app}\n  egress:\n  - hosts:\n    - "./*"\n    - "istio-system/*"`;

testRule(sidecarSelectorNotFound, {
  valid: [{ name: "selects the reviews workload", files: { "a.yaml": docs(reviewsDeployment("v1"), sidecar("default", "reviews")) } }],
  invalid: [
    { name: "typo in the app label", files: { "a.yaml": docs(reviewsDeployment("v1"), sidecar("default", "review")) }, expect: { severity: "error", summary: /selects app=review/, fixIncludes: [/app: reviews/], equivalents: ["IST0101", "KIA0004"] } },
    { name: "workload in another namespace", files: { "a.yaml": docs(reviewsDeployment("v1"), sidecar("shop", "reviews")) }, expect: { summary: /namespace shop/, fixIncludes: [/Create the Sidecar in namespace default/] } },
  ],
});
