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
      name: "reviews+v3 with only v1 and v2 defined",
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

const rule = (host: string, extra = "") => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n  host: ${host}\n${extra}  subsets:\n  - name: v1\n    labels:\n      version: v1\n`;
const ownNamespaceOnly = '  exportTo: ["."]\n';
const mirrored = `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews-route\n  namespace: bookinfo\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        host: reviews\n        subset: v1\n    mirror:\n      host: reviews\n      subset: v9\n`;
const prodRule = `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews-prod\n  namespace: frontend\nspec:\n  host: reviews.prod.svc.cluster.local\n  subsets:\n  - name: v1\n    labels:\n      version: v1\n`;

// Kiali's SubsetPresenceChecker (KIA1107) reads hosts with GetHost (reviews.bookinfo is reviews in bookinfo when
// bookinfo is the object's or a known namespace), matches them with FilterByHost or a wildcard rule host, checks
// route destinations only (not mirrors) and only DestinationRules exported to the VirtualService's namespace.
// Istio (IST0101) completes only names without a dot. Each row: the equivalents of each finding.
describe("KIA1107 and IST0101 on half-qualified hosts and FQDNs of other namespaces", () => {
  const cases: Array<[string, string[], string[][]]> = [
    ["short name in the rule's namespace", [rule("reviews"), route("bookinfo", "reviews")], []],
    ["FQDN from another namespace", [rule("reviews"), route("frontend", "reviews.bookinfo.svc.cluster.local")], []],
    ["<service>.<namespace>.svc from another namespace", [rule("reviews"), route("frontend", "reviews.bookinfo.svc")], [["IST0101"]]],
    ["half-qualified route host in the rule's namespace", [rule("reviews"), route("bookinfo", "reviews.bookinfo")], [["IST0101"]]],
    ["half-qualified route host from another namespace", [rule("reviews"), route("frontend", "reviews.bookinfo")], [["IST0101"]]],
    ["half-qualified route host, rule exported to its own namespace only", [rule("reviews", ownNamespaceOnly), route("frontend", "reviews.bookinfo")], [["IST0101", "KIA1107"]]],
    ["FQDN from another namespace, rule exported to its own namespace only", [rule("reviews", ownNamespaceOnly), route("frontend", "reviews.bookinfo.svc.cluster.local")], [["IST0101", "KIA1107"]]],
    ["short name from another namespace names another service", [rule("reviews"), route("frontend", "reviews")], [["IST0101", "KIA1107"]]],
    ["half-qualified rule host, short route host", [rule("reviews.bookinfo"), route("bookinfo", "reviews")], [["IST0101"]]],
    ["half-qualified rule host, FQDN route host from another namespace", [rule("reviews.bookinfo"), route("frontend", "reviews.bookinfo.svc.cluster.local")], [["IST0101"]]],
    ["half-qualified on both sides", [rule("reviews.bookinfo"), route("bookinfo", "reviews.bookinfo")], []],
    ["half-qualified route host whose second part is no namespace", [prodRule, route("frontend", "reviews.prod")], [["IST0101"]]],
    ["wildcard rule host covering the FQDN", [rule("'*.bookinfo.svc.cluster.local'"), route("frontend", "reviews.bookinfo.svc.cluster.local")], []],
    ["missing subset of a mirror", [rule("reviews"), mirrored], [["IST0101"]]],
  ];
  it.each(cases)("%s", (_name, objects, expected) => {
    const findings = runRule(virtualServiceSubsetNotFound, { name: _name, files: { "a.yaml": docs(bookinfoService, ...objects) } });
    expect(findings.map((finding) => finding.equivalents)).toEqual(expected);
  });
  it("names the rule whose host Istio does not expand, and changes that host", () => {
    const [finding] = runRule(virtualServiceSubsetNotFound, { name: "rule host", files: { "a.yaml": docs(bookinfoService, rule("reviews.bookinfo"), route("frontend", "reviews.bookinfo.svc.cluster.local")) } });
    expect(finding?.summary).toMatch(/subset "v1" of reviews.bookinfo.svc.cluster.local, which DestinationRule bookinfo\/reviews defines for reviews.bookinfo: Istio does not expand that name to reviews.bookinfo.svc.cluster.local/);
    expect(finding?.fix?.yaml?.after).toMatch(/host: reviews.bookinfo.svc.cluster.local/);
  });
});
