import { cpuThrottling } from "../../../src/rules/pod/cpu-throttling.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, event, list, NOW, pod, running } from "./fixtures.js";

const spring = { image: "registry.example.com/shop/orders:3.2.0", ports: [{ containerPort: 8080 }], livenessProbe: { httpGet: { path: "/actuator/health/liveness", port: 8080 }, initialDelaySeconds: 30, periodSeconds: 10 } };
const killing = event("Killing", "Container app failed liveness probe, will be restarted", { type: "Normal", count: 4 });
const timeout = event("Unhealthy", 'Liveness probe failed: Get "http://10.244.2.8:8080/actuator/health/liveness": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', { count: 12 });

testRule(cpuThrottling, {
  valid: [
    { name: "100m limit but healthy", files: { "pod.json": list(pod({ containers: [{ ...spring, resources: { limits: { cpu: "100m" } }, status: running() }] })) }, now: NOW },
    { name: "liveness kills with a generous CPU limit is not throttling", files: { "pod.json": list(pod({ containers: [{ ...spring, resources: { limits: { cpu: "2" } }, status: crashLoop({ exitCode: 137 }) }] }), timeout, killing) }, now: NOW },
  ],
  invalid: [
    { name: "Spring Boot with limits.cpu 100m killed by liveness timeouts", files: { "pod.json": list(pod({ containers: [{ ...spring, resources: { limits: { cpu: "100m", memory: "1Gi" }, requests: { cpu: "50m" } }, status: crashLoop({ exitCode: 137 }) }] }), timeout, killing) }, now: NOW, expect: { category: "cpu-throttling", evidence: [/limits.cpu 100m/], fixIncludes: [/cpu: "?1"?/, /startupProbe/] } },
    { name: "limits.cpu 0.2 with connection refused during a slow start", files: { "pod.json": list(pod({ containers: [{ ...spring, resources: { limits: { cpu: "0.2" } }, status: crashLoop({ exitCode: 143 }) }] }), event("Unhealthy", 'Liveness probe failed: Get "http://10.244.2.8:8080/actuator/health/liveness": dial tcp 10.244.2.8:8080: connect: connection refused', { count: 9 }), killing) }, now: NOW, expect: { category: "cpu-throttling" } },
    { name: "running with limits.cpu 10m: a warning, not an error", files: { "pod.json": list(pod({ name: "frontend-service", containers: [{ name: "stress", image: "jfusterm/stress", command: ["stress", "--cpu", "100"], resources: { limits: { cpu: "10m", memory: "64Mi" }, requests: { cpu: "10m", memory: "64Mi" } }, status: running() }] })) }, now: NOW, expect: { category: "cpu-throttling", severity: "warning", summary: /CPU limit of 10m/ } },
    { name: "250m limit, startup probe kills", files: { "pod.json": list(pod({ containers: [{ ...spring, startupProbe: { httpGet: { path: "/actuator/health", port: 8080 }, periodSeconds: 5, failureThreshold: 6 }, resources: { limits: { cpu: "250m" } }, status: crashLoop({ exitCode: 137 }) }] }), event("Unhealthy", 'Startup probe failed: Get "http://10.244.2.8:8080/actuator/health": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', { count: 30 }), event("Killing", "Container app failed startup probe, will be restarted", { type: "Normal", count: 5 })) }, now: NOW, expect: { category: "cpu-throttling", summary: /startup probe/ } },
  ],
});
