import { probePortUndeclaredRule } from "../../../src/rules/manifest/probe-port-undeclared.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, healthy, web } from "./fixtures.js";

testRule(probePortUndeclaredRule, {
  valid: [
    { name: "probes on the named declared port (seed 001 section 7 values)", mode: "lint", files: { "d.yaml": deployment(healthy) } },
    { name: "numeric probe port with no ports declared", mode: "lint", files: { "d.yaml": deployment(web("  livenessProbe:\n    tcpSocket: { port: 6379 }", "")) } },
  ],
  invalid: [
    {
      name: "named port the container does not declare",
      mode: "lint",
      files: { "d.yaml": deployment(web("  readinessProbe:\n    httpGet: { path: /ready, port: healthcheck }")) },
      expect: { category: "bad-probe-config", severity: "error", resource: { container: "web", line: 23 }, summary: /named port "healthcheck"/, fixIncludes: ["port: http"], equivalents: ["kube-linter:readiness-port"] },
    },
    {
      name: "numeric probe port differs from the declared port",
      mode: "lint",
      files: { "d.yaml": deployment(web("  livenessProbe:\n    httpGet: { path: /healthz, port: 9090 }")) },
      expect: { severity: "warning", summary: /port 9090, but container web declares only 8080/ },
    },
    {
      name: "tcpSocket probe on a UDP port",
      mode: "lint",
      files: { "d.yaml": deployment(web("  livenessProbe:\n    tcpSocket: { port: dns }", "  ports:\n  - name: dns\n    containerPort: 5353\n    protocol: UDP")) },
      expect: { summary: /declared as UDP/ },
    },
  ],
});
