import { describe, expect, it } from "vitest";
import { sidecarEgressHostNotFound } from "../../../src/rules/istio/sidecar-egress-host-not-found.js";
import { runRule, testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

/** Bookinfo in its own namespace, as samples/bookinfo/platform/kube/bookinfo.yaml applies it with -n bookinfo. */
const bookinfoService = (name: string, namespace = "bookinfo") => `
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
  labels:
    app: ${name}
    service: ${name}
spec:
  ports:
  - port: 9080
    name: http
  selector:
    app: ${name}`;

const bookinfo = docs(bookinfoService("details"), bookinfoService("ratings"), bookinfoService("reviews"), bookinfoService("productpage"));

/** The Sidecar of Istio's "sidecar egress" example, for the productpage workload. */
const sidecar = (...hosts: string[]) => `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: productpage
  namespace: bookinfo
spec:
  workloadSelector:
    labels:
      app: productpage
  egress:
  - hosts:
${hosts.map((host) => `    - "${host}"`).join("\n")}`;

const serviceEntry = (host: string, namespace: string, exportTo?: string) => `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ${host.split(".")[0]}
  namespace: ${namespace}
spec:
  hosts:
  - ${host}
${exportTo ? `  exportTo:\n  - "${exportTo}"\n` : ""}  location: MESH_EXTERNAL
  ports:
  - number: 443
    name: tls
    protocol: TLS
  resolution: DNS`;

const virtualService = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews-canary
  namespace: bookinfo
spec:
  hosts:
  - reviews.canary.example.com
  http:
  - route:
    - destination:
        host: reviews`;

const istioSystem = `
apiVersion: v1
kind: Namespace
metadata:
  name: istio-system`;

testRule(sidecarEgressHostNotFound, {
  valid: [
    { name: "the Sidecar docs' ./* and istio-system/*", mode: "lint", files: { "a.yaml": docs(bookinfo, sidecar("./*", "istio-system/*")) } },
    { name: "the Services' FQDNs in their namespace", mode: "lint", files: { "a.yaml": docs(bookinfo, sidecar("bookinfo/reviews.bookinfo.svc.cluster.local", "./details.bookinfo.svc.cluster.local")) } },
    { name: "*/ imports from any namespace", mode: "lint", files: { "a.yaml": docs(bookinfo, sidecar("*/ratings.bookinfo.svc.cluster.local")) } },
    { name: "a wildcard that covers the namespace's Services", mode: "lint", files: { "a.yaml": docs(bookinfo, sidecar("./*.bookinfo.svc.cluster.local")) } },
    { name: "a ServiceEntry host of the Sidecar's namespace", mode: "lint", files: { "a.yaml": docs(bookinfo, serviceEntry("api.github.com", "bookinfo"), sidecar("./api.github.com")) } },
    { name: "a ServiceEntry host exported to the Sidecar's namespace", mode: "lint", files: { "a.yaml": docs(bookinfo, serviceEntry("api.github.com", "egress", "bookinfo"), sidecar("egress/api.github.com")) } },
    { name: "a VirtualService host", mode: "lint", files: { "a.yaml": docs(bookinfo, virtualService, sidecar("./reviews.canary.example.com")) } },
    { name: "exclusions (~) import nothing by design", mode: "lint", files: { "a.yaml": docs(bookinfo, sidecar("./*", "~/*.example.com", "~bookinfo/gone.bookinfo.svc.cluster.local")) } },
    { name: "a namespace the inputs do not hold is not judged", mode: "lint", files: { "a.yaml": docs(bookinfo, sidecar("payments/ledger.payments.svc.cluster.local")) } },
    { name: "an external host with no ServiceEntry among the manifests is not judged", mode: "lint", files: { "a.yaml": docs(bookinfo, sidecar("*/api.stripe.com")) } },
    { name: "a short name is the schema check's (IST0106), not this rule's", mode: "lint", files: { "a.yaml": docs(bookinfo, sidecar("./reviews")) } },
  ],
  invalid: [
    {
      name: "the Service lives in another namespace than the prefix (Istio matches the namespace)",
      mode: "lint",
      files: { "a.yaml": docs(bookinfo, istioSystem, sidecar("./*", "istio-system/reviews.bookinfo.svc.cluster.local")) },
      expect: { severity: "warning", equivalents: ["KIA1004"], resource: { kind: "Sidecar", name: "productpage" }, summary: 'Sidecar bookinfo/productpage egress host "istio-system/reviews.bookinfo.svc.cluster.local" imports nothing: reviews.bookinfo.svc.cluster.local is defined in namespace bookinfo, not istio-system', fixIncludes: ['"value":"bookinfo/reviews.bookinfo.svc.cluster.local"'] },
    },
    {
      name: "a misspelt Service name",
      mode: "lint",
      files: { "a.yaml": docs(bookinfo, sidecar("./reveiws.bookinfo.svc.cluster.local")) },
      expect: { summary: "no Service, ServiceEntry or VirtualService in namespace bookinfo has the hostname reveiws.bookinfo.svc.cluster.local", fixIncludes: ["./reviews.bookinfo.svc.cluster.local"] },
    },
    {
      name: "the DNS search-path form service.namespace",
      mode: "lint",
      files: { "a.yaml": docs(bookinfo, sidecar("./ratings.bookinfo")) },
      expect: { summary: "istiod compares the name as written, and the Service's hostname is ratings.bookinfo.svc.cluster.local", fixIncludes: ['"value":"./ratings.bookinfo.svc.cluster.local"'] },
    },
    {
      name: "a ServiceEntry exported only to its own namespace",
      mode: "lint",
      files: { "a.yaml": docs(bookinfo, serviceEntry("api.github.com", "egress", "."), sidecar("egress/api.github.com")) },
      expect: { summary: "api.github.com in namespace egress is not exported to namespace bookinfo", evidence: ['exportTo ["."]'] },
    },
    {
      name: "an external host no ServiceEntry defines",
      mode: "lint",
      files: { "a.yaml": docs(bookinfo, serviceEntry("api.github.com", "bookinfo"), sidecar("*/api.stripe.com")) },
      expect: { summary: "no Service, ServiceEntry or VirtualService in any namespace has the hostname api.stripe.com", fixIncludes: ["Define api.stripe.com"] },
    },
    {
      name: "a Service that is gone",
      mode: "lint",
      files: { "a.yaml": docs(bookinfoService("ratings"), sidecar("bookinfo/productpage.bookinfo.svc.cluster.local")) },
      expect: { count: 1, summary: /has the hostname productpage\.bookinfo\.svc\.cluster\.local$/ },
    },
  ],
});

describe("istio/sidecar-egress-host-not-found fixes", () => {
  it("the namespace fix is proven: with it the host imports the Service", () => {
    const findings = runRule(sidecarEgressHostNotFound, { name: "other namespace", mode: "lint", files: { "a.yaml": docs(bookinfo, istioSystem, sidecar("istio-system/reviews.bookinfo.svc.cluster.local")) } });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.fix?.proven).toBe(true);
  });
});
