import { telemetryTagExpressionInvalid } from "../../../src/rules/istio/telemetry-tag-expression-invalid.js";
import { testRule } from "../../helpers/rule-tester.js";

/** Istio's "Customizing Istio Metrics" task: tag overrides on REQUEST_COUNT. */
const telemetry = (tags: Record<string, { value?: string; operation?: string }>) =>
  `apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: namespace-metrics\n  namespace: bookinfo\nspec:\n  metrics:\n  - providers:\n    - name: prometheus\n    overrides:\n    - match:\n        metric: REQUEST_COUNT\n      tagOverrides:\n${Object.entries(tags)
    .map(([tag, entry]) => `        ${tag}:\n${entry.operation ? `          operation: ${entry.operation}\n` : ""}${entry.value !== undefined ? `          value: ${JSON.stringify(entry.value)}\n` : ""}`)
    .join("")}`;
const valid = (name: string, tags: Parameters<typeof telemetry>[0]) => ({ name, files: { "t.yaml": telemetry(tags) } });
const invalid = (name: string, tags: Parameters<typeof telemetry>[0], summary: RegExp, fix?: string) => ({
  name,
  files: { "t.yaml": telemetry(tags) },
  expect: { severity: "warning" as const, resource: { kind: "Telemetry", name: "namespace-metrics" }, summary, ...(fix ? { fixIncludes: [fix] } : {}), equivalents: [] },
});

testRule(telemetryTagExpressionInvalid, {
  valid: [
    valid("the task's destination_port and request_host", { destination_port: { value: "string(destination.port)" }, request_host: { value: "request.host" } }),
    valid("constant text in quotes", { mesh_version: { value: "'1.27'" } }),
    valid("a header with a default", { user: { value: "'x-user' in request.headers ? request.headers['x-user'] : 'none'" } }),
    valid("the peer's metadata", { source_istio_version: { value: "upstream_peer.istio_version" } }),
    valid("REMOVE takes no value", { request_protocol: { operation: "REMOVE" } }),
    valid("a value with REMOVE is the webhook's to reject (IST0106)", { request_protocol: { operation: "REMOVE", value: "request.protocol ==" } }),
  ],
  invalid: [
    invalid(
      "Mixer's default operator on a new tag",
      { user: { value: "request.headers['x-user'] | 'unknown'" } },
      /metrics\[0\] tag override user is not a valid CEL expression \(ERROR: <input>:1:27: Syntax error: token recognition error at: '\| '\): the proxy never adds the tag user/,
    ),
    invalid("has() on a map index (CEL's has() takes a field selection)", { user: { value: "has(request.headers['x-user']) ? request.headers['x-user'] : 'none'" } }, /ERROR: <input>:1:20: invalid argument to has\(\) macro\): the proxy never adds the tag user/),
    invalid("an unfinished comparison on a standard tag", { response_code: { value: "response.code >" } }, /tag override response_code .*: the proxy drops the tag response_code from the metrics it overrides/),
    invalid("a version meant as text", { app_version: { value: "v1.2.3" } }, /tag override app_version is not a valid CEL expression/, "value: \"'v1.2.3'\""),
    invalid("text with a colon", { build: { value: "canary:v2" } }, /tag override build is not a valid CEL expression \(ERROR: <input>:1:7: /, "value: \"'canary:v2'\""),
    invalid("a reserved word", { destination_cluster: { value: "namespace" } }, /reserved identifier: namespace\): the proxy drops the tag destination_cluster/, "value: \"'namespace'\""),
  ],
});
