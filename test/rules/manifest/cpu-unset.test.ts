import { cpuUnsetRule } from "../../../src/rules/manifest/cpu-unset.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const app = (resources: string, extra = "") => `containers:
- name: app
  image: ghcr.io/acme/orders:2.8.0
${extra}  resources:
${resources}`;

const typicalResources = `    requests: { cpu: "300m", memory: "512Mi" }\n    limits:   { cpu: "1",    memory: "1Gi"   }`;

testRule(cpuUnsetRule, {
  valid: [{ name: "cpu requests and limits", mode: "lint", files: { "d.yaml": deployment(app(typicalResources)) } }],
  invalid: [{ name: "memory only", mode: "lint", files: { "d.yaml": deployment(app('    requests: { memory: "128Mi" }\n    limits: { memory: "256Mi" }')) }, expect: { category: "cpu-throttling", severity: "info", fixIncludes: ["cpu: <measured CPU use>"] } }],
});
