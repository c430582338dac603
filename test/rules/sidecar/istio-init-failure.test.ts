import { testRule } from "../../helpers/rule-tester.js";
import { istioInitFailure } from "../../../src/rules/sidecar/istio-init-failure.js";
import { deployment, meshedPod, namespace } from "./fixtures.js";

const ns = namespace("shop", ["istio-injection: enabled"]);
const restricted = namespace("shop", ["istio-injection: enabled", "pod-security.kubernetes.io/enforce: restricted", "pod-security.kubernetes.io/enforce-version: latest"]);

const initCrash = `- name: istio-init
  image: docker.io/istio/proxyv2:1.27.1
  ready: false
  restartCount: 4
  state:
    waiting:
      reason: CrashLoopBackOff
      message: back-off 1m20s restarting failed container=istio-init pod=orders-7c9d8b6f5-x2k4q_shop(5f0a8c3e)
  lastState:
    terminated:
      exitCode: 1
      reason: Error
      startedAt: "2025-10-23T05:03:01Z"
      finishedAt: "2025-10-23T05:03:01Z"`;

// istio-iptables output when the container lacks NET_ADMIN/NET_RAW (capabilities dropped by an admission policy).
const initLog = [
  "2025-10-23T05:03:01.021841Z\tinfo\tIstio iptables environment:",
  "2025-10-23T05:03:01.022915Z\tinfo\tRunning iptables-restore with: iptables-restore --noflush --wait=30",
  "iptables-restore v1.8.10 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)",
  "2025-10-23T05:03:01.031218Z\terror\tFailed to execute: iptables-restore --noflush --wait=30 /tmp/iptables-rules-1729659781022915012.txt, exit status 4",
].join("\n");

const psaEvent = `apiVersion: v1
kind: Event
metadata:
  name: orders-7c9d8b6f5.17f2a9c4d5e6c001
  namespace: shop
involvedObject:
  apiVersion: apps/v1
  kind: ReplicaSet
  name: orders-7c9d8b6f5
  namespace: shop
reason: FailedCreate
message: 'Error creating: pods "orders-7c9d8b6f5-5m2xq" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "istio-init" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "istio-init" must not include "NET_ADMIN", "NET_RAW" in securityContext.capabilities.add), runAsNonRoot != true (container "istio-init" must not set securityContext.runAsNonRoot=false), runAsUser=0 (container "istio-init" must not set runAsUser=0)'
type: Warning
count: 14
firstTimestamp: "2025-10-23T05:00:00Z"
lastTimestamp: "2025-10-23T05:08:00Z"
source:
  component: replicaset-controller
`;

const cniEvent = `apiVersion: v1
kind: Event
metadata:
  name: orders-7c9d8b6f5-x2k4q.17f2a9c4d5e6c002
  namespace: shop
involvedObject:
  kind: Pod
  name: orders-7c9d8b6f5-x2k4q
  namespace: shop
reason: FailedCreatePodSandBox
message: 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "3c1f0b6a8e7d": plugin type="istio-cni" name="istio-cni" failed (add): unable to push CNI event (status code 500): partial add error: no ztunnel connection'
type: Warning
count: 9
firstTimestamp: "2025-10-23T05:00:00Z"
lastTimestamp: "2025-10-23T05:03:39Z"
source:
  component: kubelet
`;

const cniDaemonSet = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: istio-cni-node
  namespace: istio-system
spec:
  selector:
    matchLabels:
      k8s-app: istio-cni-node
  template:
    metadata:
      labels:
        k8s-app: istio-cni-node
    spec:
      containers:
      - name: install-cni
        image: docker.io/istio/install-cni:1.27.1
`;

testRule(istioInitFailure, {
  valid: [
    { name: "istio-init completed (exit 0) and the pod is 2/2", files: { "ns.yaml": ns, "pod.yaml": meshedPod() } },
    { name: "restricted namespace, but the Istio CNI is installed", mode: "lint", files: { "ns.yaml": restricted, "cni.yaml": cniDaemonSet, "deploy.yaml": deployment() } },
    { name: "restricted namespace without injection", mode: "lint", files: { "ns.yaml": namespace("shop", ["pod-security.kubernetes.io/enforce: restricted"]), "deploy.yaml": deployment() } },
  ],
  invalid: [
    {
      name: "istio-init crash-loops: iptables permission denied",
      files: { "ns.yaml": ns, "pod.yaml": meshedPod({ init_status: initCrash, phase: "Pending", app_status: { ready: false, state: "waiting:\n  reason: PodInitializing" }, proxy_status: { ready: false, state: "waiting:\n  reason: PodInitializing" } }) },
      logs: [{ namespace: "shop", pod: "orders-7c9d8b6f5-x2k4q", container: "istio-init", previous: true, text: initLog }],
      expect: { count: 1, category: "istio-init-failure", resource: { kind: "Pod", container: "istio-init" }, summary: /permission denied/, evidence: ["CrashLoopBackOff", "Permission denied (you must be root)"], fixIncludes: ["components.cni.enabled=true"] },
    },
    {
      name: "Pod Security restricted rejects istio-init (ReplicaSet FailedCreate)",
      files: { "ns.yaml": restricted, "deploy.yaml": deployment(), "events.yaml": psaEvent },
      expect: {
        count: 1,
        category: "istio-init-failure",
        resource: { kind: "Deployment", name: "orders", container: "istio-init" },
        summary: /Pod Security "restricted"/,
        evidence: ['must not include "NET_ADMIN", "NET_RAW"', "pod-security.kubernetes.io/enforce=restricted"],
        fixIncludes: ["components.cni.enabled=true", "pod-security.kubernetes.io/enforce=privileged"],
      },
    },
    {
      name: "manifests: injected Deployment in a restricted namespace without the CNI",
      mode: "lint",
      files: { "ns.yaml": restricted, "deploy.yaml": deployment() },
      expect: { category: "istio-init-failure", resource: { kind: "Deployment", name: "orders" }, evidence: ["pod-security.kubernetes.io/enforce=restricted and sidecar injection enabled"] },
    },
    {
      name: "istio-cni plugin fails to add the pod (FailedCreatePodSandBox)",
      files: { "ns.yaml": ns, "pod.yaml": meshedPod({ phase: "Pending", app_status: { ready: false, state: "waiting:\n  reason: ContainerCreating" } }), "events.yaml": cniEvent },
      expect: { category: "istio-init-failure", evidence: ['plugin type="istio-cni" name="istio-cni" failed (add)'], fixIncludes: ["app=ztunnel"] },
    },
  ],
});
