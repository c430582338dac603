import { rbacOrAuthnDenied } from "../../../src/rules/envoy/rbac-or-authn-denied.js";
import * as lines from "../../envoy/fixtures/failure-lines.js";
import { testRule } from "../../helpers/rule-tester.js";

const healthy = { name: "healthy traffic only", files: { "access.log": lines.log(lines.healthyLines) } };

testRule(rbacOrAuthnDenied, {
  valid: [healthy],
  invalid: [
    { name: "403 rbac_access_denied_matched_policy[none] on the destination's inbound", files: { "access.log": lines.log(lines.rbacDeniedLines) }, expect: { category: "rbac-or-authn-denied", summary: /4 requests .* were denied \(RBAC: access denied\)/, evidence: [/rbac_access_denied_matched_policy\[none\]/] } },
    { name: "401 Jwt_verification_fails at the gateway", files: { "access.log": lines.log(lines.jwtRejectedLines) }, expect: { summary: /JWT rejected/, evidence: [/jwt_authn_access_denied\{Jwt_verification_fails\}/] } },
    { name: "\"RBAC: access denied\" body in the caller's log", files: {}, logs: [{ namespace: "istioinaction", pod: "webapp-7685bcb84-hqxzs", container: "webapp", text: "request to http://catalog.istioinaction/items failed: 403 RBAC: access denied\n" }], expect: { evidence: [/AuthorizationPolicy denied the request/] } },
    {
      // The denial sits past the 300 characters a line is cut to in the evidence: the summary still quotes it.
      name: "\"RBAC: access denied\" at the end of a long line",
      files: {},
      logs: [{ namespace: "istioinaction", pod: "webapp-7685bcb84-hqxzs", container: "webapp", text: `request to http://catalog.istioinaction/items?${"q=x&".repeat(90)} failed: 403 RBAC: access denied\n` }],
      expect: { summary: /^1 "RBAC: access denied" response in /, evidence: [/1 line says "RBAC: access denied"/] },
    },
  ],
});
