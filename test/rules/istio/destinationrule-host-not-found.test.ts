import { destinationRuleHostNotFound } from "../../../src/rules/istio/destinationrule-host-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, reviewsService } from "./fixtures.js";

const dr = (host: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n  namespace: default\nspec:\n  host: ${host}\n  trafficPolicy:\n    loadBalancer:\n      simple: LEAST_REQUEST`;

testRule(destinationRuleHostNotFound, {
  valid: [
    { name: "short name of a Service", files: { "a.yaml": docs(reviewsService, dr("reviews")) } },
    { name: "FQDN", files: { "a.yaml": docs(reviewsService, dr("reviews.default.svc.cluster.local")) } },
  ],
  invalid: [{ name: "misspelt FQDN", files: { "a.yaml": docs(reviewsService, dr("reviews.defualt.svc.cluster.local")) }, expect: { severity: "warning", resource: { line: 22 }, summary: /matches no Service or ServiceEntry/, fixIncludes: [/host: reviews.default.svc.cluster.local/], equivalents: ["IST0174", "KIA0202"] } }],
});
