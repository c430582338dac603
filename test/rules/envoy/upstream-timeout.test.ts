import { upstreamTimeout } from "../../../src/rules/envoy/upstream-timeout.js";
import { catalogObjectsYaml } from "../../envoy/fixtures/catalog-objects.js";
import { jsonLine, proxyAgentLines, catalogGatewayRequests, textLine } from "../../envoy/fixtures/access-lines.js";
import { testRule } from "../../helpers/rule-tester.js";

const requests = catalogGatewayRequests(40);
const healthy = requests.filter((request) => request.code === 200);
const timeoutVs = catalogObjectsYaml.replace("    http:\n    - route:", "    http:\n    - timeout: 0.5s\n      route:");

testRule(upstreamTimeout, {
  valid: [
    { name: "gateway log with only successful requests", files: { "access.log": healthy.map(textLine).join("\n") + "\n" } },
    { name: "istio-proxy log with agent lines and no timeout", files: {}, logs: [{ namespace: "istio-system", pod: "istio-ingressgateway-74df47f5f9-nv65v", container: "istio-proxy", text: [...proxyAgentLines, ...healthy.map(jsonLine)].join("\n") }] },
  ],
  invalid: [
    {
      name: "504 UT from the ingress gateway after a 0.5s route timeout, one slow catalog-v2 pod (TEXT)",
      files: { "access.log": requests.map(textLine).join("\n") + "\n", "catalog.yaml": timeoutVs },
      expect: {
        category: "upstream-timeout",
        summary: /timed out \(504 UT\) after 0\.5s waiting for outbound\|80\|version-v2\|catalog/,
        evidence: [/requests ended 504 UT/, /"GET \/items HTTP\/1.1" 504 UT response_timeout/, /10\.244\.0\.19:3000 \(pod istioinaction\/catalog-v2-7cc6f578cd-5jzdl\)/, /VirtualService istioinaction\/catalog-v1-v2 http\[0\] timeout: 0\.5s/],
        fixIncludes: [/kubectl patch vs catalog-v1-v2 -n istioinaction --type json/, /timeout: /],
      },
    },
    {
      name: "the same requests in the JSON encoding, read from the gateway's istio-proxy container log",
      files: {},
      logs: [{ namespace: "istio-system", pod: "istio-ingressgateway-74df47f5f9-nv65v", container: "istio-proxy", text: [...proxyAgentLines, ...requests.map(jsonLine)].join("\n") }],
      expect: {
        resource: { kind: "Pod", namespace: "istio-system", name: "istio-ingressgateway-74df47f5f9-nv65v", container: "istio-proxy" },
        evidence: [/"response_flags":"UT"/],
        count: 1,
      },
    },
  ],
});
