import { testRule } from "../../helpers/rule-tester.js";
import { outboundRegistryOnly } from "../../../src/rules/sidecar/outbound-registry-only.js";
import { meshedPod, namespace } from "./fixtures.js";

const ns = namespace("my-app", ["istio-injection: enabled"]);
const pod = meshedPod({ namespace: "my-app", name: "my-pod-6b8f9d7c4-q7wzp", app: "my-pod", hash: "6b8f9d7c4", podIP: "10.42.0.9" });
const meshConfig = (mode?: string, extra = ""): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
  labels:
    install.operator.istio.io/owning-resource: installed-state
    istio.io/rev: default
data:
  mesh: |-
    accessLogFile: /dev/stdout${extra}
    defaultConfig:
      discoveryAddress: istiod.istio-system.svc:15012
    enablePrometheusMerge: true${mode ? `\n    outboundTrafficPolicy:\n      mode: ${mode}` : ""}
    rootNamespace: istio-system
    trustDomain: cluster.local
  meshNetworks: 'networks: {}'
`;
const serviceEntry = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: external-github
  namespace: my-app
spec:
  hosts:
  - api.github.com
  ports:
  - number: 443
    name: https
    protocol: HTTPS
  location: MESH_EXTERNAL
  resolution: DNS
`;

// Sidecar access log under REGISTRY_ONLY: TLS to an unknown host goes to BlackHoleCluster (flag UH), plain HTTP gets 502 from block_all.
const proxyLog = [
  "2025-10-23T05:12:00.000000Z\tinfo\tEnvoy proxy is ready",
  '[2025-10-23T05:12:31.482Z] "- - -" 0 UH - - "-" 0 0 0 - "-" "-" "-" "-" "-" BlackHoleCluster - 140.82.112.6:443 10.42.0.9:51234 api.github.com -',
  '[2025-10-23T05:12:40.118Z] "GET /status/418 HTTP/1.1" 502 - direct_response - "-" 0 0 0 - "-" "curl/8.5.0" "1d0a2b1c-3e4f-4a5b-8c6d-7e8f9a0b1c2d" "httpbin.org" "-" - - 44.196.3.45:80 10.42.0.9:40312 - block_all',
  '[2025-10-23T05:12:41.007Z] "GET /api/orders HTTP/1.1" 200 - via_upstream - "-" 0 412 7 6 "-" "Go-http-client/1.1" "6c0d1e2f-3a4b-4c5d-9e6f-7a8b9c0d1e2f" "orders.shop:80" "10.42.0.5:8080" outbound|80||orders.shop.svc.cluster.local 10.42.0.9:52110 10.43.112.18:80 10.42.0.9:43876 - default',
].join("\n");
// A Go client whose TLS connection the sidecar closes.
const goAppLog = 'level=error msg="notify failed" err="Post \\"https://hooks.slack.com/services/T000/B000/XXXX\\": EOF"';
// The app's side (Python requests) when the TLS connection is reset.
const appLog =
  "requests.exceptions.SSLError: HTTPSConnectionPool(host='api.github.com', port=443): Max retries exceeded with url: /repos/istio/istio (Caused by SSLError(SSLEOFError(8, '[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol (_ssl.c:1007)')))";

