import { testRule } from "../../helpers/rule-tester.js";
import { mtlsModeConflict } from "../../../src/rules/sidecar/mtls-mode-conflict.js";
import { meshedPod, namespace, service } from "./fixtures.js";

const shop = namespace("shop", ["istio-injection: enabled"]);
const legacy = namespace("legacy");
const meshStrict = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: istio-system
spec:
  mtls:
    mode: STRICT
`;
const shopPermissive = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: shop
spec:
  mtls:
    mode: PERMISSIVE
`;
const server = meshedPod({ podIP: "10.42.0.5" });
const client = meshedPod({ sidecar: false, namespace: "legacy", name: "report-job-5d9c7-8kq2n", app: "report-job", hash: "5d9c7", podIP: "10.42.1.7" });
const meshedClient = meshedPod({ namespace: "legacy", name: "report-job-5d9c7-8kq2n", app: "report-job", hash: "5d9c7", podIP: "10.42.1.7" });

// The server's sidecar: a plain-text connection matches no filter chain of the STRICT inbound listener.
const serverProxyLog = [
  "2025-10-23T05:20:11.532940Z\tinfo\txdsproxy\tconnected to delta upstream XDS server: istiod.istio-system.svc:15012",
  '[2025-10-23T05:20:11.532Z] "- - -" 0 NR filter_chain_not_found - "-" 0 0 0 - "-" "-" "-" "-" "-" - - 10.42.0.5:8080 10.42.1.7:41870 - -',
  '[2025-10-23T05:20:14.101Z] "- - -" 0 NR filter_chain_not_found - "-" 0 0 0 - "-" "-" "-" "-" "-" - - 10.42.0.5:8080 10.42.1.7:41882 - -',
].join("\n");
// The client (Go net/http) sees the reset.
const clientLog = 'time="2025-10-23T05:20:11Z" level=error msg="fetch orders failed" error="Get \\"http://orders.shop.svc.cluster.local/api/orders\\": read tcp 10.42.1.7:41870->10.43.112.18:80: read: connection reset by peer"';

testRule(mtlsModeConflict, {
  valid: [
    { name: "STRICT mesh, meshed client and server", files: { "shop.yaml": shop, "pa.yaml": meshStrict, "svc.yaml": service(), "server.yaml": server, "client.yaml": meshedClient } },
    {
      name: "namespace PERMISSIVE overrides mesh STRICT: plain-text client accepted",
      files: { "shop.yaml": shop, "legacy.yaml": legacy, "pa.yaml": meshStrict, "pa2.yaml": shopPermissive, "svc.yaml": service(), "server.yaml": server, "client.yaml": client },
      logs: [{ namespace: "shop", pod: "orders-7c9d8b6f5-x2k4q", container: "istio-proxy", text: serverProxyLog }],
    },
    {
      name: "STRICT server whose plain-text caller is a pod with a sidecar (the reset has another cause)",
      files: { "shop.yaml": shop, "pa.yaml": meshStrict, "svc.yaml": service(), "server.yaml": server, "client.yaml": meshedClient },
      logs: [{ namespace: "legacy", pod: "report-job-5d9c7-8kq2n", container: "report-job", text: clientLog }],
    },
  ],
  invalid: [
    {
      name: "mesh-wide STRICT, a client without sidecar is reset",
      files: { "shop.yaml": shop, "legacy.yaml": legacy, "pa.yaml": meshStrict, "svc.yaml": service(), "server.yaml": server, "client.yaml": client },
      logs: [
        { namespace: "shop", pod: "orders-7c9d8b6f5-x2k4q", container: "istio-proxy", text: serverProxyLog },
        { namespace: "legacy", pod: "report-job-5d9c7-8kq2n", container: "report-job", text: clientLog },
      ],
      expect: {
        count: 1,
        category: "mtls-mode-conflict",
        resource: { kind: "Pod", name: "orders-7c9d8b6f5-x2k4q", namespace: "shop" },
        summary: /STRICT mTLS on orders-7c9d8b6f5-x2k4q rejects plain-text calls from legacy\/report-job-5d9c7-8kq2n/,
        evidence: ["PeerAuthentication istio-system/default (mesh level): mtls.mode STRICT", "has no istio-proxy sidecar", "filter_chain_not_found", "connection reset by peer"],
        fixIncludes: ["kubectl label namespace legacy istio-injection=enabled", "kubectl rollout restart deployment/report-job -n legacy", "mode: PERMISSIVE"],
      },
    },
    {
      name: "only the client's log is collected",
      files: { "shop.yaml": shop, "legacy.yaml": legacy, "pa.yaml": meshStrict, "svc.yaml": service(), "server.yaml": server, "client.yaml": client },
      logs: [{ namespace: "legacy", pod: "report-job-5d9c7-8kq2n", container: "report-job", text: clientLog }],
      expect: { category: "mtls-mode-conflict", evidence: ["connection reset by peer"] },
    },
    {
      name: "the STRICT server is in a production namespace: the fix keeps STRICT and injects the client",
      files: {
        "prod.yaml": namespace("shop-prod", ["istio-injection: enabled"]),
        "legacy.yaml": legacy,
        "pa.yaml": meshStrict,
        "svc.yaml": service({ namespace: "shop-prod" }),
        "server.yaml": meshedPod({ namespace: "shop-prod", podIP: "10.42.0.5" }),
        "client.yaml": client,
      },
      logs: [{ namespace: "legacy", pod: "report-job-5d9c7-8kq2n", container: "report-job", text: clientLog.replace("orders.shop.svc", "orders.shop-prod.svc") }],
      expect: { category: "mtls-mode-conflict", fixIncludes: ["shop-prod is production: keep STRICT there", "kubectl label namespace legacy istio-injection=enabled"] },
    },
  ],
});
