import { probePortUndeclaredRule } from "../../../src/rules/manifest/probe-port-undeclared.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, healthy, web } from "./fixtures.js";

testRule(probePortUndeclaredRule, {
  valid: [
    { name: "probes on the named declared port (recommended probe values)", mode: "lint", files: { "d.yaml": deployment(healthy) } },
    { name: "numeric probe port with no ports declared", mode: "lint", files: { "d.yaml": deployment(web("  livenessProbe:\n    tcpSocket: { port: 6379 }", "")) } },
    // CoreDNS as published: health on 8080 and ready on 8181, neither declared; probes need no declared containerPort.
    {
      name: "numeric probe ports the container does not declare (CoreDNS health 8080, ready 8181)",
      mode: "lint",
      files: { "d.yaml": deployment(web("  livenessProbe:\n    httpGet: { path: /health, port: 8080, scheme: HTTP }\n  readinessProbe:\n    httpGet: { path: /ready, port: 8181, scheme: HTTP }", "  ports:\n  - { containerPort: 53, name: dns, protocol: UDP }\n  - { containerPort: 53, name: dns-tcp, protocol: TCP }\n  - { containerPort: 9153, name: metrics, protocol: TCP }")) },
    },
  ],
  invalid: [
    {
      name: "named port the container does not declare",
      mode: "lint",
      files: { "d.yaml": deployment(web("  readinessProbe:\n    httpGet: { path: /ready, port: healthcheck }")) },
      // The port number is not in the manifest: the fix declares the name with a marked placeholder, never another port.
      expect: { category: "bad-probe-config", severity: "error", resource: { container: "web", line: 23 }, summary: /named port "healthcheck"/, fixIncludes: ["name: healthcheck", "<the TCP port the app serves this probe on>"], equivalents: ["kube-linter:readiness-port"] },
    },
    {
      name: "named port one typo away from a declared one: the probe is pointed at the declared name, the ports stay as they are",
      mode: "lint",
      files: { "d.yaml": deployment(web("  readinessProbe:\n    httpGet: { path: /ready, port: telemetri }", "  ports:\n  - name: telemetry\n    containerPort: 8081\n  - name: http\n    containerPort: 8080")) },
      expect: { category: "bad-probe-config", summary: /named port "telemetri"/, fixIncludes: ["port: telemetry", 'Point the probe at the declared port "telemetry"'] },
    },
    {
      name: "tcpSocket probe on a UDP port",
      mode: "lint",
      files: { "d.yaml": deployment(web("  livenessProbe:\n    tcpSocket: { port: dns }", "  ports:\n  - name: dns\n    containerPort: 5353\n    protocol: UDP")) },
      expect: { summary: /declared as UDP/ },
    },
  ],
});
