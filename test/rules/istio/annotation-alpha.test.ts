import { annotationAlpha } from "../../../src/rules/istio/annotation-alpha.js";
import { testRule } from "../../helpers/rule-tester.js";

const pod = (annotations: string, initContainer = "") =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: productpage-v1-7f9d8c6b5-x2x4q\n  namespace: bookinfo\n  annotations:\n${annotations}spec:\n${initContainer}  containers:\n  - name: productpage\n    image: docker.io/istio/examples-bookinfo-productpage-v1:1.20.2\n`;
const istioInit = "  initContainers:\n  - name: istio-init\n    image: docker.io/istio/proxyv2:1.27.1\n";

testRule(annotationAlpha, {
  scope: "lint",
  valid: [
    { name: "set by Istio itself", mode: "lint", files: { "pod.yaml": pod('    sidecar.istio.io/status: \'{"initContainers":["istio-init"]}\'\n    istio.io/rev: default\n') } },
    { name: "written by the injector with istio-cni", mode: "lint", files: { "pod.yaml": pod("    sidecar.istio.io/interceptionMode: REDIRECT\n") } },
    { name: "beta annotation", mode: "lint", files: { "pod.yaml": pod('    proxy.istio.io/config: "{}"\n') } },
  ],
  invalid: [
    { name: "interception mode with istio-init", mode: "lint", files: { "pod.yaml": pod("    sidecar.istio.io/interceptionMode: REDIRECT\n", istioInit) }, expect: { severity: "info", resource: { kind: "Pod", line: 7 }, equivalents: ["IST0136"], summary: /sidecar.istio.io\/interceptionMode is an alpha-phase feature/ } },
    { name: "exportTo on a Service", mode: "lint", files: { "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: httpbin\n  annotations:\n    networking.istio.io/exportTo: baz\nspec:\n  ports:\n  - name: http\n    port: 8000\n" }, expect: { resource: { kind: "Service", name: "httpbin", line: 6 } } },
  ],
});
