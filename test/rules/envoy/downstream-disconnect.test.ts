import { downstreamDisconnect } from "../../../src/rules/envoy/downstream-disconnect.js";
import * as lines from "../../envoy/fixtures/failure-lines.js";
import { testRule } from "../../helpers/rule-tester.js";

const healthy = { name: "healthy traffic only", files: { "access.log": lines.log(lines.healthyLines) } };

testRule(downstreamDisconnect, {
  valid: [healthy],
  invalid: [{ name: "client gave up after about 1 s (DC)", files: { "access.log": lines.log(lines.downstreamDisconnectLines) }, expect: { category: "downstream-disconnect", severity: "warning", summary: /3 requests .* client disconnected \(DC\) after p50 1002 ms/ } }],
});
