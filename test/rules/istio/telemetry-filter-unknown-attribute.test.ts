import { telemetryFilterUnknownAttribute } from "../../../src/rules/istio/telemetry-filter-unknown-attribute.js";
import { testRule } from "../../helpers/rule-tester.js";

const telemetry = (expression: string) =>
  `apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: errors-only\n  namespace: bookinfo\nspec:\n  accessLogging:\n  - providers:\n    - name: envoy\n    filter:\n      expression: ${JSON.stringify(expression)}\n`;
const valid = (name: string, expression: string) => ({ name, files: { "t.yaml": telemetry(expression) } });
const invalid = (name: string, expression: string, summary: RegExp, fix?: RegExp) => ({
  name,
  files: { "t.yaml": telemetry(expression) },
  expect: { severity: "warning" as const, summary, ...(fix ? { fixIncludes: [fix] } : {}), equivalents: [] },
});

testRule(telemetryFilterUnknownAttribute, {
  valid: [
    valid("Istio's example filter", "response.code >= 400"),
    valid("mTLS and path", "connection.mtls && request.url_path.contains('v1beta3')"),
    valid("a request header", "request.headers['x-debug'] == 'true'"),
    valid("a header as a field", "has(request.headers.authorization)"),
    valid("durations and flags", "request.duration > duration('1s') || response.flags != 0"),
    valid("upstream and xds", "upstream.address.endsWith(':443') && xds.cluster_name.startsWith('outbound|')"),
    valid("metadata and filter state hold any path", "metadata.filter_metadata['istio'].x == 1 || filter_state['wasm.x'] == b'y'"),
    valid("a message attribute's fields", "xds.node.id.startsWith('sidecar~') && upstream.locality.zone == 'a'"),
    valid("a macro's own variable", "request.headers.exists(h, h.startsWith('x-'))"),
    valid("CEL type names", "type(response.code) == int"),
    valid("an expression Istio rejects is schema-validation's", "response.status >="),
  ],
  invalid: [
    invalid("a field the attribute does not have", "response.status >= 400", /accessLogging\[0\] filter refers to response\.status, which is not a field of that attribute/, /response\.code >= 400/),
    invalid("request.header for request.headers", "request.header['x-debug'] == 'true'", /refers to request\.header, which is not a field/, /request\.headers\['x-debug'\]/),
    invalid("a bare name", "status >= 500", /refers to status, which is not an Envoy attribute/),
    invalid("a root that does not exist", "resp.code == 503", /refers to resp\.code, which is not an Envoy attribute/, /response\.code == 503/),
    invalid("a field of a scalar", "request.path.prefix == '/api'", /refers to request\.path\.prefix, which selects a field of a value that has none/),
    invalid("a Wasm-only attribute", "plugin_name == 'x'", /refers to plugin_name, which is only given to Wasm extensions/),
    invalid("inside a macro", "[1, 2].exists(x, x == response.statuscode)", /refers to response\.statuscode/),
  ],
});
