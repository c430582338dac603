import { telemetryMultipleDefault } from "../../../src/rules/istio/telemetry-multiple-default.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

const telemetry = (name: string, selector: string) => `apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n${selector}  accessLogging:\n  - providers:\n    - name: envoy`;

testRule(telemetryMultipleDefault, {
  valid: [{ name: "one namespace default", files: { "a.yaml": docs(telemetry("default", "")) } }],
  invalid: [{ name: "two namespace defaults", files: { "a.yaml": docs(telemetry("default", ""), telemetry("access-logs", "")) }, expect: { count: 2, equivalents: ["IST0160"] } }],
});
