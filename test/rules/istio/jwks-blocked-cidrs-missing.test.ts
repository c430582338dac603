import { jwksBlockedCidrsMissing } from "../../../src/rules/istio/jwks-blocked-cidrs-missing.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

const ra = `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: jwt-auth\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app: api\n  jwtRules:\n  - issuer: "https://accounts.example.com"\n    jwksUri: "https://accounts.example.com/.well-known/jwks.json"`;
const istiod = (env: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: istiod\n  namespace: istio-system\n  labels:\n    app: istiod\nspec:\n  selector:\n    matchLabels:\n      app: istiod\n  template:\n    metadata:\n      labels:\n        app: istiod\n    spec:\n      containers:\n      - name: discovery\n        image: docker.io/istio/pilot:1.27.1\n        env:\n        - name: PILOT_ENABLE_ANALYSIS\n          value: "false"\n${env}`;

testRule(jwksBlockedCidrsMissing, {
  valid: [
    { name: "blocklist set", files: { "a.yaml": docs(ra, istiod('        - name: BLOCKED_CIDRS_IN_JWKS_URIS\n          value: "10.0.0.0/8,169.254.0.0/16"')) } },
    { name: "no RequestAuthentication", files: { "a.yaml": docs(istiod("")) } },
  ],
  invalid: [{ name: "RequestAuthentication and no blocklist", files: { "a.yaml": docs(ra, istiod("")) }, expect: { severity: "warning", resource: { kind: "Deployment", name: "istiod" }, summary: /1 RequestAuthentication/, fixIncludes: [/BLOCKED_CIDRS_IN_JWKS_URIS/], equivalents: ["IST0175"] } }],
});
