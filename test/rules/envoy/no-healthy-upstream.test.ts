import { noHealthyUpstream } from "../../../src/rules/envoy/no-healthy-upstream.js";
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
      name: "the response body in the caller's application log",
      files: {},
      logs: [{ namespace: "istioinaction", pod: "webapp-7685bcb84-hqxzs", container: "webapp", text: "2025-10-26T07:01:12.351Z ERROR catalog call failed: status=503 body=no healthy upstream\n" }],
      expect: { resource: { name: "webapp-7685bcb84-hqxzs", container: "webapp" }, evidence: [/1 line says "no healthy upstream"/, /status=503 body=no healthy upstream/] },
    },
  ],
});
