import { nodeSelectorUnsatisfiableRule } from "../../../src/rules/manifest/node-selector-unsatisfiable.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, nodes } from "./fixtures.js";

const cluster = nodes([
  { name: "pool-a-1", labels: { "node.kubernetes.io/instance-type": "m6i.large", pool: "general" } },
  { name: "pool-a-2", labels: { "node.kubernetes.io/instance-type": "m6i.large", pool: "general" } },
  { name: "gpu-1", labels: { pool: "gpu" }, taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }] },
]);

const container = "containers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0";

testRule(nodeSelectorUnsatisfiableRule, {
  valid: [
    { name: "selector matching a pool", mode: "lint", files: { "d.yaml": deployment(`nodeSelector:\n  pool: general\n${container}`), "n.json": cluster } },
    { name: "GPU pool with toleration", mode: "lint", files: { "d.yaml": deployment(`nodeSelector:\n  pool: gpu\ntolerations:\n- key: nvidia.com/gpu\n  operator: Exists\n  effect: NoSchedule\n${container}`), "n.json": cluster } },
    { name: "no node inventory: nothing to say", mode: "lint", files: { "d.yaml": deployment(`nodeSelector:\n  pool: nothing\n${container}`) } },
  ],
  invalid: [
    {
      name: "selector value no node has",
      mode: "lint",
      files: { "d.yaml": deployment(`nodeSelector:\n  pool: generel\n${container}`), "n.json": cluster },
      expect: { category: "unschedulable", severity: "error", resource: { line: 16 }, summary: /No node matches the nodeSelector/, evidence: [/Node pool-a-1 labels: .*pool=general/] },
    },
    {
      name: "GPU pool without toleration",
      mode: "lint",
      files: { "d.yaml": deployment(`nodeSelector:\n  pool: gpu\n${container}`), "n.json": cluster },
      expect: { summary: /taint it does not tolerate \(nvidia.com\/gpu=present:NoSchedule\)/, fixIncludes: ["key: nvidia.com/gpu"] },
    },
    {
      name: "required node affinity on a zone that does not exist",
      mode: "lint",
      files: {
        "d.yaml": deployment(`affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - key: topology.kubernetes.io/zone\n          operator: In\n          values: [eu-west-1c]\n${container}`),
        "n.json": cluster,
      },
      expect: { summary: /required node affinity/ },
    },
  ],
});
