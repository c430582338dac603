import { describe, expect, it } from "vitest";
import { runRules } from "../../../src/engine/engine.js";
import { testRule, buildView } from "../../helpers/rule-tester.js";
import { istiodUnreachable } from "../../../src/rules/sidecar/istiod-unreachable.js";
import { proxyNotReady } from "../../../src/rules/sidecar/proxy-not-ready.js";
import { ISTIOD_POD, meshedPod, namespace } from "./fixtures.js";

const ns = namespace("my-app", ["istio-injection: enabled"]);
const pod = (proxyStarted: string, ready = false): string =>
  meshedPod({ namespace: "my-app", name: "my-service-abc123", app: "my-service", hash: "abc123", proxy_status: { ready, state: `running:\n  startedAt: "${proxyStarted}"` }, startTime: proxyStarted });

// The Unhealthy event for the proxy's readiness probe on 15021, as kubectl describe prints it.
const unhealthy = `apiVersion: v1
kind: Event
metadata:
  name: my-service-abc123.17f2a9c4d5e6d001
  namespace: my-app
involvedObject:
  kind: Pod
  name: my-service-abc123
  namespace: my-app
  fieldPath: spec.containers{istio-proxy}
reason: Unhealthy
message: 'Readiness probe failed: Get "http://10.42.0.5:15021/healthz/ready": dial tcp 10.42.0.5:15021: connect: connection refused'
type: Warning
count: 57
firstTimestamp: "2025-10-23T05:00:05Z"
lastTimestamp: "2025-10-23T05:14:10Z"
source:
  component: kubelet
`;

const notReadyLog = [
  "2025-10-23T05:00:01.102311Z\tinfo\tReceived new config, creating new Envoy epoch 0",
  "2025-10-23T05:00:01.102498Z\tinfo\tEpoch 0 starting",
  "2025-10-23T05:14:05.522413Z\twarn\tEnvoy proxy is NOT ready: config not received from XDS server (is Istiod running?): cds updates: 0 successful, 0 rejected; lds updates: 0 successful, 0 rejected",
].join("\n");

// istio/istio#50952-style rejection: Envoy refuses the listener istiod pushes.
const rejectedLog = [
  "2025-10-23T05:00:01.402611Z\twarning\tenvoy config external/envoy/source/extensions/config_subscription/grpc/grpc_subscription_impl.cc:138\tgRPC config for type.googleapis.com/envoy.config.listener.v3.Listener rejected: Error adding/updating listener(s) virtualInbound: Didn't find a registered implementation for 'envoy.filters.http.local_ratelimit' with type URL: 'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimits'\tthread=15",
  "2025-10-23T05:00:03.216340Z\twarn\tEnvoy proxy is NOT ready: config received from XDS server, but was rejected: cds updates: 1 successful, 0 rejected; lds updates: 0 successful, 1 rejected",
].join("\n");

const denyAll = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
  namespace: my-app
spec:
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress
`;

testRule(proxyNotReady, {
  valid: [
    { name: "healthy 2/2 pod", files: { "ns.yaml": ns, "pod.yaml": pod("2025-10-23T05:00:00Z", true) }, now: "2025-10-23T05:15:00Z" },
    {
      name: "proxy started 20 s ago: 1/2 is normal for 30-60 s",
      files: { "ns.yaml": ns, "pod.yaml": pod("2025-10-23T05:14:40Z"), "events.yaml": unhealthy.replace("count: 57", "count: 2") },
      now: "2025-10-23T05:15:00Z",
    },
  ],
  invalid: [
    {
      name: "still 1/2 after 15 minutes",
      files: { "ns.yaml": ns, "pod.yaml": pod("2025-10-23T05:00:00Z"), "events.yaml": unhealthy, "istiod.yaml": ISTIOD_POD },
      logs: [{ namespace: "my-app", pod: "my-service-abc123", container: "istio-proxy", text: notReadyLog }],
      now: "2025-10-23T05:15:00Z",
      expect: {
        count: 1,
        category: "sidecar-not-ready",
        severity: "error",
        resource: { kind: "Pod", name: "my-service-abc123", container: "istio-proxy" },
        summary: /READY 1\/2: istio-proxy is still not ready after 15m/,
        evidence: ["900s after it started", "15021/healthz/ready", "config not received from XDS server", "no NetworkPolicy isolates the pod's egress", "istiod pod istiod-7d8f6b6b7-abc12"],
        fixIncludes: ["kubectl logs -n istio-system -l app=istiod --tail=50", "istioctl proxy-status my-service-abc123.my-app"],
      },
    },
    {
      name: "istiod's config arrives but Envoy rejects the listener (an EnvoyFilter the proxy does not support)",
      files: { "ns.yaml": ns, "pod.yaml": pod("2025-10-23T05:00:00Z"), "events.yaml": unhealthy, "istiod.yaml": ISTIOD_POD },
      logs: [{ namespace: "my-app", pod: "my-service-abc123", container: "istio-proxy", text: rejectedLog }],
      now: "2025-10-23T05:15:00Z",
      expect: { category: "sidecar-not-ready", evidence: ["Listener rejected", "but was rejected"], fixIncludes: ["kubectl get envoyfilter -n my-app"] },
    },
    {
      name: "not ready for 3 minutes: a warning, not yet an outage",
      files: { "ns.yaml": ns, "pod.yaml": pod("2025-10-23T05:12:00Z"), "events.yaml": unhealthy },
      now: "2025-10-23T05:15:00Z",
      expect: { category: "sidecar-not-ready", severity: "warning" },
    },
  ],
});

describe("sidecar/proxy-not-ready with a root cause", () => {
  it("leaves the pod to sidecar/istiod-unreachable when a NetworkPolicy blocks istiod", () => {
    const view = buildView({
      name: "deny-all",
      files: { "ns.yaml": ns, "np.yaml": denyAll, "pod.yaml": pod("2025-10-23T05:00:00Z"), "events.yaml": unhealthy },
      logs: [{ namespace: "my-app", pod: "my-service-abc123", container: "istio-proxy", text: notReadyLog }],
      now: "2025-10-23T05:15:00Z",
    });
    const { findings } = runRules([istiodUnreachable, proxyNotReady], view, { scope: "diagnose" });
    expect(findings.map((finding) => finding.category)).toEqual(["sidecar-istiod-unreachable"]);
  });
});
