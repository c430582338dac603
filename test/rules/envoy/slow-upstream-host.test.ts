import { slowUpstreamHost } from "../../../src/rules/envoy/slow-upstream-host.js";
import { catalogObjectsYaml } from "../../envoy/fixtures/catalog-objects.js";
import { jsonLine, catalogGatewayRequests, textLine } from "../../envoy/fixtures/access-lines.js";
import { testRule } from "../../helpers/rule-tester.js";

const requests = catalogGatewayRequests(60);
const evenLatency = requests.map((request) => ({ ...request, code: 200, flags: undefined, details: "via_upstream", sent: 357, duration: 20 + (request.duration % 7), serviceTime: 19 }));

testRule(slowUpstreamHost, {
  valid: [
    { name: "all catalog hosts answer alike", files: { "access.log": evenLatency.map(textLine).join("\n") + "\n", "catalog.yaml": catalogObjectsYaml } },
    { name: "too few requests per host to compare", files: { "access.log": requests.slice(0, 6).map(textLine).join("\n") + "\n" } },
  ],
  invalid: [
    {
      name: "catalog-v2-7cc6f578cd-5jzdl (10.244.0.19) is slow, mapped to its pod",
      files: { "access.log": requests.map(textLine).join("\n") + "\n", "catalog.yaml": catalogObjectsYaml },
      expect: {
        category: "slow-upstream-host",
        resource: { kind: "Pod", namespace: "istioinaction", name: "catalog-v2-7cc6f578cd-5jzdl" },
        summary: /upstream host 10\.244\.0\.19:3000 \(pod istioinaction\/catalog-v2-7cc6f578cd-5jzdl\) answers in p50 501 ms, \d+x slower than its peers in outbound\|80\|version-v2/,
        evidence: [/10\.244\.0\.18:3000 \(pod istioinaction\/catalog-v2-7cc6f578cd-rjrms\): \d+ requests, p50 2\d ms/],
        fixIncludes: [/kubectl get pod -A --field-selector status.podIP=10.244.0.19 -o wide/],
        count: 1,
      },
    },
    { name: "the same in the JSON encoding, without pods in the view", files: { "access.log": requests.map(jsonLine).join("\n") + "\n" }, expect: { resource: { kind: "AccessLog" }, summary: /upstream host 10\.244\.0\.19:3000 answers/ } },
  ],
});
