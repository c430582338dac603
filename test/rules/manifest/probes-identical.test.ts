import { probesIdenticalRule } from "../../../src/rules/manifest/probes-identical.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, healthy, web } from "./fixtures.js";

testRule(probesIdenticalRule, {
  valid: [{ name: "separate live and ready endpoints", mode: "lint", files: { "d.yaml": deployment(healthy) } }],
  invalid: [
    {
      name: "same httpGet for both",
      mode: "lint",
      files: { "d.yaml": deployment(web("  livenessProbe:\n    httpGet: { path: /health, port: http }\n    initialDelaySeconds: 30\n  readinessProbe:\n    httpGet: { path: /health, port: http }")) },
      expect: { category: "liveness-probe-failure", severity: "info", summary: /identical.*httpGet \/health/, equivalents: ["kube-score:pod-probes-identical"], fixIncludes: ["path: <a path the app serves that checks only the process>"] },
    },
  ],
});
