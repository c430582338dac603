import { badProbeConfig } from "../../../src/rules/pod/bad-probe-config.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, deployment, event, list, NOW, pod, running } from "./fixtures.js";

const nginx = { name: "app", image: "ghcr.io/nginxinc/nginx-unprivileged:stable", ports: [{ containerPort: 8080 }], livenessProbe: { httpGet: { path: "/healthz", port: 8080 }, initialDelaySeconds: 5, periodSeconds: 5 } };
const killing = event("Killing", "Container app failed liveness probe, will be restarted", { type: "Normal", count: 5 });

testRule(badProbeConfig, {
  valid: [
    { name: "healthy nginx with a probe on /", files: { "pod.json": list(pod({ containers: [{ ...nginx, livenessProbe: { httpGet: { path: "/", port: 8080 } }, status: running() }] })) }, now: NOW },
    { name: "liveness refused while starting, port is the declared one: too early, not wrong", files: { "pod.json": list(pod({ containers: [{ ...nginx, status: crashLoop({ exitCode: 137 }) }] }), event("Unhealthy", 'Liveness probe failed: Get "http://10.244.1.9:8080/healthz": dial tcp 10.244.1.9:8080: connect: connection refused', { count: 15 }), killing) }, now: NOW },
  ],
  invalid: [
    {
      name: "nginx has no /healthz -> 404: the fix points the probe at /, which nginx serves",
      files: { "pod.json": list(pod({ name: "live-tight-5f7c9d8b6-m4kqz", owner: "Deployment/live-tight", hash: "5f7c9d8b6", containers: [{ ...nginx, status: crashLoop({ exitCode: 0, reason: "Completed" }, 5, "2m40s", "app", "live-tight-5f7c9d8b6-m4kqz") }] }), deployment("live-tight", [nginx]), event("Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 404", { name: "live-tight-5f7c9d8b6-m4kqz", count: 15 }), event("Killing", "Container app failed liveness probe, will be restarted", { type: "Normal", name: "live-tight-5f7c9d8b6-m4kqz", count: 5 })) },
      now: NOW,
      expect: { category: "bad-probe-config", summary: /wrong path/, fixIncludes: [/path: \//, /kubectl patch deployment live-tight/] },
    },
    {
      name: "an app whose /healthz answers 404 and whose evidence names no health path: the fix asks for the path instead of proposing /healthz again",
      files: { "pod.json": list(pod({ name: "api-5f7c9d8b6-m4kqz", owner: "Deployment/api", hash: "5f7c9d8b6", containers: [{ ...nginx, image: "registry.example.com/shop/api:1.4.2", status: crashLoop({ exitCode: 137 }, 5, "2m40s", "app", "api-5f7c9d8b6-m4kqz") }] }), deployment("api", [{ ...nginx, image: "registry.example.com/shop/api:1.4.2" }]), event("Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 404", { name: "api-5f7c9d8b6-m4kqz", count: 15 }), event("Killing", "Container app failed liveness probe, will be restarted", { type: "Normal", name: "api-5f7c9d8b6-m4kqz", count: 5 })) },
      now: NOW,
      expect: { category: "bad-probe-config", summary: /wrong path/, fixIncludes: [/path: <a path the app serves, checked with curl>/, /\/healthz answers 404/] },
    },
    {
      name: "probe on 8080, app listens on 3000 (log says so)",
      files: { "pod.json": list(pod({ containers: [{ ports: [{ containerPort: 8080 }], livenessProbe: { httpGet: { path: "/health", port: 8080 } }, status: crashLoop({ exitCode: 137 }) }] }), event("Unhealthy", 'Liveness probe failed: Get "http://10.244.1.17:8080/health": dial tcp 10.244.1.17:8080: connect: connection refused', { count: 12 }), killing) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "> api@1.4.2 start\n> node dist/main.js\n\nServer listening on port 3000\n" }],
      now: NOW,
      expect: { category: "bad-probe-config", summary: /wrong port/, fixIncludes: [/port: 3000/] },
    },
    {
      name: "named port that no containerPort declares",
      files: { "pod.json": list(pod({ containers: [{ ports: [{ containerPort: 8080, name: "web" }], livenessProbe: { httpGet: { path: "/healthz", port: "http" } }, status: crashLoop({ exitCode: 137 }) }] }), event("Unhealthy", 'Liveness probe failed: Get "http://10.244.1.17:0/healthz": dial tcp 10.244.1.17:0: connect: connection refused', { count: 9 }), killing) },
      now: NOW,
      expect: { category: "bad-probe-config", evidence: [/livenessProbe: http-get http:\/\/:http\/healthz/] },
    },
    {
      name: "readiness path 404 on a running pod (kube-airflow#17)",
      files: { "pod.json": list(pod({ containers: [{ name: "flower", ports: [{ containerPort: 5555 }], readinessProbe: { httpGet: { path: "/flower/", port: 5555 } }, status: running("2025-06-02T09:58:20Z", 0, false) }] }), event("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 404", { count: 98 })) },
      now: NOW,
      expect: { category: "bad-probe-config", summary: /never becomes Ready/ },
    },
  ],
});
