import { livenessProbeFailure } from "../../../src/rules/pod/liveness-probe-failure.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, deployment, event, list, NOW, pod, running } from "./fixtures.js";

const tight = { httpGet: { path: "/healthz", port: 8080 }, initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 3 };
const app = { ports: [{ containerPort: 8080, name: "http" }], livenessProbe: tight, resources: { limits: { cpu: "1", memory: "1Gi" } } };
const killed = (exitCode = 137) => crashLoop({ exitCode, reason: "Error", startedAt: "2025-06-02T10:11:49Z", finishedAt: "2025-06-02T10:12:09Z" }, 6);
const unhealthy = (message: string, count = 18) => event("Unhealthy", message, { count, fieldPath: "spec.containers{app}" });
const killing = event("Killing", "Container app failed liveness probe, will be restarted", { type: "Normal", count: 6, fieldPath: "spec.containers{app}" });

testRule(livenessProbeFailure, {
  valid: [
    { name: "healthy pod with a liveness probe", files: { "pod.json": list(pod({ containers: [{ ...app, status: running() }] })) }, now: NOW },
    { name: "one Unhealthy blip on a running pod", files: { "pod.json": list(pod({ containers: [{ ...app, status: running() }] }), unhealthy('Liveness probe failed: Get "http://10.244.1.17:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', 1)) }, now: NOW },
    { name: "a 404 liveness is a bad probe, not a slow start", files: { "pod.json": list(pod({ containers: [{ ...app, status: killed() }] }), unhealthy("Liveness probe failed: HTTP probe failed with statuscode: 404"), killing) }, now: NOW },
  ],
  invalid: [
    {
      name: "start-up takes ~45s, liveness allows 20s (Spring Boot log)",
      files: { "pod.json": list(pod({ owner: "Deployment/api", containers: [{ ...app, status: killed() }] }), deployment("api", [app]), unhealthy('Liveness probe failed: Get "http://10.244.1.17:8080/healthz": dial tcp 10.244.1.17:8080: connect: connection refused'), killing) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "2025-06-02T10:11:50.120Z  INFO 1 --- [main] c.e.shop.ApiApplication : Starting ApiApplication v1.4.2 using Java 21\n2025-06-02T10:12:08.900Z  INFO 1 --- [main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat initialized with port 8080 (http)\n" }],
      now: NOW,
      expect: { category: "liveness-probe-failure", summary: /liveness allows 20s/, evidence: [/Killing x6/, /livenessProbe: http-get http:\/\/:8080\/healthz/], fixIncludes: [/startupProbe:/, /failureThreshold: 24|failureThreshold: [2-9][0-9]/, /kubectl patch deployment api/] },
    },
    {
      name: "Spring Boot reports its own start-up time",
      files: { "pod.json": list(pod({ containers: [{ ...app, status: killed(143) }] }), unhealthy('Liveness probe failed: Get "http://10.244.1.17:8080/actuator/health": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'), killing) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", text: "2025-06-02 10:14:50.001  INFO 1 --- [main] c.e.shop.ApiApplication : Started ApiApplication in 62.4 seconds (process running for 64.0)\n" }],
      now: NOW,
      expect: { category: "liveness-probe-failure", summary: /start-up takes 62s/, fixIncludes: [/failureThreshold: 19/] },
    },
    {
      name: "events text only: Killing and Unhealthy from kubectl get events",
      files: {
        "events.txt": [
          "LAST SEEN   TYPE      REASON      OBJECT                     MESSAGE",
          '3m          Warning   Unhealthy   pod/api-7d9f8b6c5d-x2k9p   Liveness probe failed: Get "http://10.244.1.17:8080/healthz": dial tcp 10.244.1.17:8080: connect: connection refused',
          "3m          Normal    Killing     pod/api-7d9f8b6c5d-x2k9p   Container app failed liveness probe, will be restarted",
          "2m          Warning   BackOff     pod/api-7d9f8b6c5d-x2k9p   Back-off restarting failed container app in pod api-7d9f8b6c5d-x2k9p_default(5b0c6f0e-3c1f-4c8a-9a43-1d2e0f6a7b21)",
          "",
        ].join("\n"),
      },
      expect: { category: "liveness-probe-failure", resource: { kind: "Pod", name: "api-7d9f8b6c5d-x2k9p", container: "app" } },
    },
    {
      name: "startup probe kills it (Killing: failed startup probe)",
      files: { "pod.json": list(pod({ containers: [{ ...app, startupProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 2, failureThreshold: 5 }, status: killed() }] }), event("Unhealthy", "Startup probe failed: Get \"http://10.244.1.17:8080/healthz\": dial tcp 10.244.1.17:8080: connect: connection refused", { count: 30 }), event("Killing", "Container app failed startup probe, will be restarted", { type: "Normal", count: 6 })) },
      now: NOW,
      expect: { category: "liveness-probe-failure", summary: /startup probe/ },
    },
  ],
});
