import { testRule } from "../../helpers/rule-tester.js";
import { proxyPortConflict } from "../../../src/rules/sidecar/proxy-port-conflict.js";
import { deployment, meshedPod, namespace, service } from "./fixtures.js";

const injectedNamespace = namespace("shop", ["istio-injection: enabled"]);

// istio/istio#38824: pilot-agent and Envoy cannot bind their ports because something else in the pod holds them.
const proxyBindLog = [
  "2022-05-10T09:07:19.627568Z\terror\tError listening on status port: listen tcp :15020: bind: address already in use",
  "2022-05-10T09:07:19.655172Z\terror\tenvoy config\tlistener 'virtualInbound' failed to bind or apply socket options: cannot bind '0.0.0.0:15006': Address already in use",
  "2022-05-10T09:07:19.655901Z\tcritical\tenvoy main\terror initializing configuration 'etc/istio/proxy/envoy-rev0.json': cannot bind '127.0.0.1:15000': Address already in use",
  // istio/istio#32741: pilot-agent reports the Envoy epoch that died.
  "2022-05-10T09:07:19.661044Z\terror\tEpoch 0 exited with error: exit status 1",
].join("\n");

const crashingProxy = {
  ready: false,
  restartCount: 6,
  state: `waiting:\n  reason: CrashLoopBackOff\n  message: back-off 2m40s restarting failed container=istio-proxy pod=orders-7c9d8b6f5-x2k4q_shop(5f0a8c3e)`,
  lastState: `terminated:\n  exitCode: 255\n  reason: Error\n  startedAt: "2025-10-23T05:06:01Z"\n  finishedAt: "2025-10-23T05:06:02Z"`,
};

testRule(proxyPortConflict, {
  valid: [
    { name: "healthy 2/2 pod on port 8080", files: { "ns.yaml": injectedNamespace, "pod.yaml": meshedPod(), "svc.yaml": service() } },
    {
      name: "port 15020 on a pod without sidecar in a namespace without injection",
      files: { "ns.yaml": namespace("shop"), "pod.yaml": meshedPod({ sidecar: false, appPorts: [15020] }) },
    },
    {
      name: "deployment on 15090 in a namespace labelled istio-injection=disabled",
      mode: "lint",
      files: {
        "ns.yaml": namespace("shop", ["istio-injection: disabled"]),
        "deploy.yaml": deployment({ containers: "- name: orders\n  image: registry.example.com/shop/orders:1.4.2\n  ports:\n  - containerPort: 15090" }),
      },
    },
  ],
  invalid: [
    {
      name: "app declares 15020 and the proxy cannot bind its status port",
      files: { "ns.yaml": injectedNamespace, "pod.yaml": meshedPod({ appPorts: [15020], proxy_status: crashingProxy }), "svc.yaml": service({ targetPort: 15020 }) },
      logs: [{ namespace: "shop", pod: "orders-7c9d8b6f5-x2k4q", container: "istio-proxy", previous: true, text: proxyBindLog }],
      expect: {
        count: 1,
        category: "sidecar-port-conflict",
        resource: { kind: "Pod", namespace: "shop", container: "istio-proxy", file: "pod.yaml" },
        summary: /15020/,
        
        evidence: ["declares containerPort 15020", "targetPort 15020", "listen tcp :15020: bind: address already in use", "Epoch 0 exited with error: exit status 1"],
        fixIncludes: ["containerPort: 8080", "Deployment orders", "Service orders", /"path":"\/spec\/ports\/0\/targetPort","value":8080/],
      },
    },
    {
      name: "deployment manifest declares 15090 in an injected namespace (lint)",
      mode: "lint",
      files: {
        "ns.yaml": injectedNamespace,
        "deploy.yaml": deployment({ containers: "- name: orders\n  image: registry.example.com/shop/orders:1.4.2\n  ports:\n  - containerPort: 15090\n    name: metrics" }),
      },
      expect: { category: "sidecar-port-conflict", resource: { kind: "Deployment", name: "orders", file: "deploy.yaml", line: 20 }, evidence: [/containerPort 15090/], fixIncludes: ["containerPort: 8080"] },
    },
    {
      name: "proxy logs a bind failure on 15000 while the app declares no ports",
      files: { "ns.yaml": injectedNamespace, "pod.yaml": meshedPod({ appPorts: [], proxy_status: crashingProxy }) },
      logs: [{ namespace: "shop", pod: "orders-7c9d8b6f5-x2k4q", container: "istio-proxy", previous: true, text: proxyBindLog }],
      expect: [{ index: 0, category: "sidecar-port-conflict", evidence: [/cannot bind '127.0.0.1:15000'|listen tcp :15020/] }],
    },
  ],
});
