import { proxyCannotReachIstiod } from "../../../src/rules/pod/proxy-cannot-reach-istiod.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, list, NOW, pod, running } from "./fixtures.js";

/** pilot-agent's and Envoy's own lines when the xDS stream to istiod does not work (istio/istio#16260, #13215). */
const streamClosed = [
  "2025-06-02T10:12:01.201Z info Epoch 0 starting",
  "2025-06-02T10:12:01.380Z warning envoy config external/envoy/source/common/config/grpc_stream.h:87 gRPC config stream closed: 14, no healthy upstream",
  "2025-06-02T10:12:01.381Z warning envoy config external/envoy/source/common/config/grpc_stream.h:50 Unable to establish new stream",
].join("\n");
const notReceived = '{"level":"info","time":"2025-06-02T10:12:31.004Z","msg":"Envoy proxy is NOT ready: config not received from Pilot (is Pilot running?): cds updates: 2 successful, 0 rejected; lds updates: 0 successful, 0 rejected"}';
const dialTimeout = "2025-06-02T10:12:05.118Z warn xds failed to connect to XDS server: dial tcp 10.96.12.34:15012: i/o timeout";

testRule(proxyCannotReachIstiod, {
  valid: [
    { name: "a healthy pod whose proxy logs a normal start", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", text: "2025-06-02T10:12:01.201Z info Epoch 0 starting\n2025-06-02T10:12:02.010Z info Envoy proxy is ready\n" }], now: NOW },
    {
      name: "istio-proxy's own container is left to the sidecar rules",
      files: { "pod.json": list(pod({ containers: [{ status: running() }, { name: "istio-proxy", image: "docker.io/istio/proxyv2:1.27.0", status: crashLoop({ exitCode: 255 }) }] })) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "istio-proxy", previous: true, text: streamClosed }],
      now: NOW,
    },
  ],
  invalid: [
    { name: "a proxy log alone: gRPC config stream closed (istio/istio#16260)", files: { "proxy.log": `${streamClosed}\n` }, expect: { category: "sidecar-istiod-unreachable", summary: /gRPC config stream closed/, evidence: [/gRPC config stream closed: 14, no healthy upstream/], fixIncludes: [/istioctl proxy-status/, /kubectl get networkpolicy/] } },
    { name: "the proxy's log as kubectl logs printed it: config not received from Pilot (istio/istio#13215)", files: {}, logs: [{ namespace: "shop", pod: "orders-6c9f8d7b5-4xkzq", container: "proxy", text: `${notReceived}\n` }], expect: { category: "sidecar-istiod-unreachable", resource: { kind: "Pod", namespace: "shop", name: "orders-6c9f8d7b5-4xkzq" }, evidence: [/config not received from Pilot/] } },
    {
      name: "a crash-looping container whose log cannot dial istiod on 15012",
      files: { "pod.json": list(pod({ containers: [{ name: "agent", image: "docker.io/istio/proxyv2:1.27.0", status: crashLoop({ exitCode: 255 }) }] })) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "agent", previous: true, text: `${dialTimeout}\n` }],
      now: NOW,
      expect: { category: "sidecar-istiod-unreachable", resource: { kind: "Pod", name: "api-7d9f8b6c5d-x2k9p", container: "agent" }, evidence: [/dial tcp 10.96.12.34:15012: i\/o timeout/] },
    },
  ],
});
