import { oomKilled } from "../../../src/rules/pod/oom-killed.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, deployment, event, list, NOW, pod, running } from "./fixtures.js";

const limits = { limits: { memory: "256Mi", cpu: "500m" }, requests: { memory: "128Mi", cpu: "100m" } };

testRule(oomKilled, {
  valid: [
    {
      name: "healthy pod with a memory limit",
      files: { "pod.json": list(pod({ owner: "Deployment/api", containers: [{ resources: limits, status: running() }] })) },
      now: NOW,
    },
    {
      name: "pod OOMKilled once a day ago and running cleanly since",
      files: {
        "pod.json": list(pod({ owner: "Deployment/api", containers: [{ resources: limits, status: running("2025-06-01T09:00:30Z", 1, true, { terminated: { reason: "OOMKilled", exitCode: 137, startedAt: "2025-05-30T08:00:00Z", finishedAt: "2025-06-01T09:00:20Z" } }) }] })),
      },
      now: NOW,
    },
    {
      name: "exit 137 after a liveness kill is the probe, not memory",
      files: {
        "pod.json": list(
          pod({ owner: "Deployment/api", containers: [{ resources: limits, livenessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 5, failureThreshold: 3 }, status: crashLoop({ exitCode: 137, reason: "Error" }) }] }),
          event("Unhealthy", 'Liveness probe failed: Get "http://10.244.1.17:8080/healthz": dial tcp 10.244.1.17:8080: connect: connection refused', { count: 18 }),
          event("Killing", "Container app failed liveness probe, will be restarted", { type: "Normal", count: 6 }),
        ),
      },
      now: NOW,
    },
    {
      name: "istio-proxy OOMKilled is left to the sidecar rules (sidecar-oom-killed)",
      files: { "pod.json": list(pod({ containers: [{ status: running() }, { name: "istio-proxy", image: "docker.io/istio/proxyv2:1.27.1", resources: { limits: { memory: "128Mi" } }, status: crashLoop({ exitCode: 137, reason: "OOMKilled" }, 4, "1m20s", "istio-proxy") }] })) },
      now: NOW,
    },
  ],
  invalid: [
    {
      name: "pasted describe output and kubectl top pod --containers: the working set sizes the limit",
      files: {
        "describe.txt": "Name:             search-api-5d8f7c9b6-k2x4q\nNamespace:        shop\nContainers:\n  api:\n    Image:          registry.example.com/search-api:4.1\n    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137\n    Ready:          False\n    Restart Count:  6\n    Limits:\n      memory:  1Gi\n    Requests:\n      memory:  512Mi\n",
        "top.txt": "$ kubectl top pod search-api-5d8f7c9b6-k2x4q -n shop --containers\nPOD                          NAME   CPU(cores)   MEMORY(bytes)\nsearch-api-5d8f7c9b6-k2x4q   api    310m         1003Mi\n",
      },
      expect: { category: "oom-killed", evidence: [/metrics-server: container api working set 1003Mi/], fixIncludes: [/metrics-server measures a working set of 1003Mi, 98 % of the 1Gi limit/] },
    },
    {
      name: "the previous log states the size it loads: the limit holds it, not a doubled 128Mi",
      files: { "pod.json": list(pod({ owner: "Deployment/api", containers: [{ resources: { limits: { memory: "128Mi" }, requests: { memory: "64Mi" } }, status: crashLoop({ exitCode: 137, reason: "OOMKilled" }) }] }), deployment("api", [{ resources: { limits: { memory: "128Mi" }, requests: { memory: "64Mi" } } }])) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "2025-06-02T10:12:04Z INFO starting catalog service\n2025-06-02T10:12:05Z INFO loading product index into memory (2.1 GiB)\n" }],
      now: NOW,
      expect: { category: "oom-killed", evidence: [/previous log line 2: .*loading product index into memory \(2\.1 GiB\)/], fixIncludes: [/"memory":"2816Mi"/, /its log states 2151Mi held in memory/] },
    },
    {
      name: "requests equal to limits (Guaranteed QoS) stay equal when the log states the size",
      files: { "pod.json": list(pod({ owner: "Deployment/api", containers: [{ resources: { limits: { memory: "128Mi" }, requests: { memory: "128Mi" } }, status: crashLoop({ exitCode: 137, reason: "OOMKilled" }) }] }), deployment("api", [{ resources: { limits: { memory: "128Mi" }, requests: { memory: "128Mi" } } }])) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "2025-06-02T10:12:05Z INFO loading product index into memory (2.1 GiB)\n" }],
      now: NOW,
      expect: { category: "oom-killed", fixIncludes: [/"limits":\{"memory":"2816Mi"\},"requests":\{"memory":"2816Mi"\}/, /\(request 2816Mi\)/] },
    },
    {
      name: "a request below the size the log states is raised to hold it",
      files: { "pod.json": list(pod({ owner: "Deployment/api", containers: [{ resources: { limits: { memory: "128Mi" }, requests: { memory: "64Mi" } }, status: crashLoop({ exitCode: 137, reason: "OOMKilled" }) }] }), deployment("api", [{ resources: { limits: { memory: "128Mi" }, requests: { memory: "64Mi" } } }])) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "2025-06-02T10:12:05Z INFO loading product index into memory (2.1 GiB)\n" }],
      now: NOW,
      expect: { category: "oom-killed", fixIncludes: [/\(request 2304Mi\)/] },
    },
    {
      name: "a JVM whose log echoes -Xmx2g under a 1Gi limit: the limit fits the heap plus non-heap, and a heap dump goes to an emptyDir",
      files: { "pod.json": list(pod({ owner: "Deployment/api", containers: [{ image: "eclipse-temurin:21-jre", resources: { limits: { memory: "1Gi" } }, status: crashLoop({ exitCode: 137, reason: "OOMKilled" }) }] }), deployment("api", [{ image: "eclipse-temurin:21-jre", resources: { limits: { memory: "1Gi" } } }])) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "Picked up JAVA_TOOL_OPTIONS: -Xmx2g\n2025-06-02T10:12:05.120Z  INFO 1 --- [main] c.e.Catalog : Starting Catalog v3.2.0\n" }],
      now: NOW,
      expect: { category: "oom-killed", fixIncludes: [/"memory":"3328Mi"/, /-XX:\+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=\/var\/heap-dumps/, /"emptyDir":\{"sizeLimit":"3328Mi"\}/, /kubectl cp default\/api-7d9f8b6c5d-x2k9p:\/var\/heap-dumps/] },
    },
    {
      name: "metrics-server's working set near the limit sizes the new limit; the node's OOMKilling event is evidence",
      files: {
        "pod.json": list(
          pod({ owner: "Deployment/api", containers: [{ resources: { limits: { memory: "512Mi" } }, status: crashLoop({ exitCode: 137, reason: "OOMKilled" }) }] }),
          deployment("api", [{ resources: { limits: { memory: "512Mi" } } }]),
          { apiVersion: "metrics.k8s.io/v1beta1", kind: "PodMetrics", metadata: { name: "api-7d9f8b6c5d-x2k9p", namespace: "default" }, timestamp: "2025-06-02T10:14:30Z", window: "15s", containers: [{ name: "app", usage: { cpu: "212m", memory: "498Mi" } }] },
          event("OOMKilling", "Memory cgroup out of memory: Killed process 4242 (python3) total-vm:1021564kB, anon-rss:523712kB, file-rss:12044kB, shmem-rss:0kB, UID:1000 pgtables:1240kB oom_score_adj:985", { kind: "Node", name: "worker-2", namespace: "", component: "kernel-monitor" }),
        ),
      },
      now: NOW,
      expect: { category: "oom-killed", evidence: [/OOMKilling.*Killed process 4242 \(python3\)/, /metrics-server: container app working set 498Mi/], fixIncludes: [/"memory":"704Mi"/, /metrics-server measures a working set of 498Mi, 97 % of the 512Mi limit/] },
    },
    {
      name: "OOMKilled in lastState, Deployment in the inputs: fix doubles the limit in the template",
      files: {
        "pod.json": list(
          pod({ owner: "Deployment/api", containers: [{ resources: limits, status: crashLoop({ exitCode: 137, reason: "OOMKilled", startedAt: "2025-06-02T10:11:40Z", finishedAt: "2025-06-02T10:12:07Z" }, 7) }] }),
          deployment("api", [{ resources: limits }]),
          { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "api-7d9f8b6c5d", namespace: "default", ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "api", controller: true }] }, spec: {}, status: {} },
          event("BackOff", "Back-off restarting failed container app in pod api-7d9f8b6c5d-x2k9p_default(5b0c6f0e-3c1f-4c8a-9a43-1d2e0f6a7b21)", { count: 7 }),
        ),
      },
      now: NOW,
      expect: {
        category: "oom-killed",
        severity: "error",
        resource: { kind: "Pod", name: "api-7d9f8b6c5d-x2k9p", container: "app" },
        evidence: ["lastState.terminated: OOMKilled, exit 137 at 2025-06-02T10:12:07Z", /restarted 7 times/, /limits.memory 256Mi/],
        fixIncludes: [/memory: 512Mi/, /kubectl patch deployment api/, /kubectl rollout status deployment\/api/],
      },
    },
    {
      name: "JVM with -Xmx1024m under a 768Mi limit (Kafka chart defaults)",
      files: {
        "pod.json": list(
          pod({
            name: "kafka-0",
            owner: "StatefulSet/kafka",
            containers: [{ name: "kafka", image: "bitnami/kafka:3.7", env: [{ name: "KAFKA_HEAP_OPTS", value: "-Xmx1024m -Xms1024m" }], resources: { limits: { memory: "768Mi" }, requests: { memory: "768Mi" } }, status: crashLoop({ exitCode: 137, reason: "OOMKilled" }, 5, "2m40s", "kafka", "kafka-0") }],
          }),
        ),
      },
      now: NOW,
      expect: { category: "oom-killed", evidence: [/JVM -Xmx1024m/], fixIncludes: [/memory: 1792Mi|memory: 1\.75Gi|memory: 2Gi|memory: 1[0-9]{3}Mi/] },
    },
    {
      name: "java.lang.OutOfMemoryError in the previous log with the default heap (exit 3, ExitOnOutOfMemoryError)",
      files: {
        "pod.json": list(pod({ containers: [{ image: "eclipse-temurin:21-jre", resources: { limits: { memory: "1Gi" } }, status: crashLoop({ exitCode: 3 }) }] })),
      },
      logs: [
        {
          pod: "api-7d9f8b6c5d-x2k9p",
          container: "app",
          previous: true,
          text: "2025-06-02 10:12:05.101  INFO 1 --- [main] c.e.shop.ApiApplication : Started ApiApplication in 8.4 seconds (process running for 9.1)\nTerminating due to java.lang.OutOfMemoryError: Java heap space\n",
        },
      ],
      now: NOW,
      expect: { category: "oom-killed", evidence: [/previous log line 2: Terminating due to java.lang.OutOfMemoryError: Java heap space/], fixIncludes: [/MaxRAMPercentage=75/] },
    },
    {
      name: "Node heap limit (exit 134) from a log alone",
      files: {},
      logs: [
        {
          pod: "web-5c8d7b9f4-qq7lm",
          container: "web",
          previous: true,
          text: "<--- Last few GCs --->\n[1:0x5d1c9a0]   812345 ms: Mark-Compact 2043.1 (2082.5) -> 2041.9 (2083.2) MB\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n",
        },
      ],
      expect: { category: "oom-killed", resource: { kind: "Pod", name: "web-5c8d7b9f4-qq7lm" }, evidence: [/JavaScript heap out of memory/] },
    },
  ],
});
