import { memoryUnsetRule } from "../../../src/rules/manifest/memory-unset.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const app = (resources: string, extra = "") => `containers:
- name: app
  image: ghcr.io/acme/orders:2.8.0
${extra}  resources:
${resources}`;

const typicalResources = `    requests: { cpu: "300m", memory: "512Mi" }\n    limits:   { cpu: "1",    memory: "1Gi"   }`;

testRule(memoryUnsetRule, {
  valid: [
    { name: "cpu and memory requests and limits", mode: "lint", files: { "d.yaml": deployment(app(typicalResources)) } },
    {
      name: "LimitRange default supplies the limit",
      mode: "lint",
      files: {
        "d.yaml": deployment(app('    requests: { memory: "256Mi" }')),
        "lr.yaml": "apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: defaults\n  namespace: shop\nspec:\n  limits:\n  - type: Container\n    default: { memory: 512Mi, cpu: 500m }\n    defaultRequest: { memory: 256Mi, cpu: 100m }\n",
      },
    },
  ],
  invalid: [
    {
      name: "no resources at all",
      mode: "lint",
      files: { "d.yaml": deployment("containers:\n- name: app\n  image: ghcr.io/acme/orders:2.8.0") },
      expect: { category: "oom-killed", severity: "info", summary: /no requests.memory and no limits.memory/, resource: { container: "app", line: 17 }, equivalents: ["kube-linter:unset-memory-requirements", "polaris:memoryLimitsMissing"], fixIncludes: ["memory: <measured working set", "memory: <measured peak plus headroom>"] },
    },
    { name: "requests only", mode: "lint", files: { "d.yaml": deployment(app('    requests: { cpu: "100m", memory: "128Mi" }')) }, expect: { summary: /no limits.memory/ } },
  ],
});
