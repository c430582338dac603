import { testRule } from "../../helpers/rule-tester.js";
import { proxyConfigError } from "../../../src/rules/sidecar/proxy-config-error.js";
import { deployment, meshedPod, namespace } from "./fixtures.js";

const ns = namespace("shop", ["istio-injection: enabled"]);

const validProxyConfig = `apiVersion: networking.istio.io/v1beta1
kind: ProxyConfig
metadata:
  name: orders-concurrency
  namespace: shop
spec:
  selector:
    matchLabels:
      app: orders
  concurrency: 2
  environmentVariables:
    ISTIO_META_DNS_CAPTURE: "true"
  image:
    imageType: distroless
`;

const badProxyConfig = `apiVersion: networking.istio.io/v1beta1
kind: ProxyConfig
metadata:
  name: orders-concurrency
  namespace: shop
spec:
  selector:
    matchLabels:
      app: orders
  concurrency: -1
  image:
    imageType: slim
`;

testRule(proxyConfigError, {
  valid: [
    { name: "injected pod with only the annotations the injector writes", files: { "ns.yaml": ns, "pod.yaml": meshedPod() } },
    {
      name: "valid resource annotations and proxy.istio.io/config",
      mode: "lint",
      files: {
        "ns.yaml": ns,
        "deploy.yaml": deployment({
          podAnnotations: ['sidecar.istio.io/proxyCPU: "100m"', 'sidecar.istio.io/proxyMemoryLimit: "512Mi"', 'traffic.sidecar.istio.io/excludeOutboundPorts: "5432,6379"', "proxy.istio.io/config: |\n  holdApplicationUntilProxyStarts: true\n  proxyMetadata:\n    ISTIO_META_DNS_CAPTURE: \"true\""],
        }),
        "pc.yaml": validProxyConfig,
      },
    },
  ],
  invalid: [
    {
      name: "misspelt annotation sidecar.istio.io/proxyMemoryLimt is ignored",
      mode: "lint",
      files: { "ns.yaml": ns, "deploy.yaml": deployment({ podAnnotations: ['sidecar.istio.io/proxyMemoryLimt: "1Gi"'] }) },
      expect: {
        count: 1,
        category: "sidecar-config-error",
        severity: "warning",
        resource: { kind: "Deployment", name: "orders", file: "deploy.yaml", line: 16 },
        evidence: ["did you mean sidecar.istio.io/proxyMemoryLimit?"],
        fixIncludes: ["sidecar.istio.io/proxyMemoryLimit: 1Gi"],
        equivalents: ["IST0108"],
      },
    },
    {
      name: "proxy.istio.io/config that is not valid YAML and a CPU that is not a quantity",
      files: {
        "ns.yaml": ns,
        "pod.yaml": meshedPod({ annotations: ["proxy.istio.io/config: '{ holdApplicationUntilProxyStarts: true'", 'sidecar.istio.io/proxyCPU: "1 core"'] }),
      },
      expect: { category: "sidecar-config-error", severity: "error", evidence: [/proxy\.istio\.io\/config: .*not valid YAML/, /"1 core" is not a Kubernetes quantity/], equivalents: ["IST0125"] },
    },
    {
      name: "proxy.istio.io/config with a wrong type and an unknown field",
      mode: "lint",
      files: { "ns.yaml": ns, "deploy.yaml": deployment({ podAnnotations: ["proxy.istio.io/config: |\n  holdApplicationUntilProxyStart: true\n  concurrency: two"] }) },
      expect: { category: "sidecar-config-error", evidence: [/unknown ProxyConfig field "holdApplicationUntilProxyStart" \(did you mean holdApplicationUntilProxyStarts\?\)/, /concurrency must be a non-negative integer/] },
    },
    {
      name: "ProxyConfig resource with negative concurrency and an unknown image type",
      files: { "ns.yaml": ns, "pc.yaml": badProxyConfig, "pod.yaml": meshedPod() },
      expect: { category: "sidecar-config-error", resource: { kind: "ProxyConfig", name: "orders-concurrency", line: 10 }, evidence: ["spec.concurrency must be a non-negative integer", 'imageType must be default, debug or distroless, not "slim"'] },
    },
  ],
});
