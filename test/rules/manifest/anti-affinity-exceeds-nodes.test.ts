import { antiAffinityExceedsNodesRule } from "../../../src/rules/manifest/anti-affinity-exceeds-nodes.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, nodes } from "./fixtures.js";

const cluster = nodes([
  { name: "pool-a-1", labels: { "node.kubernetes.io/instance-type": "m6i.large", pool: "general" } },
  { name: "pool-a-2", labels: { "node.kubernetes.io/instance-type": "m6i.large", pool: "general" } },
  { name: "gpu-1", labels: { pool: "gpu" }, taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }] },
]);

const container = "containers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0";

const antiAffinity = (replicas: number) =>
  deployment(`affinity:\n  podAntiAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n    - labelSelector:\n        matchLabels:\n          app: web\n      topologyKey: kubernetes.io/hostname\n${container}`, { replicas });

testRule(antiAffinityExceedsNodesRule, {
  valid: [{ name: "fewer replicas than nodes", mode: "lint", files: { "d.yaml": antiAffinity(1), "n.json": cluster } }],
  invalid: [
    { name: "more replicas than nodes", mode: "lint", files: { "d.yaml": antiAffinity(3), "n.json": cluster }, expect: { category: "unschedulable", severity: "error", summary: /wants 3 replicas, one per node, but only 2 nodes/, fixIncludes: ["preferredDuringSchedulingIgnoredDuringExecution"] } },
    { name: "as many replicas as nodes blocks the rollout surge", mode: "lint", files: { "d.yaml": antiAffinity(2), "n.json": cluster }, expect: { severity: "warning", summary: /surge/ } },
  ],
});
