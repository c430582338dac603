import { destinationRuleSubsetSelectsNoPods } from "../../../src/rules/istio/destinationrule-subset-selects-no-pods.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, reviewsDeployment, reviewsDestinationRule, reviewsPod, reviewsService } from "./fixtures.js";

testRule(destinationRuleSubsetSelectsNoPods, {
  valid: [
    { name: "running pods for every subset", files: { "a.yaml": docs(reviewsService, reviewsPod("v1", "7f9c6d8d5b-x2x4q"), reviewsPod("v2", "5c7b9f6d4-9qk2m"), reviewsDestinationRule("v1", "v2")) } },
    { name: "before deploy: Deployments for every subset", files: { "a.yaml": docs(reviewsService, reviewsDeployment("v1"), reviewsDeployment("v2"), reviewsDestinationRule("v1", "v2")) } },
  ],
  invalid: [
    {
      name: "subset v3 while only v1 and v2 run (503 UH)",
      files: { "a.yaml": docs(reviewsService, reviewsPod("v1", "7f9c6d8d5b-x2x4q"), reviewsPod("v2", "5c7b9f6d4-9qk2m"), reviewsDestinationRule("v1", "v2", "v3")) },
      expect: { severity: "error", summary: /subset "v3" selects version=v3, and none of the 2 pod\(s\)/, evidence: [/spec.subsets\[2\].labels/], equivalents: ["IST0173", "KIA0203"] },
    },
    {
      name: "before deploy the finding is a warning",
      files: { "a.yaml": docs(reviewsService, reviewsDeployment("v1"), reviewsDestinationRule("v1", "v3")) },
      expect: { severity: "warning", summary: /subset "v3"/ },
    },
    {
      // Kiali's NoDestinationChecker places reviews.default at reviews in default (GetHost) and checks the subset's labels; Istio applies the rule to nothing.
      name: "a half-qualified host: Kiali's code only",
      files: { "a.yaml": docs(reviewsService, reviewsPod("v1", "7f9c6d8d5b-x2x4q"), reviewsDestinationRule("v1", "v3").replace("host: reviews", "host: reviews.default")) },
      expect: { count: 1, severity: "info", summary: /subset "v3" selects version=v3, and none of the 1 pod\(s\) behind reviews.default/, equivalents: ["KIA0203"] },
    },
    {
      name: "a Service without selector: its endpoints carry no pod labels",
      files: { "a.yaml": docs(reviewsService.replace(/\n  selector:\n    app: reviews/, ""), reviewsPod("v1", "7f9c6d8d5b-x2x4q"), reviewsDestinationRule("v1")) },
      expect: { summary: /subset "v1" selects version=v1, and none of the 0 pod\(s\)/, equivalents: ["IST0173"] },
    },
  ],
});
