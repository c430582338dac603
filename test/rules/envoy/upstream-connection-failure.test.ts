import { upstreamConnectionFailure } from "../../../src/rules/envoy/upstream-connection-failure.js";
import { catalogObjectsYaml } from "../../envoy/fixtures/catalog-objects.js";
import * as lines from "../../envoy/fixtures/failure-lines.js";
import { testRule } from "../../helpers/rule-tester.js";

const healthy = { name: "healthy traffic only", files: { "access.log": lines.log(lines.healthyLines) } };

testRule(upstreamConnectionFailure, {
  valid: [healthy],
  invalid: [
    {
      name: "503 UF,URX connection refused, and UC, from the caller's sidecar",
      files: { "access.log": lines.log([...lines.connectFailureLines, ...lines.connectionTerminationLines]), "catalog.yaml": catalogObjectsYaml },
      expect: { category: "upstream-connection-failure", summary: /8 requests .* failed reaching outbound\|80\|\|catalog.* \(UF, URX, UC\)/, evidence: [/503 UF,URX upstream_reset_before_response_started/, /503 UC/] },
    },
    {
      name: "\"upstream connect error or disconnect/reset before headers\" in an app log",
      files: {},
      logs: [{ namespace: "istioinaction", pod: "webapp-7685bcb84-hqxzs", container: "webapp", text: "Error: upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: delayed connect error: Connection refused\n" }],
      expect: { summary: /1 "upstream connect error or disconnect\/reset before headers" line/, evidence: [/Service targetPort/] },
    },
  ],
});
