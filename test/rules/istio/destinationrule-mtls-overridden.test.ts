import { describe, expect, it } from "vitest";
import { destinationRuleMtlsOverridden } from "../../../src/rules/istio/destinationrule-mtls-overridden.js";
import { runRule, testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

/** Istio's mesh-wide mTLS rule (the authentication task's `default` DestinationRule). */
const meshWide = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: default
  namespace: istio-system
spec:
  host: "*.local"
  trafficPolicy:
    tls:
      mode: ISTIO_MUTUAL`;

const namespaceWide = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: default
  namespace: bookinfo
spec:
  host: "*.bookinfo.svc.cluster.local"
  trafficPolicy:
    tls:
      mode: ISTIO_MUTUAL`;

/** samples/bookinfo/networking/destination-rule-all.yaml's reviews rule, in namespace bookinfo, with an optional trafficPolicy. */
const reviews = (policy = "", name = "reviews") => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}
  namespace: bookinfo
spec:
  host: reviews
${policy}  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2`;

const reviewsMtls = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews-mtls
  namespace: bookinfo
spec:
  host: reviews.bookinfo.svc.cluster.local
  trafficPolicy:
    tls:
      mode: ISTIO_MUTUAL`;

const github = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: github
  namespace: bookinfo
spec:
  host: api.github.com
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: 10`;

const meshConfig = (autoMtls: boolean) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |-\n    enableAutoMtls: ${autoMtls}\n`;
const tls = "  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n";
const portTls = "  trafficPolicy:\n    portLevelSettings:\n    - port:\n        number: 9080\n      tls:\n        mode: ISTIO_MUTUAL\n";
const loadBalancer = "  trafficPolicy:\n    loadBalancer:\n      simple: LEAST_REQUEST\n";

testRule(destinationRuleMtlsOverridden, {
  valid: [
    { name: "the specific rule sets ISTIO_MUTUAL itself", files: { "a.yaml": docs(meshWide, reviews(tls)) } },
    { name: "the specific rule sets TLS per port", files: { "a.yaml": docs(meshWide, reviews(portTls)) } },
    { name: "no mesh-wide or namespace-wide mTLS rule", files: { "a.yaml": docs(reviews(), github) } },
    { name: "*.local does not cover an external host", files: { "a.yaml": docs(meshWide, github) } },
    { name: "a namespace-wide rule of another namespace", files: { "a.yaml": docs(namespaceWide.replace(/bookinfo/g, "shop"), reviews()) } },
    { name: "same host and namespace: istiod merges the subsets-only rule with the ISTIO_MUTUAL one", files: { "a.yaml": docs(reviews(), reviewsMtls) } },
    { name: "same host, the ISTIO_MUTUAL rule first: its trafficPolicy is the one kept", files: { "a.yaml": docs(reviewsMtls, reviews(loadBalancer)) } },
  ],
  invalid: [
    {
      name: "mesh-wide ISTIO_MUTUAL, auto mTLS on (the default): info",
      files: { "a.yaml": docs(meshWide, reviews()) },
      expect: { severity: "info", equivalents: ["KIA0204"], resource: { kind: "DestinationRule", name: "reviews" }, summary: 'DestinationRule bookinfo/reviews sets no TLS for reviews.bookinfo.svc.cluster.local, replacing the ISTIO_MUTUAL of DestinationRule istio-system/default (*.local); auto mTLS still sends mTLS to its sidecar endpoints', fixIncludes: ["mode: ISTIO_MUTUAL"] },
    },
    {
      name: "mesh-wide ISTIO_MUTUAL with auto mTLS off: warning",
      files: { "a.yaml": docs(meshConfig(false), meshWide, reviews()) },
      expect: { severity: "warning", summary: /auto mTLS is off, so clients send it plaintext$/ },
    },
    {
      name: "namespace-wide ISTIO_MUTUAL and a rule with only a load balancer",
      files: { "a.yaml": docs(meshConfig(false), namespaceWide, reviews(loadBalancer)) },
      expect: { severity: "warning", resource: { name: "reviews" }, summary: /ISTIO_MUTUAL of DestinationRule bookinfo\/default \(\*\.bookinfo\.svc\.cluster\.local\)/ },
    },
    {
      name: "same host and namespace, the rule with its own trafficPolicy first: istiod keeps it and drops the ISTIO_MUTUAL",
      files: { "a.yaml": docs(reviews(loadBalancer), reviewsMtls) },
      expect: { count: 1, severity: "info", summary: /replacing the ISTIO_MUTUAL of DestinationRule bookinfo\/reviews-mtls/ },
    },
  ],
});

describe("istio/destinationrule-mtls-overridden fix", () => {
  it("setting ISTIO_MUTUAL is proven", () => {
    const findings = runRule(destinationRuleMtlsOverridden, { name: "mesh-wide", files: { "a.yaml": docs(meshConfig(false), meshWide, reviews()) } });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.fix?.proven).toBe(true);
  });
});
