import { describe, expect, it } from "vitest";
import { looksLikeDescribePod, parseDescribePod, parseProbe } from "../../../src/sources/text/describe-pod.js";
import { classifyText } from "../../../src/sources/detect.js";

const CRASHLOOP = `Name:             api-7d9f8b6c5d-x2k9p
Namespace:        shop
Priority:         0
Service Account:  api
Node:             worker-2/10.0.0.12
Start Time:       Mon, 02 Jun 2025 09:58:11 +0000
Labels:           app=api
                  pod-template-hash=7d9f8b6c5d
Annotations:      kubectl.kubernetes.io/restartedAt: 2025-06-02T09:58:00Z
Status:           Running
IP:               10.244.1.17
IPs:
  IP:           10.244.1.17
Controlled By:  ReplicaSet/api-7d9f8b6c5d
Init Containers:
  migrate:
    Container ID:  containerd://0aa1b2
    Image:         registry.example.com/shop/migrator:1.2.0
    Image ID:      registry.example.com/shop/migrator@sha256:11aa
    Port:          <none>
    Host Port:     <none>
    Command:
      sh
      -c
      ./migrate up || exit 1
    State:          Terminated
      Reason:       Completed
      Exit Code:    0
      Started:      Mon, 02 Jun 2025 09:58:12 +0000
      Finished:     Mon, 02 Jun 2025 09:58:15 +0000
    Ready:          True
    Restart Count:  0
    Environment Variables from:
      db-secret   Secret  Optional: false
    Environment:  <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-7xq2m (ro)
Containers:
  app:
    Container ID:   containerd://4f1e9a
    Image:          registry.example.com/shop/api:1.4.2
    Image ID:       registry.example.com/shop/api@sha256:9c1d
    Ports:          8080/TCP, 9090/TCP
    Host Ports:     0/TCP, 0/TCP
    Args:
      --config=/etc/app/config.yaml
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Mon, 02 Jun 2025 10:11:40 +0000
      Finished:     Mon, 02 Jun 2025 10:12:07 +0000
    Ready:          False
    Restart Count:  7
    Limits:
      cpu:     500m
      memory:  256Mi
    Requests:
      cpu:      100m
      memory:   128Mi
    Liveness:   http-get http://:8080/healthz delay=5s timeout=1s period=5s #success=1 #failure=3
    Readiness:  http-get https://:metrics/ready delay=0s timeout=1s period=10s #success=1 #failure=3
    Startup:    exec [cat /tmp/started] delay=0s timeout=1s period=2s #success=1 #failure=30
    Environment:
      DB_HOST:      postgres.shop.svc.cluster.local
      DB_PASSWORD:  <set to the key 'passwrod' in secret 'db-secret'>  Optional: false
      LOG_LEVEL:    <set to the key 'level' of config map 'app-config'>  Optional: true
      POD_NAME:     api-7d9f8b6c5d-x2k9p (v1:metadata.name)
    Environment Variables from:
      app-config  ConfigMap  Optional: false
    Mounts:
      /etc/appconf from cfg (ro)
      /data from data (rw,path="api")
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-7xq2m (ro)
  istio-proxy:
    Container ID:  containerd://77aa
    Image:         docker.io/istio/proxyv2:1.27.1
    Image ID:      docker.io/istio/proxyv2@sha256:aa11
    Port:          15090/TCP
    Host Port:     0/TCP
    State:          Running
      Started:      Mon, 02 Jun 2025 09:58:16 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:         <none>
Conditions:
  Type                        Status
  PodReadyToStartContainers   True
  Initialized                 True
  Ready                       False
  ContainersReady             False
  PodScheduled                True
Volumes:
  cfg:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      app-config
    Optional:  false
  data:
    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
    ClaimName:  data-api
    ReadOnly:   false
  kube-api-access-7xq2m:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   Burstable
Node-Selectors:              kubernetes.io/os=linux
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason     Age                  From               Message
  ----     ------     ----                 ----               -------
  Normal   Scheduled  16m                  default-scheduler  Successfully assigned shop/api-7d9f8b6c5d-x2k9p to worker-2
  Normal   Pulled     3m (x8 over 16m)     kubelet            Container image "registry.example.com/shop/api:1.4.2" already present on machine
  Warning  BackOff    12s (x61 over 15m)   kubelet            Back-off restarting failed container app in pod api-7d9f8b6c5d-x2k9p_shop(5b0c6f0e-3c1f-4c8a-9a43-1d2e0f6a7b21)
`;

