import { destinationRuleHostNotFound } from "../../../src/rules/istio/destinationrule-host-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, reviewsService } from "./fixtures.js";

const dr = (host: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n  namespace: default\nspec:\n  host: ${host}\n  trafficPolicy:\n    loadBalancer:\n      simple: LEAST_REQUEST`;

testRule(destinationRuleHostNotFound, {
  valid: [
    { name: "short name of a Service", files: { "a.yaml": docs(reviewsService, dr("reviews")) } },
    { name: "FQDN", files: { "a.yaml": docs(reviewsService, dr("reviews.default.svc.cluster.local")) } },
  ],
  invalid: [
    { name: "misspelt FQDN", files: { "a.yaml": docs(reviewsService, dr("reviews.defualt.svc.cluster.local")) }, expect: { severity: "warning", resource: { line: 22 }, summary: /matches no Service or ServiceEntry/, fixIncludes: [/host: reviews.default.svc.cluster.local/], equivalents: ["IST0174", "KIA0202"] } },
    // Istio does not expand `reviews.default`; Kiali places it at reviews in default (GetHost), finds the Service and reports nothing.
    { name: "half-qualified host of an existing Service: Istio's code only", files: { "a.yaml": docs(reviewsService, dr("reviews.default")) }, expect: { count: 1, summary: /is for host reviews.default, which matches no Service/, fixIncludes: [/host: reviews.default.svc.cluster.local/], equivalents: ["IST0174"] } },
    { name: "half-qualified host of no Service: both codes", files: { "a.yaml": docs(reviewsService, dr("ratings.default")) }, expect: { count: 1, equivalents: ["IST0174", "KIA0202"] } },
  ],
});
