import { unboundedAllocationRule } from "../../../src/rules/manifest/unbounded-allocation.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, pod } from "./fixtures.js";

const app = (resources: string, extra = "") => `containers:
- name: app
  image: ghcr.io/acme/orders:2.8.0
${extra}  resources:
${resources}`;

const typicalResources = `    requests: { cpu: "300m", memory: "512Mi" }\n    limits:   { cpu: "1",    memory: "1Gi"   }`;

testRule(unboundedAllocationRule, {
  valid: [{ name: "ordinary server", mode: "lint", files: { "d.yaml": deployment(app(typicalResources, '  args: ["--port=8080"]\n')) } }],
  invalid: [
    {
      name: "tail /dev/zero",
      mode: "lint",
      files: { "p.yaml": pod('containers:\n- name: memory-hog\n  image: busybox:1.36\n  command: ["sh", "-c", "tail /dev/zero"]\n  resources:\n    limits: { memory: "128Mi" }') },
      expect: { category: "oom-killed", resource: { kind: "Pod", container: "memory-hog" }, summary: /tail \/dev\/zero/ },
    },
    {
      name: "stress --vm-bytes above the limit (Kubernetes docs memory demo)",
      mode: "lint",
      files: { "p.yaml": pod('containers:\n- name: memory-demo-2-ctr\n  image: polinux/stress\n  resources:\n    requests: { memory: "50Mi" }\n    limits: { memory: "100Mi" }\n  command: ["stress"]\n  args: ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"]') },
      expect: { summary: /250M/ },
    },
  ],
});
