import { testRule } from "../../helpers/rule-tester.js";
import { istiodUnreachable } from "../../../src/rules/sidecar/istiod-unreachable.js";
import { ISTIOD_POD, meshedPod, namespace } from "./fixtures.js";

const ns = namespace("shop", ["istio-injection: enabled"]);
const istioSystem = namespace("istio-system");
const kubeSystem = namespace("kube-system");

const denyAll = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
  namespace: shop
spec:
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress
`;

const allowControlPlane = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-istiod-and-dns
  namespace: shop
spec:
  podSelector: {}
  policyTypes:
  - Egress
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: istio-system
      podSelector:
        matchLabels:
          app: istiod
    ports:
    - protocol: TCP
      port: 15012
  - to:
    - namespaceSelector: {}
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - protocol: UDP
      port: 53
    - protocol: TCP
      port: 53
`;

const allowDnsOnly = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: orders
  policyTypes:
  - Egress
  egress:
  - ports:
    - protocol: UDP
      port: 53
    - protocol: TCP
      port: 53
`;

// istio/istio#29187 and the pilot-agent readiness message.
const xdsLog = [
  "2025-10-23T05:00:01.102311Z\tinfo\tReceived new config, creating new Envoy epoch 0",
  "2025-10-23T05:00:01.102498Z\tinfo\tEpoch 0 starting",
  '2025-10-23T05:00:21.314950Z\twarning\tenvoy config external/envoy/source/extensions/config_subscription/grpc/grpc_stream.h:152\tStreamAggregatedResources gRPC config stream to xds-grpc closed since 20s ago: 14, no healthy upstream (dial istiod.istio-system.svc:15012 i/o timeout)',
  "2025-10-23T05:01:10.522413Z\twarn\tEnvoy proxy is NOT ready: config not received from XDS server (is Istiod running?): cds updates: 0 successful, 0 rejected; lds updates: 0 successful, 0 rejected",
].join("\n");

const stuck = { ready: false, state: `running:\n  startedAt: "2025-10-23T05:00:00Z"` };
const now = "2025-10-23T05:06:00Z";

testRule(istiodUnreachable, {
  valid: [
    { name: "healthy 2/2 pod behind deny-all plus an allow rule for istiod and DNS", files: { "ns.yaml": ns, "np1.yaml": denyAll, "np2.yaml": allowControlPlane, "pod.yaml": meshedPod(), "istiod.yaml": ISTIOD_POD, "isys.yaml": istioSystem } },
    {
      name: "proxy started 20 s ago and is not ready yet (normal warm-up)",
      files: { "ns.yaml": ns, "pod.yaml": meshedPod({ proxy_status: stuck }), "istiod.yaml": ISTIOD_POD },
      now: "2025-10-23T05:00:20Z",
    },
    {
      name: "stuck proxy, but egress is allowed and istiod is running (not this cause without log evidence)",
      files: { "ns.yaml": ns, "np1.yaml": denyAll, "np2.yaml": allowControlPlane, "pod.yaml": meshedPod({ proxy_status: stuck }), "istiod.yaml": ISTIOD_POD },
      now,
    },
  ],
  invalid: [
    {
      name: "deny-all NetworkPolicy: proxy logs xDS failures to istiod:15012",
      files: { "ns.yaml": ns, "isys.yaml": istioSystem, "ksys.yaml": kubeSystem, "np.yaml": denyAll, "pod.yaml": meshedPod({ proxy_status: stuck }), "istiod.yaml": ISTIOD_POD },
      logs: [{ namespace: "shop", pod: "orders-7c9d8b6f5-x2k4q", container: "istio-proxy", text: xdsLog }],
      now,
      expect: {
        count: 1,
        category: "sidecar-istiod-unreachable",
        resource: { kind: "Pod", container: "istio-proxy" },
        summary: /deny-all blocks the sidecar's egress to istiod:15012 and DNS:53$/,
        evidence: ["gRPC config stream to xds-grpc closed", "config not received from XDS server", "NetworkPolicy deny-all selects the pod", "egress to istiod (istio-system) TCP 15012: denied"],
        fixIncludes: ["port: 15012", "k8s-app: kube-dns", "kubernetes.io/metadata.name: istio-system", "policyTypes:\n  - Egress"],
      },
    },
    {
      name: "only DNS is allowed: istiod 15012 is denied, no log collected",
      files: { "ns.yaml": ns, "np.yaml": allowDnsOnly, "pod.yaml": meshedPod({ proxy_status: stuck }) },
      now,
      expect: { category: "sidecar-istiod-unreachable", summary: /allow-dns blocks the sidecar's egress to istiod:15012$/, fixIncludes: ["app: orders"] },
    },
    {
      name: "istiod is down (CrashLoopBackOff): proxy never gets config",
      files: {
        "ns.yaml": ns,
        "pod.yaml": meshedPod({ proxy_status: stuck }),
        "istiod.yaml": ISTIOD_POD.replace('status: "True"', 'status: "False"').replace("ready: true", "ready: false").replace('running:\n        startedAt: "2025-10-23T04:00:00Z"', "waiting:\n        reason: CrashLoopBackOff").replace("restartCount: 0", "restartCount: 12"),
      },
      logs: [{ namespace: "shop", pod: "orders-7c9d8b6f5-x2k4q", container: "istio-proxy", text: xdsLog }],
      now,
      expect: { category: "sidecar-istiod-unreachable", summary: /istiod is down/, evidence: ["istiod pod istiod-7d8f6b6b7-abc12", "waiting CrashLoopBackOff"], fixIncludes: ["kubectl logs -n istio-system -l app=istiod --tail=50", "istioctl proxy-status"] },
    },
  ],
});
