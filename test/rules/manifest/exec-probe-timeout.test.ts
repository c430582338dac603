import { execProbeTimeoutRule } from "../../../src/rules/manifest/exec-probe-timeout.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, web } from "./fixtures.js";

testRule(execProbeTimeoutRule, {
  valid: [{ name: "exec probe with 5s timeout", mode: "lint", files: { "d.yaml": deployment(web('  livenessProbe:\n    exec:\n      command: ["pg_isready", "-U", "postgres"]\n    timeoutSeconds: 5')) } }],
  invalid: [
    {
      name: "exec liveness with default timeout",
      mode: "lint",
      files: { "d.yaml": deployment(web('  livenessProbe:\n    exec:\n      command: ["pg_isready", "-U", "postgres"]\n    periodSeconds: 10')) },
      expect: { category: "liveness-probe-failure", summary: /1s timeout \(the default\)/, fixIncludes: ["timeoutSeconds: 5"] },
    },
  ],
});
