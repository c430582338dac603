import { exitsZeroUnderAlways } from "../../../src/rules/pod/exits-zero-under-always.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, deployment, list, NOW, pod } from "./fixtures.js";

const completed = (name = "app", podName = "api-7d9f8b6c5d-x2k9p") => crashLoop({ exitCode: 0, reason: "Completed", startedAt: "2025-06-02T10:12:08Z", finishedAt: "2025-06-02T10:12:08Z" }, 8, "5m0s", name, podName);

testRule(exitsZeroUnderAlways, {
  valid: [
    { name: "Completed Job pod (restartPolicy Never, phase Succeeded)", files: { "pod.json": list(pod({ name: "report-28934120-7xk2p", owner: "Job/report-28934120", phase: "Succeeded", containers: [{ name: "report", status: { state: { terminated: { reason: "Completed", exitCode: 0, startedAt: "2025-06-02T10:00:03Z", finishedAt: "2025-06-02T10:02:41Z" } }, ready: false, restartCount: 0 } }] })) }, now: NOW },
    { name: "Job pod with OnFailure that completed", files: { "pod.json": list(pod({ name: "db-seed-x8s7d", owner: "Job/db-seed", restartPolicy: "OnFailure", phase: "Succeeded", containers: [{ name: "seed", status: { state: { terminated: { reason: "Completed", exitCode: 0, finishedAt: "2025-06-02T10:05:00Z" } }, ready: false, restartCount: 0 } }] })) }, now: NOW },
  ],
  invalid: [
    {
      name: "python image without a command in a Deployment (docker-library/python#648)",
      files: { "pod.json": list(pod({ owner: "Deployment/api", containers: [{ image: "python:3.12", status: completed() }] }), deployment("api", [{ image: "python:3.12" }])) },
      now: NOW,
      expect: { category: "exits-zero-under-always", evidence: [/Completed, exit 0/], fixIncludes: [/sleep/, /infinity/] },
    },
    {
      name: "one-shot script in a Deployment",
      files: { "pod.json": list(pod({ containers: [{ image: "registry.example.com/ops/cache-warm:0.3", command: ["/bin/sh", "-c", "curl -s http://api/warm && echo done"], status: completed() }] })) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "done\n" }],
      now: NOW,
      expect: { category: "exits-zero-under-always", fixIncludes: [/Job/] },
    },
    {
      name: "describe text: Last State Terminated, Reason Completed, Exit Code 0, CrashLoopBackOff",
      files: {
        "describe.txt": `Name:             toolbox-6c9b7f8d5-p2wzr
Namespace:        ops
Priority:         0
Service Account:  default
Node:             worker-1/10.0.0.11
Start Time:       Mon, 02 Jun 2025 09:40:02 +0000
Labels:           app=toolbox
                  pod-template-hash=6c9b7f8d5
Annotations:      <none>
Status:           Running
IP:               10.244.3.4
Controlled By:  ReplicaSet/toolbox-6c9b7f8d5
Containers:
  toolbox:
    Container ID:   containerd://a1b2c3
    Image:          ubuntu:24.04
    Image ID:       docker.io/library/ubuntu@sha256:72297848456d5d37d1262630108ab308d3e9ec7ed1c3286a32fe09856619a782
    Port:           <none>
    Host Port:      <none>
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Completed
      Exit Code:    0
      Started:      Mon, 02 Jun 2025 10:09:51 +0000
      Finished:     Mon, 02 Jun 2025 10:09:51 +0000
    Ready:          False
    Restart Count:  9
    Environment:    <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-p8x9z (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True
  Initialized                 True
  Ready                       False
  ContainersReady             False
  PodScheduled                True
Events:
  Type     Reason     Age                   From               Message
  ----     ------     ----                  ----               -------
  Normal   Pulled     5m (x10 over 30m)     kubelet            Container image "ubuntu:24.04" already present on machine
  Warning  BackOff    12s (x137 over 30m)   kubelet            Back-off restarting failed container toolbox in pod toolbox-6c9b7f8d5-p2wzr_ops(2c9e1f7a-55b0-4d4f-9e0c-8f3a3b2c1d0e)
`,
      },
      expect: { category: "exits-zero-under-always", resource: { namespace: "ops", name: "toolbox-6c9b7f8d5-p2wzr", container: "toolbox" }, evidence: [/restarted 9 times/, /BackOff x137/], fixIncludes: [/sleep/] },
    },
  ],
});
