import { readinessProbeFailure } from "../../../src/rules/pod/readiness-probe-failure.js";
import { testRule } from "../../helpers/rule-tester.js";
import { event, list, NOW, pod, running } from "./fixtures.js";

const readiness = { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 10, timeoutSeconds: 1 };
const app = { ports: [{ containerPort: 8080 }], readinessProbe: readiness };

testRule(readinessProbeFailure, {
  valid: [
    { name: "ready pod", files: { "pod.json": list(pod({ containers: [{ ...app, status: running() }] })) }, now: NOW },
    { name: "rollout in progress: new pod started 20s ago, not ready yet", files: { "pod.json": list(pod({ containers: [{ ...app, status: running("2025-06-02T10:14:40Z", 0, false) }] }), event("Unhealthy", 'Readiness probe failed: Get "http://10.244.1.30:8080/ready": dial tcp 10.244.1.30:8080: connect: connection refused', { count: 2, first: "2025-06-02T10:14:45Z", last: "2025-06-02T10:14:55Z" })) }, now: NOW },
  ],
  invalid: [
    {
      name: "readiness times out for 15 minutes (kubernetes#115469 wording)",
      files: { "pod.json": list(pod({ containers: [{ ...app, status: running("2025-06-02T09:58:20Z", 0, false) }] }), event("Unhealthy", 'Readiness probe failed: Get "http://10.244.54.71:8080/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', { count: 44 })) },
      now: NOW,
      expect: { category: "readiness-probe-failure", severity: "error", evidence: [/ready: false/, /x44/], fixIncludes: [/timeoutSeconds: 3/] },
    },
    {
      name: "readiness 503 because a dependency is down",
      files: { "pod.json": list(pod({ containers: [{ ...app, status: running("2025-06-02T09:58:20Z", 0, false) }] }), event("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", { count: 60 })) },
      now: NOW,
      expect: { category: "readiness-probe-failure", fixIncludes: [/dependency/] },
    },
    {
      name: "describe text: Ready False with Unhealthy readiness events",
      files: {
        "describe.txt": `Name:             api-7d9f8b6c5d-x2k9p
Namespace:        default
Priority:         0
Service Account:  default
Node:             worker-2/10.0.0.12
Start Time:       Mon, 02 Jun 2025 09:58:11 +0000
Labels:           app=api
                  pod-template-hash=7d9f8b6c5d
Annotations:      <none>
Status:           Running
IP:               10.244.1.17
Controlled By:  ReplicaSet/api-7d9f8b6c5d
Containers:
  app:
    Container ID:   containerd://4f1e9a
    Image:          registry.example.com/shop/api:1.4.2
    Image ID:       registry.example.com/shop/api@sha256:9c1d
    Port:           8080/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Mon, 02 Jun 2025 09:58:20 +0000
    Ready:          False
    Restart Count:  0
    Readiness:      http-get http://:8080/ready delay=0s timeout=1s period=10s #success=1 #failure=3
    Environment:    <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-7xq2m (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True
  Initialized                 True
  Ready                       False
  ContainersReady             False
  PodScheduled                True
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
Events:
  Type     Reason     Age                  From               Message
  ----     ------     ----                 ----               -------
  Normal   Scheduled  16m                  default-scheduler  Successfully assigned default/api-7d9f8b6c5d-x2k9p to worker-2
  Warning  Unhealthy  1m (x91 over 16m)    kubelet            Readiness probe failed: Get "http://10.244.1.17:8080/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)
`,
      },
      expect: { category: "readiness-probe-failure", resource: { name: "api-7d9f8b6c5d-x2k9p", container: "app" }, evidence: [/x91 \(1m \(x91 over 16m\)\)|x91/] },
    },
  ],
});
