import { lowPortNonRootRule } from "../../../src/rules/manifest/low-port-non-root.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

testRule(lowPortNonRootRule, {
  valid: [
    { name: "non-root on 8080", mode: "lint", files: { "d.yaml": deployment("securityContext: { runAsNonRoot: true, runAsUser: 101 }\ncontainers:\n- name: web\n  image: nginxinc/nginx-unprivileged:1.27\n  ports:\n  - containerPort: 8080") } },
    { name: "NET_BIND_SERVICE added", mode: "lint", files: { "d.yaml": deployment("containers:\n- name: web\n  image: ghcr.io/acme/edge:1.0.0\n  securityContext:\n    runAsUser: 1000\n    capabilities: { drop: [ALL], add: [NET_BIND_SERVICE] }\n  ports:\n  - containerPort: 443") } },
  ],
  invalid: [
    {
      name: "official nginx as UID 101 on port 80",
      mode: "lint",
      files: { "d.yaml": deployment("securityContext:\n  runAsUser: 101\ncontainers:\n- name: web\n  image: nginx:1.27.2\n  ports:\n  - containerPort: 80") },
      expect: { category: "insufficient-privileges", summary: /UID 101.*port 80/, resource: { line: 22 }, fixIncludes: ["NET_BIND_SERVICE"], equivalents: ["kube-linter:privileged-ports"] },
    },
  ],
});
