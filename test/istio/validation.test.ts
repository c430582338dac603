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

const obj = (apiVersion: string, kind: string, spec: string, metadata = "") => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: example\n  namespace: bookinfo\n${metadata}spec:\n${spec}`;
const sidecar = (spec: string) => obj("networking.istio.io/v1", "Sidecar", spec);
const se = (spec: string) => obj("networking.istio.io/v1", "ServiceEntry", spec);
const security = (kind: string, spec: string) => obj("security.istio.io/v1", kind, spec);
const telemetry = (spec: string) => obj("telemetry.istio.io/v1", "Telemetry", spec);

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
    expect: [["warning", /EnvoyFilter exposes internal implementation details/], ["warning", /using deprecated types by name without typed_config; envoy.lua/]],
  },
  { name: "EnvoyFilter without a patch", yaml: ef("  configPatches:\n  - applyTo: CLUSTER\n    match:\n      cluster:\n        service: reviews.bookinfo.svc.cluster.local\n"), expect: [["warning", /EnvoyFilter exposes/], ["error", /Envoy filter: missing patch/]] },
  { name: "route patch with a listener match", yaml: ef("  configPatches:\n  - applyTo: HTTP_ROUTE\n    match:\n      listener:\n        portNumber: 80\n    patch:\n      operation: MERGE\n      value: {}\n"), expect: [["warning", /EnvoyFilter exposes/], ["error", /http route class objects cannot have non route configuration match/]] },

  { name: "Sidecar with an egress listener", yaml: sidecar('  egress:\n  - hosts: ["./*", "istio-system/*"]\n'), expect: [] },
  { name: "Sidecar with only a workloadSelector", yaml: sidecar("  workloadSelector:\n    labels:\n      app: reviews\n"), expect: [["error", /sidecar: empty configuration provided/]] },
  { name: "Sidecar egress host without a namespace", yaml: sidecar("  egress:\n  - hosts: [reviews.bookinfo.svc.cluster.local]\n"), expect: [["error", /host must be of form namespace\/dnsName/]] },
  { name: "Sidecar egress short host name", yaml: sidecar("  egress:\n  - hosts: [bookinfo/reviews]\n"), expect: [["error", /short names \(non FQDN\) are not allowed/]] },
  { name: "Sidecar catch-all listener not last", yaml: sidecar('  egress:\n  - hosts: ["./*"]\n  - port:\n      number: 9080\n      protocol: HTTP\n      name: http\n    hosts: ["./*"]\n'), expect: [["error", /empty port should be the last listener/]] },
  { name: "Sidecar ingress without a port", yaml: sidecar("  ingress:\n  - defaultEndpoint: 127.0.0.1:8080\n"), expect: [["error", /port is required for ingress listeners/]] },
  { name: "Sidecar ingress defaultEndpoint on another host", yaml: sidecar("  ingress:\n  - port:\n      number: 9080\n      protocol: HTTP\n      name: http\n    defaultEndpoint: 10.0.0.1:8080\n"), expect: [["error", /defaultEndpoint must be of form/]] },
  { name: "Sidecar ingress with a wildcard selector value", yaml: sidecar('  workloadSelector:\n    labels:\n      app: "*"\n  egress:\n  - hosts: ["./*"]\n'), expect: [["error", /wildcard is not supported in selector/]] },
  { name: "Sidecar egress proxy with REGISTRY_ONLY", yaml: sidecar("  outboundTrafficPolicy:\n    mode: REGISTRY_ONLY\n    egressProxy:\n      host: egress.example.com\n      port:\n        number: 443\n"), expect: [["error", /egress_proxy must be set only with ALLOW_ANY/]] },
  { name: "ServiceEntry with one DNS host", yaml: se("  hosts: [api.example.com]\n  location: MESH_EXTERNAL\n  resolution: DNS\n  ports:\n  - number: 443\n    name: https\n    protocol: TLS\n"), expect: [] },
  { name: "ServiceEntry host *", yaml: se('  hosts: ["*"]\n  resolution: NONE\n  addresses: [10.0.0.1]\n  ports:\n  - number: 80\n    name: http\n    protocol: HTTP\n'), expect: [["error", /invalid host \*/]] },
  { name: "ServiceEntry DNS wildcard without endpoints", yaml: se('  hosts: ["*.example.com"]\n  resolution: DNS\n  ports:\n  - number: 443\n    name: https\n    protocol: TLS\n'), expect: [["error", /hosts must be FQDN or contain only prefix wildcards/]] },
  { name: "ServiceEntry without an address for a TCP port", yaml: se("  hosts: [db.example.com]\n  resolution: NONE\n  ports:\n  - number: 5432\n    name: tcp\n    protocol: TCP\n"), expect: [["warning", /addresses are required for ports serving TCP/]] },
  { name: "ServiceEntry duplicate port number", yaml: se("  hosts: [api.example.com]\n  resolution: DNS\n  ports:\n  - number: 443\n    name: https\n    protocol: TLS\n  - number: 443\n    name: tls\n    protocol: TLS\n"), expect: [["error", /service entry port 443 already defined/]] },
  { name: "ServiceEntry two hosts on a TCP port", yaml: se("  hosts: [a.example.com, b.example.com]\n  resolution: DNS\n  ports:\n  - number: 5432\n    name: tcp\n    protocol: TCP\n"), expect: [["error", /multiple hosts provided with non-HTTP, non-TLS ports/]] },
  { name: "ServiceEntry STATIC endpoint with a host name", yaml: se("  hosts: [api.example.com]\n  resolution: STATIC\n  ports:\n  - number: 80\n    name: http\n    protocol: HTTP\n  endpoints:\n  - address: api.internal\n"), expect: [["error", /is not a valid IP address/]] },
  { name: "WorkloadEntry without an address", yaml: obj("networking.istio.io/v1", "WorkloadEntry", "  labels:\n    app: vm\n"), expect: [["error", /address is required/]] },
  { name: "WorkloadGroup without a template", yaml: obj("networking.istio.io/v1", "WorkloadGroup", "  metadata:\n    labels:\n      app: vm\n"), expect: [["error", /template is required/]] },
  { name: "AuthorizationPolicy ALLOW from a namespace", yaml: security("AuthorizationPolicy", "  action: ALLOW\n  rules:\n  - from:\n    - source:\n        namespaces: [frontend]\n"), expect: [] },
  { name: "DENY without rules", yaml: security("AuthorizationPolicy", "  action: DENY\n"), expect: [["error", /DENY action without `rules` is meaningless/]] },
  { name: "CUSTOM without a provider", yaml: security("AuthorizationPolicy", "  action: CUSTOM\n  rules:\n  - {}\n"), expect: [["error", /`provider.name` must not be empty/]] },
  { name: "unknown condition key", yaml: security("AuthorizationPolicy", "  rules:\n  - when:\n    - key: request.method\n      values: [GET]\n"), expect: [["error", /invalid `value` for `key` request.method: unknown attribute/], ["error", /invalid `notValue` for `key` request.method: unknown attribute/]] },
  { name: "bad IP block and bad port", yaml: security("AuthorizationPolicy", '  rules:\n  - from:\n    - source:\n        ipBlocks: ["10.0.0.0/33"]\n    to:\n    - operation:\n        ports: ["http"]\n'), expect: [["error", /bad CIDR range/], ["error", /bad port \(http\)/]] },
  { name: "selector and targetRef together", yaml: security("AuthorizationPolicy", "  selector:\n    matchLabels:\n      app: reviews\n  targetRef:\n    kind: Service\n    group: \"\"\n    name: reviews\n  rules:\n  - {}\n"), expect: [["error", /only one of targetRefs or workloadSelector/]] },
  { name: "namespace PeerAuthentication with port level mTLS", yaml: security("PeerAuthentication", "  mtls:\n    mode: STRICT\n  portLevelMtls:\n    8080:\n      mode: DISABLE\n"), expect: [["error", /mesh\/namespace peer authentication cannot have port level mTLS/]] },
  { name: "RequestAuthentication without issuer or jwksUri", yaml: security("RequestAuthentication", "  jwtRules:\n  - audiences: [bookinfo]\n"), expect: [["error", /issuer or jwksUri must be non-empty string/]] },
  { name: "RequestAuthentication with an ftp jwksUri", yaml: security("RequestAuthentication", "  jwtRules:\n  - issuer: https://issuer.example.com\n    jwksUri: ftp://issuer.example.com/keys\n"), expect: [["error", /URI scheme "ftp" is not supported/]] },
  { name: "Telemetry with an unnamed provider", yaml: telemetry("  accessLogging:\n  - providers:\n    - name: \"\"\n"), expect: [["error", /providers.name may not be empty/]] },
  { name: "Telemetry sampling over 100", yaml: telemetry("  tracing:\n  - randomSamplingPercentage: 150\n"), expect: [["error", /randomSamplingPercentage must be in range/]] },
  { name: "Telemetry UPSERT without a value", yaml: telemetry("  metrics:\n  - overrides:\n    - tagOverrides:\n        request_host:\n          operation: UPSERT\n"), expect: [["error", /tagOverrides.value must be set when operation is UPSERT/]] },
  { name: "Telemetry access-log filter that parses", yaml: telemetry("  accessLogging:\n  - filter:\n      expression: response.code >= 400 && !request.url_path.startsWith('/healthz')\n"), expect: [] },
  { name: "Telemetry access-log filter with a syntax error", yaml: telemetry("  accessLogging:\n  - filter:\n      expression: response.code >= 400 &&\n"), expect: [["error", /^must be a valid CEL expression, ERROR: <input>:1:24: Syntax error/]] },
  { name: "Telemetry access-log filter with a reserved word", yaml: telemetry("  accessLogging:\n  - filter:\n      expression: if == 1\n"), expect: [["error", /^must be a valid CEL expression, ERROR: <input>:1:1: reserved identifier: if$/]] },
  { name: "Telemetry access-log filter with a bad has()", yaml: telemetry("  accessLogging:\n  - filter:\n      expression: has(request.headers['x'])\n"), expect: [["error", /invalid argument to has\(\) macro$/]] },
  { name: "Telemetry access-log filter that is empty", yaml: telemetry("  accessLogging:\n  - filter:\n      expression: ''\n"), expect: [["error", /^must be a valid CEL expression, ERROR: <input>:1:1: Syntax error/]] },
  { name: "WasmPlugin without a url", yaml: obj("extensions.istio.io/v1alpha1", "WasmPlugin", "  selector:\n    matchLabels:\n      app: reviews\n"), expect: [["error", /url field needs to be set/]] },
  { name: "WasmPlugin short sha256", yaml: obj("extensions.istio.io/v1alpha1", "WasmPlugin", "  url: oci://ghcr.io/example/filter:1.0\n  sha256: abc\n"), expect: [["error", /sha256 field must be 64 characters long/]] },
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
