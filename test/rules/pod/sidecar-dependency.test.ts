import { sidecarDependency } from "../../../src/rules/pod/sidecar-dependency.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, deployment, list, NOW, pod, running } from "./fixtures.js";

const proxy = { name: "cloud-sql-proxy", image: "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0", ports: [{ containerPort: 5432 }], status: running("2025-06-02T10:12:10Z") };
const istio = { name: "istio-proxy", image: "docker.io/istio/proxyv2:1.27.1", ports: [{ containerPort: 15090, name: "http-envoy-prom" }], status: running() };

function withProxyConfig(workload: ReturnType<typeof deployment>, config: string): ReturnType<typeof deployment> {
  const template = (workload as { spec: { template: { metadata: Record<string, unknown> } } }).spec.template;
  template.metadata.annotations = { "proxy.istio.io/config": config };
  return workload;
}

testRule(sidecarDependency, {
  valid: [
    { name: "app and cloud-sql-proxy both running", files: { "pod.json": list(pod({ containers: [{ status: running() }, proxy] })) }, now: NOW },
    { name: "refused on localhost with no sidecar is not a sidecar problem", files: { "pod.json": list(pod({ containers: [{ status: crashLoop({ exitCode: 1 }) }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "Error: connect ECONNREFUSED 127.0.0.1:5432\n" }], now: NOW },
  ],
  invalid: [
    {
      name: "app starts before cloud-sql-proxy listens on 127.0.0.1:5432",
      files: { "pod.json": list(pod({ owner: "Deployment/api", containers: [{ status: crashLoop({ exitCode: 1 }) }, proxy] }), deployment("api", [{}, proxy])) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)\n" }],
      now: NOW,
      expect: { category: "sidecar-dependency", summary: /ECONNREFUSED 127.0.0.1:5432/, fixIncludes: [/cloud-sql-proxy/] },
    },
    {
      name: "app queries Envoy's admin port before istio-proxy is ready",
      files: { "pod.json": list(pod({ owner: "Deployment/api", containers: [{ status: crashLoop({ exitCode: 1 }) }, istio] })) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: 'panic: Get "http://localhost:15000/server_info": dial tcp 127.0.0.1:15000: connect: connection refused\n' }],
      now: NOW,
      expect: { category: "sidecar-dependency", fixIncludes: [/holdApplicationUntilProxyStarts/] },
    },
    {
      name: "the fix keeps what proxy.istio.io/config already sets",
      files: { "pod.json": list(pod({ owner: "Deployment/api", containers: [{ status: crashLoop({ exitCode: 1 }) }, istio] }), withProxyConfig(deployment("api", [{}, istio]), "concurrency: 2")) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: 'panic: Get "http://localhost:15000/server_info": dial tcp 127.0.0.1:15000: connect: connection refused\n' }],
      now: NOW,
      expect: { category: "sidecar-dependency", fixIncludes: ['{"concurrency":2,"holdApplicationUntilProxyStarts":true}'] },
    },
    {
      name: "Go app refused on localhost:15020 with istio-proxy in the pod",
      files: { "pod.json": list(pod({ containers: [{ status: crashLoop({ exitCode: 2 }) }, istio] })) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "dial tcp [::1]:15020: connect: connection refused\n" }],
      now: NOW,
      expect: { category: "sidecar-dependency" },
    },
  ],
});
