import { imageBuildError } from "../../../src/rules/pod/image-build-error.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, list, NOW, pod, running } from "./fixtures.js";

const crashing = (exitCode = 1) => list(pod({ containers: [{ status: crashLoop({ exitCode }) }] }));
const log = (text: string) => [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text }];

testRule(imageBuildError, {
  valid: [
    { name: "healthy Node app", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", text: "Server listening on port 3000\n" }], now: NOW },
    { name: "a running app that logs a handled missing optional module", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", text: "optional dependency bufferutil not installed, using the JS fallback\n" }], now: NOW },
  ],
  invalid: [
    { name: "no main manifest attribute (dubbo-samples#358)", files: { "pod.json": crashing() }, logs: log("no main manifest attribute, in /app.jar\n"), now: NOW, expect: { category: "image-build-error", fixIncludes: [/executable jar/] } },
    {
      name: "Node Cannot find module (wekan#6363)",
      files: { "pod.json": crashing() },
      logs: log("node:internal/modules/cjs/loader:1503\n  throw err;\n  ^\n\nError: Cannot find module '/build/main.js'\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1500:15)\n    at Module._load (node:internal/modules/cjs/loader:1323:27) {\n  code: 'MODULE_NOT_FOUND',\n  requireStack: []\n}\n\nNode.js v24.16.0\n"),
      now: NOW,
      expect: { category: "image-build-error", evidence: [/previous log line 5: Error: Cannot find module '\/build\/main.js'/] },
    },
    {
      name: "Python ModuleNotFoundError (sedna#320)",
      files: { "pod.json": crashing() },
      logs: log('Traceback (most recent call last):\n  File "/code/lib/sedna/service/run_kb.py", line 18, in <module>\n    from sedna.algorithms.optical_flow import LukasKanade\n  File "/code/lib/sedna/algorithms/optical_flow/__init__.py", line 19, in <module>\n    import cv2\nModuleNotFoundError: No module named \'cv2\'\n'),
      now: NOW,
      expect: { category: "image-build-error", evidence: [/No module named 'cv2'/] },
    },
    {
      name: "JKube run-java.sh finds no jar (jkube#652)",
      files: { "pod.json": crashing() },
      logs: log("[INFO] k8s: ERROR Neither $JAVA_MAIN_CLASS nor $JAVA_APP_JAR is set and 0 JARs found in /deployments (1 expected)\nError: -jar requires jar file specification\n"),
      now: NOW,
      expect: { category: "image-build-error" },
    },
  ],
});
