import { noRoute } from "../../../src/rules/envoy/no-route.js";
import * as lines from "../../envoy/fixtures/failure-lines.js";
import { testRule } from "../../helpers/rule-tester.js";

const healthy = { name: "healthy traffic only", files: { "access.log": lines.log(lines.healthyLines) } };

testRule(noRoute, {
  valid: [healthy],
  invalid: [{ name: "404 NR route_not_found at the gateway for an unbound host", files: { "access.log": lines.log([...lines.healthyLines, ...lines.noRouteLines]) }, expect: { category: "no-route", summary: /4 requests to webapp\.istioinaction\.io .* matched no route \(NR\)/, evidence: [/404 NR route_not_found/], fixIncludes: [/Gateway server's hosts/] } }],
});
