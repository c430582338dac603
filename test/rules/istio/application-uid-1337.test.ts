import { applicationUid1337 } from "../../../src/rules/istio/application-uid-1337.js";
import { testRule } from "../../helpers/rule-tester.js";

const deployment = (securityContext: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: helloworld-v1\n  namespace: sample\nspec:\n  selector:\n    matchLabels:\n      app: helloworld\n  template:\n    metadata:\n      labels:\n        app: helloworld\n    spec:\n      containers:\n      - name: helloworld\n        image: docker.io/istio/examples-helloworld-v1:1.0\n${securityContext}`;

testRule(applicationUid1337, {
  valid: [{ name: "UID 1000", files: { "d.yaml": deployment("        securityContext:\n          runAsUser: 1000\n") } }],
  invalid: [{ name: "container runs as 1337", files: { "d.yaml": deployment("        securityContext:\n          runAsUser: 1337\n") }, expect: { severity: "warning", resource: { kind: "Deployment", line: 19 }, summary: /UID 1337/, fixIncludes: [/runAsUser: 1000/], equivalents: ["IST0144"] } }],
});
