import { testRule } from "../../helpers/rule-tester.js";
import { appStartsBeforeSidecar } from "../../../src/rules/sidecar/app-starts-before-sidecar.js";
import { meshedPod, namespace } from "./fixtures.js";

const ns = namespace("shop", ["istio-injection: enabled"]);
const restartedEarly = {
  ready: true,
  restartCount: 1,
  state: `running:\n  startedAt: "2025-10-23T05:00:09Z"`,
  lastState: `terminated:\n  exitCode: 1\n  reason: Error\n  startedAt: "2025-10-23T05:00:02Z"\n  finishedAt: "2025-10-23T05:00:04Z"`,
};
const proxyRunning = { ready: true, state: `running:\n  startedAt: "2025-10-23T05:00:02Z"` };

// The app's first connection to its database, refused while Envoy has no listener on 15001 yet (node-postgres).
const previousAppLog = [
  "> orders@1.4.2 start",
  "> node dist/server.js",
  "Error: connect ECONNREFUSED 10.43.45.12:5432",
  "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16) {",
  "  errno: -111,",
  "  code: 'ECONNREFUSED',",
  "  syscall: 'connect',",
  "  address: '10.43.45.12',",
  "  port: 5432",
  "}",
].join("\n");

testRule(appStartsBeforeSidecar, {
  valid: [
    { name: "healthy pod, no restarts", files: { "ns.yaml": ns, "pod.yaml": meshedPod() }, logs: [{ namespace: "shop", pod: "orders-7c9d8b6f5-x2k4q", container: "orders", text: "listening on :8080" }] },
    {
      name: "same failure but holdApplicationUntilProxyStarts is already set",
      files: { "ns.yaml": ns, "pod.yaml": meshedPod({ annotations: ["proxy.istio.io/config: |\n  holdApplicationUntilProxyStarts: true"], app_status: restartedEarly, proxy_status: proxyRunning }) },
      logs: [{ namespace: "shop", pod: "orders-7c9d8b6f5-x2k4q", container: "orders", previous: true, text: previousAppLog }],
    },
    {
      name: "native sidecar (istio-proxy as init container with restartPolicy Always)",
      files: { "ns.yaml": ns, "pod.yaml": meshedPod({ nativeSidecar: true, app_status: restartedEarly, proxy_status: proxyRunning }) },
      logs: [{ namespace: "shop", pod: "orders-7c9d8b6f5-x2k4q", container: "orders", previous: true, text: previousAppLog }],
    },
    {
      name: "connection refused long after start (a database outage, not start-up order)",
      files: {
        "ns.yaml": ns,
        "pod.yaml": meshedPod({
          app_status: { ...restartedEarly, lastState: `terminated:\n  exitCode: 1\n  reason: Error\n  startedAt: "2025-10-23T05:00:02Z"\n  finishedAt: "2025-10-23T07:41:10Z"` },
          proxy_status: proxyRunning,
        }),
      },
      logs: [{ namespace: "shop", pod: "orders-7c9d8b6f5-x2k4q", container: "orders", previous: true, text: previousAppLog }],
    },
  ],
  invalid: [
    {
      name: "app exits 2 s after start with ECONNREFUSED, restarted once, proxy never restarted",
      files: { "ns.yaml": ns, "pod.yaml": meshedPod({ app_status: restartedEarly, proxy_status: proxyRunning }) },
      logs: [{ namespace: "shop", pod: "orders-7c9d8b6f5-x2k4q", container: "orders", previous: true, text: previousAppLog }],
      expect: {
        count: 1,
        category: "sidecar-dependency",
        resource: { kind: "Pod", container: "orders" },
        evidence: ["exit code 1 after 2s", "Error: connect ECONNREFUSED 10.43.45.12:5432", "regular container"],
        fixIncludes: ["holdApplicationUntilProxyStarts: true", "proxy.istio.io/config", "nativeSidecar", "localhost:15000/server_info"],
      },
    },
  ],
});
