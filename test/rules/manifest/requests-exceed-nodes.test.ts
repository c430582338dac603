import { requestsExceedNodesRule } from "../../../src/rules/manifest/requests-exceed-nodes.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, nodes, pod } from "./fixtures.js";

const app = (resources: string, extra = "") => `containers:
- name: app
  image: ghcr.io/acme/orders:2.8.0
${extra}  resources:
${resources}`;

const typicalResources = `    requests: { cpu: "300m", memory: "512Mi" }\n    limits:   { cpu: "1",    memory: "1Gi"   }`;

testRule(requestsExceedNodesRule, {
  valid: [
    { name: "fits the largest node", mode: "lint", files: { "d.yaml": deployment(app(typicalResources)), "n.json": nodes([{ name: "n1", cpu: "2", memory: "7Gi" }]) } },
  ],
  invalid: [
    {
      name: "memory request above every node",
      mode: "lint",
      files: { "d.yaml": deployment(app('    requests: { cpu: "1", memory: "24Gi" }\n    limits: { memory: "24Gi" }')), "n.json": nodes([{ name: "n1", memory: "15Gi" }, { name: "n2", memory: "15Gi" }]) },
      expect: { category: "unschedulable", severity: "error", summary: /requests 24Gi memory per pod; the largest node offers 15Gi/, evidence: ["Node n1 allocatable memory: 15Gi"] },
    },
  ],
});
