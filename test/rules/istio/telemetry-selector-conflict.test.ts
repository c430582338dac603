import { telemetrySelectorConflict } from "../../../src/rules/istio/telemetry-selector-conflict.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, reviewsPod } from "./fixtures.js";

const telemetry = (name: string, selector: string) => `apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n${selector}  accessLogging:\n  - providers:\n    - name: envoy`;
const select = (labels: string) => `  selector:\n    matchLabels:\n${labels}\n`;
const pod = reviewsPod("v1", "7f9c6d8d5b-x2x4q");

testRule(telemetrySelectorConflict, {
  valid: [{ name: "one Telemetry per workload", files: { "a.yaml": docs(pod, telemetry("reviews-logs", select("      app: reviews"))) } }],
  invalid: [{ name: "two select the same pod", files: { "a.yaml": docs(pod, telemetry("reviews-logs", select("      app: reviews")), telemetry("v1-logs", select("      version: v1"))) }, expect: { count: 2, equivalents: ["IST0159"] } }],
});
