import { jwtClaimRouteWithoutAuthentication } from "../../../src/rules/istio/jwt-claim-route-without-authentication.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, ingressGateway } from "./fixtures.js";

const gateway = `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: api-gateway\n  namespace: istio-system\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 80\n      name: http\n      protocol: HTTP\n    hosts:\n    - "api.example.com"`;
const vs = `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  hosts:\n  - api.example.com\n  gateways:\n  - istio-system/api-gateway\n  http:\n  - match:\n    - headers:\n        "@request.auth.claims.groups":\n          exact: admin\n    route:\n    - destination:\n        host: admin-api\n  - route:\n    - destination:\n        host: api`;
const ra = `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: ingress-jwt\n  namespace: istio-system\nspec:\n  selector:\n    matchLabels:\n      istio: ingressgateway\n  jwtRules:\n  - issuer: "https://accounts.example.com"\n    jwksUri: "https://accounts.example.com/.well-known/jwks.json"`;

testRule(jwtClaimRouteWithoutAuthentication, {
  valid: [{ name: "RequestAuthentication on the gateway pods", files: { "a.yaml": docs(ingressGateway, gateway, vs, ra) } }],
  invalid: [{ name: "claim route without RequestAuthentication", files: { "a.yaml": docs(ingressGateway, gateway, vs) }, expect: { severity: "error", summary: /routes on @request.auth.claims.groups, but no RequestAuthentication applies/, fixIncludes: [/kind: RequestAuthentication/, /istio: ingressgateway/], equivalents: ["IST0149"] } }],
});
