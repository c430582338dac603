import { sysctlUnsafeRule } from "../../../src/rules/manifest/sysctl-unsafe.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

testRule(sysctlUnsafeRule, {
  valid: [{ name: "safe sysctl", mode: "lint", files: { "d.yaml": deployment("securityContext:\n  sysctls:\n  - name: net.ipv4.ip_local_port_range\n    value: \"1024 65535\"\ncontainers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0") } }],
  invalid: [
    {
      name: "kernel.msgmax",
      mode: "lint",
      files: { "d.yaml": deployment("securityContext:\n  sysctls:\n  - name: kernel.msgmax\n    value: \"65536\"\ncontainers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0") },
      expect: { category: "insufficient-privileges", severity: "warning", resource: { line: 18 }, summary: /unsafe sysctl kernel.msgmax/ },
    },
  ],
});
