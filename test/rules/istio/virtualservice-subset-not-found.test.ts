import { virtualServiceSubsetNotFound } from "../../../src/rules/istio/virtualservice-subset-not-found.js";
import { describe, expect, it } from "vitest";
import { runRule, testRule } from "../../helpers/rule-tester.js";
import { docs, reviewsDeployment, reviewsDestinationRule, reviewsService, reviewsVirtualService } from "./fixtures.js";

testRule(virtualServiceSubsetNotFound, {
  valid: [
    { name: "subset defined by the DestinationRule", files: { "bookinfo.yaml": docs(reviewsService, reviewsDestinationRule("v1", "v2"), reviewsVirtualService("v2")) } },
    {
      name: "subset defined by a DestinationRule in the root namespace, for the FQDN",
      files: {
        "vs.yaml": docs(reviewsService, reviewsVirtualService("v1")),
        "mesh-dr.yaml": `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews-global\n  namespace: istio-system\nspec:\n  host: reviews.default.svc.cluster.local\n  subsets:\n  - name: v1\n    labels:\n      version: v1\n`,
      },
    },
  ],
  invalid: [
    {
      name: "seed 004: reviews+v3 with only v1 and v2 defined",
      files: { "bookinfo.yaml": docs(reviewsService, reviewsDeployment("v3"), reviewsDestinationRule("v1", "v2"), reviewsVirtualService("v3")) },
      expect: {
        category: "routing-reference-not-found",
        severity: "error",
        resource: { kind: "VirtualService", namespace: "default", name: "reviews", file: "bookinfo.yaml" },
        summary: /subset "v3" of reviews, which DestinationRule default\/reviews does not define \(it defines v1, v2\)/,
        evidence: [/spec.http\[0\].route\[0\].destination.subset: v3/, /subsets: v1, v2/],
        fixIncludes: [/name: v3\n\s+labels:\n\s+version: v3/],
        equivalents: ["IST0101", "KIA1107"],
      },
    },
    {
      name: "no DestinationRule at all: proposes one with the subsets the route uses",
      files: { "vs.yaml": docs(reviewsService, reviewsDeployment("v1"), reviewsVirtualService("v1")) },
      expect: { summary: /no DestinationRule defines/, fixIncludes: [/kind: DestinationRule/, /host: reviews/, /name: v1/] },
    },
    {
      name: "DestinationRule exported only to its own namespace, VirtualService elsewhere",
      files: {
        "dr.yaml": `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n  namespace: default\nspec:\n  host: reviews.default.svc.cluster.local\n  exportTo:\n  - "."\n  subsets:\n  - name: v1\n    labels:\n      version: v1\n`,
        "vs.yaml": `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n  namespace: frontend\nspec:\n  hosts:\n  - reviews.default.svc.cluster.local\n  http:\n  - route:\n    - destination:\n        host: reviews.default.svc.cluster.local\n        subset: v1\n`,
      },
      expect: { resource: { namespace: "frontend" }, evidence: [/exportTo/] },
    },
  ],
});

const bookinfoRule = `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n  host: reviews\n  subsets:\n  - name: v1\n    labels:\n      version: v1\n`;
const route = (namespace: string, host: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews-route\n  namespace: ${namespace}\nspec:\n  hosts: [${host}]\n  http:\n  - route:\n    - destination:\n        host: ${host}\n        subset: v1\n`;
const bookinfoService = `apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n  selector:\n    app: reviews\n  ports:\n  - name: http\n    port: 9080\n`;

// Kiali (KIA1107) finds subsets through half-qualified names and FQDNs of other namespaces; Istio
// (IST0101) does not expand `reviews.bookinfo`, so only its code applies there, on the host.
testRule(virtualServiceSubsetNotFound, {
  valid: [{ name: "the FQDN of another namespace", files: { "a.yaml": docs(bookinfoService, bookinfoRule, route("frontend", "reviews.bookinfo.svc.cluster.local")) } }],
  invalid: [
    {
      name: "a half-qualified host whose DestinationRule defines the subset",
      files: { "a.yaml": docs(bookinfoService, bookinfoRule, route("bookinfo", "reviews.bookinfo")) },
      expect: { count: 1, summary: /Istio does not expand to reviews.bookinfo.svc.cluster.local/, fixIncludes: [/host: reviews.bookinfo.svc.cluster.local/], equivalents: ["IST0101"] },
    },
  ],
});

describe("KIA1107 on half-qualified hosts", () => {
  it("is not claimed when the subset exists for the name Kiali resolves", () => {
    const findings = runRule(virtualServiceSubsetNotFound, { name: "half", files: { "a.yaml": docs(bookinfoService, bookinfoRule, route("bookinfo", "reviews.bookinfo")) } });
    expect(findings.map((finding) => finding.equivalents)).toEqual([["IST0101"]]);
  });
});
