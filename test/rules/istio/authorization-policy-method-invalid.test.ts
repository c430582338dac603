import { authorizationPolicyMethodInvalid } from "../../../src/rules/istio/authorization-policy-method-invalid.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";
import { httpbin, httpbinPolicy } from "./authorization-fixtures.js";

const methods = (list: string) => httpbinPolicy(`  - to:\n    - operation:\n        methods: [${list}]\n        paths: ["/info*"]`);

testRule(authorizationPolicyMethodInvalid, {
  valid: [
    { name: "HTTP methods", files: { "a.yaml": docs(httpbin, methods('"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"')) } },
    { name: "presence, prefix and suffix forms", files: { "a.yaml": docs(httpbin, methods('"*", "P*", "*ET"')) } },
    { name: "no methods", files: { "a.yaml": docs(httpbin, httpbinPolicy('  - to:\n    - operation:\n        paths: ["/status/*"]')) } },
  ],
  invalid: [
    { name: "lower-case method (Envoy compares :method case-sensitively)", files: { "a.yaml": docs(httpbin, methods('"get"')) }, expect: { severity: "warning", summary: /methods "get" is not an HTTP method \(methods are case-sensitive: GET\); this operation allows no request/, fixIncludes: ['- GET'], equivalents: ["KIA0102"] } },
    { name: "gRPC method in methods", files: { "a.yaml": docs(httpbin, methods('"grpc.health.v1.Health/Check"')) }, expect: { summary: /"grpc.health.v1.Health\/Check" is not an HTTP method/, fixIncludes: ["/grpc.health.v1.Health/Check", "POST"] } },
    { name: "prefix that matches no method", files: { "a.yaml": docs(httpbin, methods('"GET", "X*"')) }, expect: { count: 1, summary: /"X\*"/ } },
    { name: "a wildcard at both ends is not one of Istio's forms", files: { "a.yaml": docs(httpbin, methods('"*ET*"')) }, expect: { summary: /"\*ET\*"/ } },
    { name: "notMethods in a DENY policy", files: { "a.yaml": docs(httpbin, httpbinPolicy('  - to:\n    - operation:\n        notMethods: ["FETCH"]').replace("action: ALLOW", "action: DENY")) }, expect: { summary: /notMethods "FETCH" is not an HTTP method; this operation excludes no request/ } },
  ],
});
