import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { istioValidation } from "../../src/istio/validation/index.js";
import type { KubeObject } from "../../src/model/kube.js";

/**
 * Istio's validation (IST0106 errors, IST0133 warnings), one row a case: the object as a user
 * writes it, and the messages Istio's webhook gives for it (none for the valid rows).
 */
const vs = (spec: string, name = "reviews") => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${name}\n  namespace: bookinfo\nspec:\n${spec}`;
const dr = (spec: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n${spec}`;
const gw = (spec: string, name = "bookinfo-gateway") => `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\n  namespace: bookinfo\nspec:\n${spec}`;
const ef = (spec: string) => `apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata:\n  name: lua\n  namespace: bookinfo\nspec:\n${spec}`;

const route = "  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        host: reviews\n";
const server = (extra = "", host = '"bookinfo.example.com"') => `  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 80\n      name: http\n      protocol: HTTP\n    hosts:\n    - ${host}\n${extra}`;

const cases: Array<{ name: string; yaml: string; expect: Array<[level: "error" | "warning", message: RegExp]> }> = [
  { name: "VirtualService with one route", yaml: vs(route), expect: [] },
  { name: "HTTP rule with only a match", yaml: vs("  hosts: [reviews]\n  http:\n  - match:\n    - uri:\n        prefix: /api\n"), expect: [["error", /HTTP route, redirect or direct_response is required/]] },
  { name: "route and redirect together", yaml: vs("  hosts: [reviews]\n  http:\n  - redirect:\n      uri: /v2\n    route:\n    - destination:\n        host: reviews\n"), expect: [["error", /cannot contain both route and redirect/]] },
  { name: "no http, tcp or tls", yaml: vs("  hosts: [reviews]\n"), expect: [["error", /http, tcp or tls must be provided/]] },
  { name: "wildcard host on the mesh", yaml: vs('  hosts: ["*"]\n  http:\n  - route:\n    - destination:\n        host: reviews\n'), expect: [["error", /wildcard host \* is not allowed/]] },
  { name: "wildcard host on a gateway", yaml: vs('  hosts: ["*"]\n  gateways: [bookinfo/bookinfo-gateway]\n  http:\n  - route:\n    - destination:\n        host: reviews\n'), expect: [] },
  { name: "duplicate hosts", yaml: vs("  hosts: [reviews.bookinfo.svc.cluster.local, reviews.bookinfo.svc.cluster.local]\n  http:\n  - route:\n    - destination:\n        host: reviews\n"), expect: [["error", /duplicate hosts in virtual service/]] },
  { name: "two weights of 0", yaml: vs("  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        host: reviews\n        subset: v1\n      weight: 0\n    - destination:\n        host: reviews\n        subset: v2\n      weight: 0\n"), expect: [["error", /total destination weight = 0/]] },
  { name: "retries with 0 attempts", yaml: vs(`${route}    retries:\n      attempts: 0\n      perTryTimeout: 2s\n`), expect: [["error", /attempts are set to 0/]] },
  { name: "unknown retryOn policy", yaml: vs(`${route}    retries:\n      attempts: 3\n      retryOn: 5xx,connect-failure,timeout\n`), expect: [["error", /"timeout" is not a valid retryOn policy/]] },
  { name: "retryOn with status codes", yaml: vs(`${route}    retries:\n      attempts: 3\n      retryOn: 503,gateway-error\n`), expect: [] },
  { name: "abort without an error type", yaml: vs(`${route}    fault:\n      abort:\n        percentage:\n          value: 10\n`), expect: [["warning", /abort configured, but error type not set/]] },
  { name: "sub-millisecond timeout", yaml: vs(`${route}    timeout: 0.0005s\n`), expect: [["error", /duration must be greater than 1ms/]] },
  { name: "legacy gateway name", yaml: vs('  hosts: ["bookinfo.example.com"]\n  gateways: [bookinfo-gateway.bookinfo]\n  http:\n  - route:\n    - destination:\n        host: productpage\n'), expect: [["warning", /legacy gatewayName format/]] },
  { name: "JWT claim header and pseudo header", yaml: vs(`  hosts: ["bookinfo.example.com"]\n  gateways: [bookinfo/bookinfo-gateway]\n  http:\n  - match:\n    - headers:\n        "@request.auth.claims.group":\n          exact: admin\n        ":method":\n          exact: GET\n    route:\n    - destination:\n        host: productpage\n`), expect: [] },
  { name: "setting the Host response header", yaml: vs(`${route}    headers:\n      response:\n        set:\n          host: example.com\n`), expect: [["error", /cannot set Host header/]] },
  { name: "DestinationRule with subsets", yaml: dr("  host: reviews\n  subsets:\n  - name: v1\n    labels:\n      version: v1\n"), expect: [] },
  { name: "duplicate subset", yaml: dr("  host: reviews\n  subsets:\n  - name: v1\n    labels: {version: v1}\n  - name: v1\n    labels: {version: v2}\n"), expect: [["error", /duplicate subset names: v1/]] },
  { name: "empty traffic policy", yaml: dr("  host: reviews\n  trafficPolicy: {}\n"), expect: [["error", /traffic policy must have at least one field/]] },
  { name: "MUTUAL without certificates", yaml: dr("  host: reviews\n  trafficPolicy:\n    tls:\n      mode: MUTUAL\n"), expect: [["error", /client certificate required/], ["error", /private key required/]] },
  { name: "ISTIO_MUTUAL", yaml: dr("  host: reviews\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n"), expect: [] },
  { name: "maglev table size not prime", yaml: dr("  host: reviews\n  trafficPolicy:\n    loadBalancer:\n      consistentHash:\n        httpHeaderName: x-user\n        maglev:\n          tableSize: 1000\n"), expect: [["error", /tableSize must be a prime number/]] },
  { name: "Gateway with an HTTP server", yaml: gw(server()), expect: [] },
  { name: "Gateway with no servers", yaml: gw("  selector:\n    istio: ingressgateway\n"), expect: [["error", /gateway must have at least one server/]] },
  { name: "short gateway host", yaml: gw(server("", "reviews")), expect: [["error", /short names \(non FQDN\) are not allowed/]] },
  { name: "gateway hosts ./host, */host, */*", yaml: gw(`  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 80\n      name: http\n      protocol: HTTP\n    hosts: ["./testing-01.com", "*/testing-01.com", "*/*"]\n`), expect: [] },
  { name: "HTTPS server without tls", yaml: gw("  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 443\n      name: https\n      protocol: HTTPS\n    hosts: [bookinfo.example.com]\n"), expect: [["error", /server must have TLS settings for HTTPS\/TLS protocols/]] },
  { name: "SIMPLE with credentialName", yaml: gw("  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 443\n      name: https\n      protocol: HTTPS\n    tls:\n      mode: SIMPLE\n      credentialName: bookinfo-cert\n    hosts: [bookinfo.example.com]\n"), expect: [] },
  { name: "SIMPLE without any certificate", yaml: gw("  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 443\n      name: https\n      protocol: HTTPS\n    tls:\n      mode: SIMPLE\n    hosts: [bookinfo.example.com]\n"), expect: [["error", /requires a server certificate/], ["error", /requires a private key/]] },
  { name: "httpsRedirect on the HTTP server", yaml: gw(server("    tls:\n      httpsRedirect: true\n")), expect: [] },
  { name: "duplicate port names", yaml: gw(`${server()}  - port:\n      number: 8080\n      name: http\n      protocol: HTTP\n    hosts: [other.example.com]\n`), expect: [["error", /port names in servers must be unique/]] },
  {
    name: "EnvoyFilter (always warned)",
    yaml: ef("  configPatches:\n  - applyTo: HTTP_FILTER\n    match:\n      context: SIDECAR_INBOUND\n      listener:\n        filterChain:\n          filter:\n            name: envoy.filters.network.http_connection_manager\n    patch:\n      operation: INSERT_BEFORE\n      value:\n        name: envoy.lua\n"),
    expect: [["warning", /EnvoyFilter exposes internal implementation details/]],
  },
  { name: "EnvoyFilter without a patch", yaml: ef("  configPatches:\n  - applyTo: CLUSTER\n    match:\n      cluster:\n        service: reviews.bookinfo.svc.cluster.local\n"), expect: [["warning", /EnvoyFilter exposes/], ["error", /Envoy filter: missing patch/]] },
  { name: "route patch with a listener match", yaml: ef("  configPatches:\n  - applyTo: HTTP_ROUTE\n    match:\n      listener:\n        portNumber: 80\n    patch:\n      operation: MERGE\n      value: {}\n"), expect: [["warning", /EnvoyFilter exposes/], ["error", /http route class objects cannot have non route configuration match/]] },
];

describe("Istio validation of each kind", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const messages = istioValidation(parse(testCase.yaml) as KubeObject);
      expect(messages).toHaveLength(testCase.expect.length);
      testCase.expect.forEach(([level, pattern], index) => {
        expect(messages[index]!.level).toBe(level);
        expect(messages[index]!.message).toMatch(pattern);
      });
    });
  }
  it("reads no other API group", () => {
    expect(istioValidation(parse("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: web\nspec:\n  gatewayClassName: istio\n") as KubeObject)).toEqual([]);
  });
});
