import { testRule } from "../../helpers/rule-tester.js";
import { proxyOomKilled } from "../../../src/rules/sidecar/proxy-oom-killed.js";
import { meshedPod, namespace } from "./fixtures.js";

const ns = namespace("shop", ["istio-injection: enabled"]);
const smallProxy = `limits:\n  cpu: 200m\n  memory: 128Mi\nrequests:\n  cpu: 50m\n  memory: 64Mi`;
const oomStatus = {
  ready: false,
  restartCount: 5,
  state: `waiting:\n  reason: CrashLoopBackOff\n  message: back-off 2m40s restarting failed container=istio-proxy pod=orders-7c9d8b6f5-x2k4q_shop(5f0a8c3e-7c9d-4b1e-9a53-000000000022)`,
  lastState: `terminated:\n  exitCode: 137\n  reason: OOMKilled\n  startedAt: "2025-10-23T05:10:02Z"\n  finishedAt: "2025-10-23T05:12:40Z"`,
};
const backOffEvent = `apiVersion: v1
kind: Event
metadata:
  name: orders-7c9d8b6f5-x2k4q.17f2a9c4d5e6b7a8
  namespace: shop
involvedObject:
  kind: Pod
  name: orders-7c9d8b6f5-x2k4q
  namespace: shop
  fieldPath: spec.containers{istio-proxy}
reason: BackOff
message: Back-off restarting failed container istio-proxy in pod orders-7c9d8b6f5-x2k4q_shop(5f0a8c3e-7c9d-4b1e-9a53-000000000022)
type: Warning
count: 23
firstTimestamp: "2025-10-23T05:01:10Z"
lastTimestamp: "2025-10-23T05:13:00Z"
source:
  component: kubelet
`;

testRule(proxyOomKilled, {
  valid: [
    { name: "healthy 2/2 pod", files: { "ns.yaml": ns, "pod.yaml": meshedPod() } },
    {
      name: "the app container is OOMKilled, not istio-proxy (the pod rules own that)",
      files: {
        "ns.yaml": ns,
        "pod.yaml": meshedPod({ app_status: { ready: false, restartCount: 3, lastState: `terminated:\n  exitCode: 137\n  reason: OOMKilled\n  startedAt: "2025-10-23T05:10:02Z"\n  finishedAt: "2025-10-23T05:12:40Z"` } }),
      },
    },
    {
      name: "istio-proxy restarted after an error that is not OOM",
      files: { "ns.yaml": ns, "pod.yaml": meshedPod({ proxy_status: { ready: true, restartCount: 1, lastState: `terminated:\n  exitCode: 255\n  reason: Error\n  startedAt: "2025-10-23T05:00:02Z"\n  finishedAt: "2025-10-23T05:00:09Z"` } }) },
    },
  ],
  invalid: [
    {
      name: "istio-proxy OOMKilled at a 128Mi limit",
      files: { "ns.yaml": ns, "pod.yaml": meshedPod({ proxyResources: smallProxy, proxy_status: oomStatus }), "events.yaml": backOffEvent },
      expect: {
        count: 1,
        category: "sidecar-oom-killed",
        severity: "error",
        resource: { kind: "Pod", container: "istio-proxy", file: "pod.yaml" },
        summary: /OOMKilled .*128Mi/,
        evidence: ["reason OOMKilled, exit code 137", "limits.memory 128Mi", "Back-off restarting failed container istio-proxy"],
        fixIncludes: ["sidecar.istio.io/proxyMemoryLimit: 256Mi", "sidecar.istio.io/proxyMemory: 128Mi", "kubectl patch deployment orders -n shop", "kubectl rollout status deployment/orders -n shop"],
      },
    },
    {
      name: "annotation already raised the limit to 512Mi and it is still too small",
      files: {
        "ns.yaml": ns,
        "pod.yaml": meshedPod({
          annotations: ['sidecar.istio.io/proxyMemoryLimit: "512Mi"'],
          proxyResources: `limits:\n  cpu: "2"\n  memory: 512Mi\nrequests:\n  cpu: 100m\n  memory: 128Mi`,
          proxy_status: oomStatus,
        }),
      },
      expect: { category: "sidecar-oom-killed", evidence: ["annotation sidecar.istio.io/proxyMemoryLimit: 512Mi"], fixIncludes: ["sidecar.istio.io/proxyMemoryLimit: 1024Mi", "sidecar.istio.io/proxyMemory: 512Mi"] },
    },
  ],
});
