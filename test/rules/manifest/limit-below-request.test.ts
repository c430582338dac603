import { limitBelowRequestRule } from "../../../src/rules/manifest/limit-below-request.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const app = (resources: string, extra = "") => `containers:
- name: app
  image: ghcr.io/acme/orders:2.8.0
${extra}  resources:
${resources}`;

const typicalResources = `    requests: { cpu: "300m", memory: "512Mi" }\n    limits:   { cpu: "1",    memory: "1Gi"   }`;

testRule(limitBelowRequestRule, {
  valid: [{ name: "limit above request", mode: "lint", files: { "d.yaml": deployment(app(typicalResources)) } }],
  invalid: [
    {
      name: "memory limit below request",
      mode: "lint",
      files: { "d.yaml": deployment(app('    requests:\n      memory: "1Gi"\n    limits:\n      memory: "512Mi"')) },
      expect: { category: "config-schema-error", severity: "error", summary: /limits.memory 512Mi is below requests.memory 1Gi/, resource: { line: 23 }, fixIncludes: ["memory: 1Gi"] },
    },
  ],
});
