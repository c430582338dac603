import { livenessBudgetShortRule } from "../../../src/rules/manifest/liveness-budget-short.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, healthy, statefulSet, web } from "./fixtures.js";

testRule(livenessBudgetShortRule, {
  valid: [
    { name: "startupProbe present", mode: "lint", files: { "d.yaml": deployment(healthy) } },
    { name: "defaults give 30s", mode: "lint", files: { "d.yaml": deployment(web("  livenessProbe:\n    httpGet: { path: /healthz, port: http }")) } },
  ],
  invalid: [
    {
      name: "initialDelaySeconds 5, periodSeconds 5: 20s before the first restart",
      mode: "lint",
      files: { "d.yaml": deployment(web("  livenessProbe:\n    httpGet: { path: /healthz, port: 8080 }\n    initialDelaySeconds: 5\n    periodSeconds: 5\n    timeoutSeconds: 1")) },
      expect: {
        category: "liveness-probe-failure",
        summary: /within 20s \(5 \+ 3 x 5s\)/,
        resource: { line: 22 },
        fixIncludes: ["startupProbe:", "failureThreshold: 60", "periodSeconds: 2", "timeoutSeconds: 2"],
      },
    },
    {
      name: "JVM image with 45s budget",
      mode: "lint",
      files: { "sts.yaml": statefulSet("containers:\n- name: kafka\n  image: apache/kafka:3.8.0\n  livenessProbe:\n    tcpSocket: { port: 9092 }\n    initialDelaySeconds: 15\n    periodSeconds: 10") },
      expect: { summary: /45s/, resource: { kind: "StatefulSet" } },
    },
  ],
});