testRule(outboundRegistryOnly, {
  valid: [
    { name: "ALLOW_ANY (Istio's default): external calls pass", files: { "ns.yaml": ns, "cm.yaml": meshConfig(), "pod.yaml": pod }, logs: [{ namespace: "my-app", pod: "my-pod-6b8f9d7c4-q7wzp", container: "my-pod", text: appLog }] },
    {
      name: "REGISTRY_ONLY but api.github.com has a ServiceEntry",
      files: { "ns.yaml": ns, "cm.yaml": meshConfig("REGISTRY_ONLY"), "se.yaml": serviceEntry, "pod.yaml": pod },
      logs: [{ namespace: "my-app", pod: "my-pod-6b8f9d7c4-q7wzp", container: "istio-proxy", text: proxyLog.split("\n").slice(0, 2).join("\n") }],
    },
    { name: "REGISTRY_ONLY and only in-mesh traffic in the access log", files: { "ns.yaml": ns, "cm.yaml": meshConfig("REGISTRY_ONLY"), "pod.yaml": pod }, logs: [{ namespace: "my-app", pod: "my-pod-6b8f9d7c4-q7wzp", container: "istio-proxy", text: proxyLog.split("\n")[3]! }] },
    { name: "mesh config not in the inputs: the outbound policy is unknown", files: { "ns.yaml": ns, "pod.yaml": pod }, logs: [{ namespace: "my-app", pod: "my-pod-6b8f9d7c4-q7wzp", container: "my-pod", text: appLog }] },
  ],
  invalid: [
    {
      name: "REGISTRY_ONLY: BlackHoleCluster (TLS) and block_all (HTTP) entries in the sidecar's access log, no ServiceEntry",
      files: { "ns.yaml": ns, "cm.yaml": meshConfig("REGISTRY_ONLY"), "pod.yaml": pod },
      logs: [
        { namespace: "my-app", pod: "my-pod-6b8f9d7c4-q7wzp", container: "istio-proxy", text: proxyLog },
        { namespace: "my-app", pod: "my-pod-6b8f9d7c4-q7wzp", container: "my-pod", text: appLog },
      ],
      expect: {
        count: 1,
        category: "outbound-traffic-blocked",
        resource: { kind: "Pod", container: "my-pod" },
        summary: /api\.github\.com:443, httpbin\.org:80/,
        evidence: ["BlackHoleCluster", "block_all", "HTTPSConnectionPool(host='api.github.com', port=443)"],
        fixIncludes: ["- api.github.com", "- httpbin.org", "number: 80", "protocol: HTTP\n"],
      },
    },
    {
      name: "REGISTRY_ONLY, the app's call to api.github.com fails and there is no ServiceEntry",
      files: { "ns.yaml": ns, "cm.yaml": meshConfig("REGISTRY_ONLY"), "pod.yaml": pod },
      logs: [
        { namespace: "my-app", pod: "my-pod-6b8f9d7c4-q7wzp", container: "my-pod", text: [appLog, goAppLog].join("\n") },
        { namespace: "my-app", pod: "my-pod-6b8f9d7c4-q7wzp", container: "istio-proxy", text: proxyLog.split("\n")[3]! },
      ],
      expect: {
        count: 1,
        category: "outbound-traffic-blocked",
        resource: { kind: "Pod", name: "my-pod-6b8f9d7c4-q7wzp", container: "my-pod" },
        summary: /api\.github\.com:443, hooks\.slack\.com:443/,
        evidence: ["meshConfig.outboundTrafficPolicy.mode: REGISTRY_ONLY", "HTTPSConnectionPool(host='api.github.com', port=443)", "hooks.slack.com"],
        fixIncludes: ["kind: ServiceEntry", "- api.github.com", "- hooks.slack.com", "number: 443", "protocol: HTTPS", "location: MESH_EXTERNAL", "resolution: DNS"],
      },
    },
    {
      name: "REGISTRY_ONLY with a custom accessLogFormat: the sidecar's BlackHoleCluster entry is read in that format",
      files: { "ns.yaml": ns, "cm.yaml": meshConfig("REGISTRY_ONLY", '\n    accessLogFormat: "[%START_TIME%] %RESPONSE_CODE% %RESPONSE_FLAGS% %UPSTREAM_CLUSTER% %DOWNSTREAM_LOCAL_ADDRESS% %REQUESTED_SERVER_NAME%\\n"'), "pod.yaml": pod },
      logs: [{ namespace: "my-app", pod: "my-pod-6b8f9d7c4-q7wzp", container: "istio-proxy", text: "[2025-10-23T05:12:31.482Z] 0 UH BlackHoleCluster 140.82.112.6:443 api.github.com" }],
      expect: { count: 1, category: "outbound-traffic-blocked", summary: /api\.github\.com:443/, evidence: ["BlackHoleCluster"] },
    },
    {
      name: "a namespace Sidecar sets REGISTRY_ONLY while the mesh allows any",
      files: {
        "ns.yaml": ns,
        "cm.yaml": meshConfig(),
        "pod.yaml": pod,
        "sidecar.yaml": "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: my-app\nspec:\n  outboundTrafficPolicy:\n    mode: REGISTRY_ONLY\n",
      },
      logs: [{ namespace: "my-app", pod: "my-pod-6b8f9d7c4-q7wzp", container: "my-pod", text: appLog }],
      expect: { category: "outbound-traffic-blocked", evidence: ["Sidecar default: outboundTrafficPolicy.mode REGISTRY_ONLY"] },
    },
  ],
});
