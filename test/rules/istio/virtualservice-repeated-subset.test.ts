import { virtualServiceRepeatedSubset } from "../../../src/rules/istio/virtualservice-repeated-subset.js";
import { testRule } from "../../helpers/rule-tester.js";

const vs = (routes: string, protocol = "http") => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n  hosts:\n  - reviews\n  ${protocol}:\n  - route:\n${routes}`;
const route = (host: string, subset: string | undefined, weight: number) => `    - destination:\n        host: ${host}\n${subset ? `        subset: ${subset}\n` : ""}      weight: ${weight}\n`;

testRule(virtualServiceRepeatedSubset, {
  valid: [
    { name: "v1/v2 canary", files: { "vs.yaml": vs(route("reviews", "v1", 90) + route("reviews", "v2", 10)) } },
    { name: "same subset name on two hosts", files: { "vs.yaml": vs(route("reviews", "v1", 50) + route("ratings", "v1", 50)) } },
    { name: "a half-qualified name whose second part is no namespace is another host to Kiali too", files: { "vs.yaml": vs(route("reviews", "v1", 50) + route("reviews.prod", "v1", 50)) } },
  ],
  invalid: [
    { name: "subset v1 twice", files: { "vs.yaml": vs(route("reviews", "v1", 90) + route("reviews", "v1", 10)) }, expect: { severity: "warning", resource: { kind: "VirtualService", line: 15 }, summary: /http\[0\] sends to reviews subset v1 in destinations 0 and 1/, equivalents: ["KIA1105"] } },
    // Kiali's RouteChecker keys destinations by GetHost: reviews.bookinfo and reviews.bookinfo.svc are reviews in bookinfo.
    { name: "short and half-qualified name of one host, same subset (Istio does not expand the second)", files: { "vs.yaml": vs(route("reviews", "v1", 50) + route("reviews.bookinfo", "v1", 50)) }, expect: { count: 1, summary: /sends to reviews.bookinfo subset v1 in destinations 0 and 1/, equivalents: ["KIA1105"] } },
    { name: "<service>.<namespace>.svc and the short name", files: { "vs.yaml": vs(route("reviews.bookinfo.svc", "v2", 50) + route("reviews", "v2", 50)) }, expect: { count: 1, summary: /sends to reviews subset v2 in destinations 0 and 1/ } },
    { name: "short and full name of one host, no subset", files: { "vs.yaml": vs(route("reviews", undefined, 50) + route("reviews.bookinfo.svc.cluster.local", undefined, 50), "tcp") }, expect: { summary: /tcp\[0\] sends to reviews.bookinfo.svc.cluster.local in destinations 0 and 1/ } },
  ],
});
