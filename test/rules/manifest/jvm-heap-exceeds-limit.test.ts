import { jvmHeapExceedsLimitRule } from "../../../src/rules/manifest/jvm-heap-exceeds-limit.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const app = (resources: string, extra = "") => `containers:
- name: app
  image: ghcr.io/acme/orders:2.8.0
${extra}  resources:
${resources}`;

const jvm = (env: string, limit: string) =>
  deployment(`containers:
- name: orders
  image: eclipse-temurin:21-jre
  env:
${env}
  resources:
    requests: { memory: "${limit}" }
    limits: { memory: "${limit}" }`);

testRule(jvmHeapExceedsLimitRule, {
  valid: [
    { name: "heap at 75% of the limit", mode: "lint", files: { "d.yaml": jvm('  - name: JAVA_OPTS\n    value: "-Xms256m -Xmx768m"', "1Gi") } },
    { name: "MaxRAMPercentage=75", mode: "lint", files: { "d.yaml": jvm('  - name: JAVA_TOOL_OPTIONS\n    value: "-XX:MaxRAMPercentage=75"', "1Gi") } },
  ],
  invalid: [
    {
      name: "-Xmx above the limit in JAVA_OPTS",
      mode: "lint",
      files: { "d.yaml": jvm('  - name: JAVA_OPTS\n    value: "-Xms512m -Xmx2g"', "1Gi") },
      expect: { category: "oom-killed", severity: "error", summary: /-Xmx2g \(in env JAVA_OPTS\) is larger than the 1Gi memory limit/, resource: { line: 21 }, fixIncludes: ["memory: 2560Mi", "-Xmx768m"] },
    },
    {
      name: "-Xmx in args leaving no room",
      mode: "lint",
      files: { "d.yaml": deployment('containers:\n- name: orders\n  image: eclipse-temurin:21-jre\n  args: ["java", "-Xmx900m", "-jar", "/app/orders.jar"]\n  resources:\n    limits: { memory: "1Gi" }') },
      expect: { severity: "warning", summary: /leaves too little/ },
    },
    { name: "MaxRAMPercentage=100", mode: "lint", files: { "d.yaml": jvm('  - name: JAVA_TOOL_OPTIONS\n    value: "-XX:MaxRAMPercentage=100"', "1Gi") }, expect: { severity: "error", fixIncludes: ["MaxRAMPercentage=75"] } },
  ],
});
