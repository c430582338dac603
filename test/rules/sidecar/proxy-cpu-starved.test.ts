import { testRule } from "../../helpers/rule-tester.js";
import { proxyCpuStarved } from "../../../src/rules/sidecar/proxy-cpu-starved.js";
import { meshedPod, namespace } from "./fixtures.js";

const ns = namespace("shop", ["istio-injection: enabled"]);
const starved = `limits:\n  cpu: 50m\n  memory: 256Mi\nrequests:\n  cpu: 10m\n  memory: 128Mi`;
const probeTimeout = `apiVersion: v1
kind: Event
metadata:
  name: orders-7c9d8b6f5-x2k4q.17f2a9c4d5e6b7b1
  namespace: shop
involvedObject:
  kind: Pod
  name: orders-7c9d8b6f5-x2k4q
  namespace: shop
  fieldPath: spec.containers{istio-proxy}
reason: Unhealthy
message: 'Readiness probe failed: Get "http://10.42.0.5:15021/healthz/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
type: Warning
count: 41
firstTimestamp: "2025-10-23T05:00:20Z"
lastTimestamp: "2025-10-23T05:10:30Z"
source:
  component: kubelet
`;

/** istioctl proxy-status of Istio 1.27 (per-type layout): istiod's last EDS and RDS pushes to the pod not acknowledged. */
const proxyStatus = (pod: string) => `NAME                                 CLUSTER        CDS               ECDS        EDS               LDS               RDS               ISTIOD                      VERSION
${pod}.shop         Kubernetes     SYNCED (3m2s)     IGNORED     STALE (8m41s)     SYNCED (3m2s)     STALE (8m41s)     istiod-85798b5866-8ptm6     1.27.0
payments-6d8f7b9c4-q7w2e.shop        Kubernetes     SYNCED (3m2s)     IGNORED     SYNCED (3m2s)     SYNCED (3m2s)     SYNCED (3m2s)     istiod-85798b5866-8ptm6     1.27.0
`;

testRule(proxyCpuStarved, {
  valid: [
    { name: "STALE in proxy-status with default proxy resources (not starvation)", files: { "ns.yaml": ns, "pod.yaml": meshedPod(), "proxy-status.txt": proxyStatus("orders-7c9d8b6f5-x2k4q") } },
    { name: "healthy pod with default proxy resources", files: { "ns.yaml": ns, "pod.yaml": meshedPod() } },
    { name: "low CPU limit but the proxy is ready and has no probe failures", files: { "ns.yaml": ns, "pod.yaml": meshedPod({ proxyResources: starved }) } },
    {
      name: "probe timeouts with a generous CPU limit (not starvation)",
      files: { "ns.yaml": ns, "pod.yaml": meshedPod({ proxy_status: { ready: false } }), "events.yaml": probeTimeout },
      now: "2025-10-23T05:10:30Z",
    },
  ],
  invalid: [
    {
      name: "50m CPU limit and the proxy STALE in proxy-status: the throttled Envoy is too slow to acknowledge istiod's pushes",
      files: { "ns.yaml": ns, "pod.yaml": meshedPod({ proxyResources: starved }), "proxy-status.txt": proxyStatus("orders-7c9d8b6f5-x2k4q") },
      now: "2025-10-23T05:10:30Z",
      expect: {
        count: 1,
        category: "sidecar-oom-killed",
        resource: { container: "istio-proxy" },
        summary: /does not acknowledge istiod's pushes \(STALE\)/,
        evidence: ["limits.cpu 50m", "EDS, RDS STALE", /app containers: orders .*; istio-proxy limit 50m/],
        fixIncludes: ["sidecar.istio.io/proxyCPULimit: 500m"],
      },
    },
    {
      name: "50m CPU limit, readiness on 15021 times out",
      files: { "ns.yaml": ns, "pod.yaml": meshedPod({ proxyResources: starved, proxy_status: { ready: false } }), "events.yaml": probeTimeout },
      now: "2025-10-23T05:10:30Z",
      expect: {
        count: 1,
        category: "sidecar-oom-killed",
        resource: { container: "istio-proxy" },
        evidence: ["limits.cpu 50m", "context deadline exceeded"],
        fixIncludes: ["sidecar.istio.io/proxyCPULimit: 500m", "sidecar.istio.io/proxyCPU: 100m"],
      },
    },
  ],
});