describe("kubectl describe pod", () => {
  const parsed = parseDescribePod(CRASHLOOP, { file: "describe.txt", line: 1 });
  const pod = parsed.pod;

  it("is recognised from its content", () => {
    expect(looksLikeDescribePod(CRASHLOOP)).toBe(true);
    expect(classifyText(CRASHLOOP, "paste.txt")).toBe("describe-pod");
  });

  it("rebuilds metadata and owner", () => {
    expect(pod.metadata).toMatchObject({ name: "api-7d9f8b6c5d-x2k9p", namespace: "shop", labels: { app: "api", "pod-template-hash": "7d9f8b6c5d" }, ownerReferences: [{ kind: "ReplicaSet", name: "api-7d9f8b6c5d", controller: true }] });
    expect(pod.spec).toMatchObject({ serviceAccountName: "api", nodeName: "worker-2", nodeSelector: { "kubernetes.io/os": "linux" } });
    expect(pod.status.phase).toBe("Running");
    expect(parsed.problems).toEqual([]);
  });

  it("rebuilds containers: image, args, ports, resources, probes, env refs, mounts", () => {
    const [app, proxy] = pod.spec.containers;
    expect(app).toMatchObject({
      name: "app",
      image: "registry.example.com/shop/api:1.4.2",
      args: ["--config=/etc/app/config.yaml"],
      ports: [{ containerPort: 8080, protocol: "TCP" }, { containerPort: 9090, protocol: "TCP" }],
      resources: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
      livenessProbe: { httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" }, initialDelaySeconds: 5, timeoutSeconds: 1, periodSeconds: 5, failureThreshold: 3 },
      readinessProbe: { httpGet: { path: "/ready", port: "metrics", scheme: "HTTPS" } },
      startupProbe: { exec: { command: ["cat", "/tmp/started"] }, periodSeconds: 2, failureThreshold: 30 },
      envFrom: [{ configMapRef: { name: "app-config" } }],
    });
    expect(app.env).toEqual([
      { name: "DB_HOST", value: "postgres.shop.svc.cluster.local" },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db-secret", key: "passwrod" } } },
      { name: "LOG_LEVEL", valueFrom: { configMapKeyRef: { name: "app-config", key: "level", optional: true } } },
      { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
    ]);
    expect(app.volumeMounts).toEqual([
      { name: "cfg", mountPath: "/etc/appconf", readOnly: true },
      { name: "data", mountPath: "/data", subPath: "api" },
      { name: "kube-api-access-7xq2m", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true },
    ]);
    expect(proxy).toMatchObject({ name: "istio-proxy", ports: [{ containerPort: 15090 }] });
  });

  it("rebuilds init containers with their command", () => {
    expect(pod.spec.initContainers[0]).toMatchObject({ name: "migrate", command: ["sh", "-c", "./migrate up || exit 1"], envFrom: [{ secretRef: { name: "db-secret" } }] });
    expect(pod.status.initContainerStatuses[0]).toMatchObject({ name: "migrate", ready: true, state: { terminated: { reason: "Completed", exitCode: 0, finishedAt: "2025-06-02T09:58:15Z" } } });
  });

  it("rebuilds container statuses: state, last state, ready, restart count", () => {
    expect(pod.status.containerStatuses[0]).toMatchObject({
      name: "app",
      ready: false,
      restartCount: 7,
      state: { waiting: { reason: "CrashLoopBackOff" } },
      lastState: { terminated: { reason: "OOMKilled", exitCode: 137, startedAt: "2025-06-02T10:11:40Z", finishedAt: "2025-06-02T10:12:07Z" } },
    });
    expect(pod.status.containerStatuses[1]).toMatchObject({ name: "istio-proxy", ready: true, state: { running: { startedAt: "2025-06-02T09:58:16Z" } } });
  });

  it("rebuilds conditions and volumes", () => {
    expect(pod.status.conditions).toContainEqual({ type: "Ready", status: "False" });
    expect(pod.spec.volumes).toContainEqual({ name: "cfg", configMap: { name: "app-config" } });
    expect(pod.spec.volumes).toContainEqual({ name: "data", persistentVolumeClaim: { claimName: "data-api" } });
  });

  it("reads the Events table with (xN over T) counts and line numbers", () => {
    expect(parsed.events).toHaveLength(3);
    expect(parsed.events[2]).toMatchObject({ type: "Warning", reason: "BackOff", count: 61, age: "12s (x61 over 15m)", source: "kubelet", involved: { kind: "Pod", namespace: "shop", name: "api-7d9f8b6c5d-x2k9p" }, origin: { file: "describe.txt", line: 119 } });
    expect(parsed.events[2]!.message).toMatch(/^Back-off restarting failed container app in pod/);
  });

  it("keeps a multi-line terminated message and a Pending pod's scheduling events", () => {
    const text = `Name:           worker-0
Namespace:      jobs
Node:           <none>
Labels:         app=worker
Status:         Pending
Containers:
  worker:
    Image:      python:3.12
    State:      Terminated
      Reason:   Error
      Message:  Traceback (most recent call last):
  File "/app/w.py", line 1, in <module>
      Exit Code:    1
    Ready:          False
    Restart Count:  0
Events:
  Type     Reason            Age   From               Message
  ----     ------            ----  ----               -------
  Warning  FailedScheduling  2m    default-scheduler  0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.
`;
    const result = parseDescribePod(text, { file: "w.txt" });
    expect(result.pod.status.containerStatuses[0].state.terminated).toMatchObject({ reason: "Error", exitCode: 1 });
    expect(result.pod.status.containerStatuses[0].state.terminated.message).toContain('File "/app/w.py"');
    expect(result.pod.spec.nodeName).toBeUndefined();
    expect(result.events[0]).toMatchObject({ reason: "FailedScheduling", source: "default-scheduler", count: 1 });
  });

  it("reports a missing Containers section instead of failing", () => {
    const result = parseDescribePod("Name:         x\nNamespace:    default\nStatus:       Pending\n", { file: "cut.txt" });
    expect(result.pod.metadata.name).toBe("x");
    expect(result.problems[0]!.message).toMatch(/no Containers: section/);
  });
});

describe("kubectl describe job", () => {
  const text = `Name:             db-migrate
Namespace:        shop
Selector:         batch.kubernetes.io/controller-uid=2f0c6a1e
Labels:           job-name=db-migrate
Annotations:      <none>
Controlled By:    CronJob/db-migrate-nightly
Parallelism:      1
Completions:      1
Completion Mode:  NonIndexed
Start Time:       Mon, 02 Jun 2025 09:00:00 +0000
Pods Statuses:    0 Active (0 Ready) / 0 Succeeded / 7 Failed
Pod Template:
  Labels:  job-name=db-migrate
  Containers:
   migrate:
    Image:      registry.example.com/shop/migrator:1.2.0
Events:
  Type     Reason                Age   From            Message
  ----     ------                ----  ----            -------
  Warning  BackoffLimitExceeded  2m    job-controller  Job has reached the specified backoff limit
`;
  it("is read as a Job with its failed count and events", () => {
    expect(looksLikeDescribePod(text)).toBe(true);
    const parsed = parseDescribePod(text, { file: "job.txt", line: 1 });
    expect(parsed.pod).toMatchObject({ kind: "Job", metadata: { name: "db-migrate", namespace: "shop", ownerReferences: [{ kind: "CronJob", name: "db-migrate-nightly" }] }, spec: { parallelism: 1, completions: 1 }, status: { active: 0, succeeded: 0, failed: 7 } });
    expect(parsed.events[0]).toMatchObject({ reason: "BackoffLimitExceeded", involved: { kind: "Job", name: "db-migrate", namespace: "shop" }, origin: { line: 20 } });
  });
});

describe("probe lines", () => {
  it.each([
    ["tcp-socket :5432 delay=10s timeout=1s period=10s #success=1 #failure=3", { tcpSocket: { port: 5432 }, initialDelaySeconds: 10 }],
    ["grpc <pod>:9090  delay=0s timeout=1s period=10s #success=1 #failure=3", { grpc: { port: 9090 } }],
    ["http-get http://:http/healthz delay=0s timeout=2s period=10s #success=1 #failure=6", { httpGet: { port: "http", path: "/healthz" }, timeoutSeconds: 2, failureThreshold: 6 }],
    ["http-get http://:8080/ delay=1m30s timeout=1s period=10s #success=1 #failure=3", { httpGet: { port: 8080, path: "/" }, initialDelaySeconds: 90 }],
  ])("%s", (line, expected) => {
    expect(parseProbe(line)).toMatchObject(expected);
  });
});
