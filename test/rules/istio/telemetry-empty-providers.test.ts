import { telemetryEmptyProviders } from "../../../src/rules/istio/telemetry-empty-providers.js";
import { testRule } from "../../helpers/rule-tester.js";

const telemetry = (entries: string) => `apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: mesh-default\n  namespace: istio-system\nspec:\n  accessLogging:\n${entries}`;

testRule(telemetryEmptyProviders, {
  valid: [
    { name: "provider named", files: { "t.yaml": telemetry("  - providers:\n    - name: envoy\n    filter:\n      expression: response.code >= 400\n") } },
    { name: "disabled entry", files: { "t.yaml": telemetry("  - disabled: true\n") } },
  ],
  invalid: [{ name: "filter without provider", files: { "t.yaml": telemetry("  - filter:\n      expression: response.code >= 400\n") }, expect: { severity: "warning", summary: /accessLogging\[0\] names no provider/, fixIncludes: [/name: envoy/], equivalents: ["IST0157"] } }],
});
