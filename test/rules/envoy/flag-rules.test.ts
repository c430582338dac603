/** The rules that read one response flag (or denial) family from access logs and container logs. */
import { blackholeTraffic } from "../../../src/rules/envoy/blackhole-traffic.js";
import { downstreamDisconnect } from "../../../src/rules/envoy/downstream-disconnect.js";
import { noHealthyUpstream } from "../../../src/rules/envoy/no-healthy-upstream.js";
import { noRoute } from "../../../src/rules/envoy/no-route.js";
import { rbacOrAuthnDenied } from "../../../src/rules/envoy/rbac-or-authn-denied.js";
import { upstreamConnectionFailure } from "../../../src/rules/envoy/upstream-connection-failure.js";
import { catalogObjectsYaml } from "../../envoy/fixtures/catalog-objects.js";
import { proxyAgentLines } from "../../envoy/fixtures/access-lines.js";
import * as lines from "../../envoy/fixtures/failure-lines.js";
import { testRule } from "../../helpers/rule-tester.js";

const healthy = { name: "healthy traffic only", files: { "access.log": lines.log(lines.healthyLines) } };
const sidecar = (text: string[]) => [{ namespace: "istioinaction", pod: "webapp-7685bcb84-hqxzs", container: "istio-proxy", text: [...proxyAgentLines, ...text].join("\n") }];

testRule(noHealthyUpstream, {
  valid: [healthy, { name: "BlackHoleCluster's UH is the outbound policy, not an unhealthy service", files: { "access.log": lines.log(lines.blackHoleLines) } }],
  invalid: [
    {
      name: "503 UH no_healthy_upstream from a caller's sidecar",
      files: {},
      logs: sidecar([...lines.healthyLines, ...lines.noHealthyUpstreamLines]),
      expect: { category: "no-healthy-upstream", resource: { kind: "Pod", name: "webapp-7685bcb84-hqxzs", container: "istio-proxy" }, summary: /6 requests .* no healthy upstream \(503 UH\) in outbound\|80\|\|catalog/, evidence: [/6 of 12 requests ended 503 UH/, /503 UH no_healthy_upstream/], fixIncludes: [/istioctl proxy-config endpoints webapp-7685bcb84-hqxzs.istioinaction --cluster "outbound\|80\|\|catalog.istioinaction.svc.cluster.local"/, /kubectl get endpoints catalog -n istioinaction/] },
    },
    {
      name: "the response body in the caller's application log (seed 002)",
      files: {},
      logs: [{ namespace: "istioinaction", pod: "webapp-7685bcb84-hqxzs", container: "webapp", text: "2025-10-26T07:01:12.351Z ERROR catalog call failed: status=503 body=no healthy upstream\n" }],
      expect: { resource: { name: "webapp-7685bcb84-hqxzs", container: "webapp" }, evidence: [/1 line says "no healthy upstream"/, /status=503 body=no healthy upstream/] },
    },
  ],
});

testRule(noRoute, {
  valid: [healthy],
  invalid: [{ name: "404 NR route_not_found at the gateway for an unbound host", files: { "access.log": lines.log([...lines.healthyLines, ...lines.noRouteLines]) }, expect: { category: "no-route", summary: /4 requests to webapp\.istioinaction\.io .* matched no route \(NR\)/, evidence: [/404 NR route_not_found/], fixIncludes: [/Gateway server's hosts/] } }],
});

testRule(upstreamConnectionFailure, {
  valid: [healthy],
  invalid: [
    {
      name: "503 UF,URX connection refused, and UC, from the caller's sidecar",
      files: { "access.log": lines.log([...lines.connectFailureLines, ...lines.connectionTerminationLines]), "catalog.yaml": catalogObjectsYaml },
      expect: { category: "upstream-connection-failure", summary: /8 requests .* failed reaching outbound\|80\|\|catalog.* \(UF, URX, UC\)/, evidence: [/503 UF,URX upstream_reset_before_response_started/, /503 UC/] },
    },
    {
      name: "\"upstream connect error or disconnect/reset before headers\" in an app log (seed 002)",
      files: {},
      logs: [{ namespace: "istioinaction", pod: "webapp-7685bcb84-hqxzs", container: "webapp", text: "Error: upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: delayed connect error: Connection refused\n" }],
      expect: { summary: /1 "upstream connect error or disconnect\/reset before headers" line/, evidence: [/Service targetPort/] },
    },
  ],
});

testRule(downstreamDisconnect, {
  valid: [healthy],
  invalid: [{ name: "client gave up after about 1 s (DC)", files: { "access.log": lines.log(lines.downstreamDisconnectLines) }, expect: { category: "downstream-disconnect", severity: "warning", summary: /3 requests .* client disconnected \(DC\) after p50 1002 ms/ } }],
});

testRule(rbacOrAuthnDenied, {
  valid: [healthy],
  invalid: [
    { name: "403 rbac_access_denied_matched_policy[none] on the destination's inbound", files: { "access.log": lines.log(lines.rbacDeniedLines) }, expect: { category: "rbac-or-authn-denied", summary: /4 requests .* were denied \(RBAC: access denied\)/, evidence: [/rbac_access_denied_matched_policy\[none\]/] } },
    { name: "401 Jwt_verification_fails at the gateway", files: { "access.log": lines.log(lines.jwtRejectedLines) }, expect: { summary: /JWT rejected/, evidence: [/jwt_authn_access_denied\{Jwt_verification_fails\}/] } },
    { name: "\"RBAC: access denied\" body in the caller's log", files: {}, logs: [{ namespace: "istioinaction", pod: "webapp-7685bcb84-hqxzs", container: "webapp", text: "request to http://catalog.istioinaction/items failed: 403 RBAC: access denied\n" }], expect: { evidence: [/AuthorizationPolicy denied the request/] } },
  ],
});

testRule(blackholeTraffic, {
  valid: [healthy],
  invalid: [
    {
      name: "REGISTRY_ONLY: HTTP block_all and TLS BlackHoleCluster",
      files: { "access.log": lines.log(lines.blackHoleLines) },
      expect: { category: "outbound-traffic-blocked", summary: /5 requests to BlackHoleCluster: .*api\.github\.com.*www\.google\.com|5 requests to BlackHoleCluster: .*www\.google\.com.*api\.github\.com/, fixIncludes: [/kind: ServiceEntry/, /- api\.github\.com/, /number: 443/, /- www\.google\.com/] },
    },
  ],
});
