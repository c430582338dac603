import { destinationRuleMultipleMatch } from "../../../src/rules/istio/destinationrule-multiple-match.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

/** A Bookinfo reviews DestinationRule (samples/bookinfo/networking/destination-rule-all.yaml), split or duplicated as teams do. */
const rule = (name: string, options: { namespace?: string; host?: string; subsets?: string[]; policy?: string; selector?: string } = {}) => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}
  namespace: ${options.namespace ?? "bookinfo"}
spec:
  host: ${options.host ?? "reviews"}
${options.selector ? `  workloadSelector:\n    matchLabels:\n      app: ${options.selector}\n` : ""}${options.policy ?? ""}${(options.subsets ?? []).length ? `  subsets:\n${(options.subsets ?? []).map((subset) => `  - name: ${subset}\n    labels:\n      version: ${subset}`).join("\n")}\n` : ""}`;

const leastRequest = "  trafficPolicy:\n    loadBalancer:\n      simple: LEAST_REQUEST\n";
const pool = "  trafficPolicy:\n    connectionPool:\n      http:\n        http1MaxPendingRequests: 100\n";
const meshMtls = rule("default", { namespace: "istio-system", host: '"*.local"', policy: "  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n" });

testRule(destinationRuleMultipleMatch, {
  valid: [
    { name: "Bookinfo's one rule per host", files: { "a.yaml": docs(rule("reviews", { subsets: ["v1", "v2", "v3"] }), rule("ratings", { host: "ratings", subsets: ["v1", "v2"] })) } },
    { name: "split by subsets in one namespace (Istio's best practice): merged", files: { "a.yaml": docs(rule("reviews-v1", { subsets: ["v1"], policy: leastRequest }), rule("reviews-v2", { subsets: ["v2"] })) } },
    { name: "the mesh-wide mTLS rule is meant to sit beside specific ones (Kiali skips it)", files: { "a.yaml": docs(meshMtls, rule("reviews", { subsets: ["v1"] })) } },
    { name: "different workload selectors apply to different clients", files: { "a.yaml": docs(rule("reviews-for-productpage", { selector: "productpage", subsets: ["v1"] }), rule("reviews-for-ratings", { selector: "ratings", subsets: ["v1"] })) } },
    { name: "another namespace, distinct subsets", files: { "a.yaml": docs(rule("reviews", { subsets: ["v1"] }), rule("reviews", { namespace: "frontend", host: "reviews.bookinfo.svc.cluster.local", subsets: ["canary"] })) } },
    { name: "different hosts", files: { "a.yaml": docs(rule("reviews"), rule("ratings", { host: "ratings" })) } },
  ],
  invalid: [
    {
      name: "the same subset in two rules of one namespace",
      files: { "a.yaml": docs(rule("reviews", { subsets: ["v1", "v2"] }), rule("reviews-canary", { subsets: ["v2", "v3"] })) },
      expect: { count: 1, severity: "warning", equivalents: ["KIA0201"], resource: { kind: "DestinationRule", name: "reviews-canary" }, summary: 'DestinationRule bookinfo/reviews-canary defines subset "v2" of reviews.bookinfo.svc.cluster.local again: istiod merges it into DestinationRule bookinfo/reviews, which defines it first, and ignores this one' },
    },
    {
      name: "two top-level trafficPolicies: the second is ignored (Istio drops it; Kiali only sees a collision when subsets collide)",
      files: { "a.yaml": docs(rule("reviews-lb", { subsets: ["v1"], policy: leastRequest }), rule("reviews-pool", { subsets: ["v2"], policy: pool })) },
      expect: { count: 1, severity: "warning", resource: { name: "reviews-pool" }, summary: /sets a trafficPolicy for reviews\.bookinfo\.svc\.cluster\.local that istiod ignores/ },
    },
    {
      name: "a rule without subsets beside one with: merged, info",
      files: { "a.yaml": docs(rule("reviews", { subsets: ["v1", "v2"] }), rule("reviews-pool", { policy: pool })) },
      expect: { count: 1, severity: "info", equivalents: ["KIA0201"], summary: "DestinationRule bookinfo/reviews-pool and DestinationRule bookinfo/reviews both configure reviews.bookinfo.svc.cluster.local: istiod merges them without losing anything" },
    },
    {
      name: "a namespace-wide connection pool that the reviews rule replaces",
      files: { "a.yaml": docs(rule("pool", { host: '"*.bookinfo.svc.cluster.local"', policy: pool }), rule("reviews", { subsets: ["v1"] })) },
      expect: { count: 1, resource: { name: "pool" }, summary: "DestinationRule bookinfo/pool (*.bookinfo.svc.cluster.local) does not apply to reviews.bookinfo.svc.cluster.local: istiod uses DestinationRule bookinfo/reviews alone for it" },
    },
    {
      name: "a client namespace's rule with the same subset replaces the service's",
      files: { "a.yaml": docs(rule("reviews", { subsets: ["v1", "v2"] }), rule("reviews", { namespace: "frontend", host: "reviews.bookinfo.svc.cluster.local", subsets: ["v1"] })) },
      expect: { count: 1, resource: { namespace: "frontend", name: "reviews" }, summary: /from different namespaces: istiod does not merge them, and clients in namespace frontend get DestinationRule frontend\/reviews alone$/ },
    },
  ],
});
