import { quotaWillRejectRule } from "../../../src/rules/manifest/quota-will-reject.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const app = (resources: string, extra = "") => `containers:
- name: app
  image: ghcr.io/acme/orders:2.8.0
${extra}  resources:
${resources}`;

const typicalResources = `    requests: { cpu: "300m", memory: "512Mi" }\n    limits:   { cpu: "1",    memory: "1Gi"   }`;

const quota = `apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
  namespace: shop
spec:
  hard:
    requests.cpu: "4"
    requests.memory: 8Gi
    limits.memory: 16Gi
    pods: "10"
status:
  used:
    requests.memory: 6Gi
`;

testRule(quotaWillRejectRule, {
  valid: [{ name: "fits the quota", mode: "lint", files: { "d.yaml": deployment(app(typicalResources)), "q.yaml": quota } }],
  invalid: [
    {
      name: "limits.memory tracked but not set",
      mode: "lint",
      files: { "d.yaml": deployment(app('    requests: { cpu: "100m", memory: "128Mi" }')), "q.yaml": quota },
      expect: { category: "quota-exceeded", summary: /tracks limits.memory/, fixIncludes: ["memory: 1Gi"] },
    },
    {
      name: "replicas x requests above what is left",
      mode: "lint",
      files: { "d.yaml": deployment(app(typicalResources), { replicas: 6 }), "q.yaml": quota },
      expect: { summary: /needs requests.memory=3Gi \(6 pods\) but ResourceQuota compute has 2Gi left of 8Gi/, resource: { line: 7 } },
    },
    {
      name: "LimitRange max below the container limit",
      mode: "lint",
      files: { "d.yaml": deployment(app('    requests: { memory: "1Gi" }\n    limits: { memory: "4Gi" }')), "lr.yaml": "apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: caps\n  namespace: shop\nspec:\n  limits:\n  - type: Container\n    max: { memory: 2Gi }\n" },
      expect: { summary: /maximum memory usage per Container is 2Gi, but limit is 4Gi/ },
    },
  ],
});
