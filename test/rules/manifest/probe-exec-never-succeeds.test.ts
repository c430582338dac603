import { probeExecNeverSucceedsRule } from "../../../src/rules/manifest/probe-exec-never-succeeds.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, healthy, web } from "./fixtures.js";

testRule(probeExecNeverSucceedsRule, {
  valid: [{ name: "shell command as a list", mode: "lint", files: { "d.yaml": deployment(web('  livenessProbe:\n    exec:\n      command: ["sh", "-c", "redis-cli ping | grep PONG"]\n    timeoutSeconds: 5')) } }],
  invalid: [
    {
      name: "single string with spaces",
      mode: "lint",
      files: { "d.yaml": deployment(web('  livenessProbe:\n    exec:\n      command: ["cat /tmp/healthy"]')) },
      expect: { category: "bad-probe-config", summary: /single string "cat \/tmp\/healthy"/, fixIncludes: ["- sh", "- cat /tmp/healthy"] },
    },
    { name: "exit 1 in a shell", mode: "lint", files: { "d.yaml": deployment(web('  readinessProbe:\n    exec:\n      command: ["/bin/sh", "-c", "exit 1"]')) }, expect: { summary: /readiness exec probe/ } },
  ],
});
