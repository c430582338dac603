import { blackholeTraffic } from "../../../src/rules/envoy/blackhole-traffic.js";
import * as lines from "../../envoy/fixtures/failure-lines.js";
import { testRule } from "../../helpers/rule-tester.js";

const healthy = { name: "healthy traffic only", files: { "access.log": lines.log(lines.healthyLines) } };

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
