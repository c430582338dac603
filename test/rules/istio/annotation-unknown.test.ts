import { annotationUnknown } from "../../../src/rules/istio/annotation-unknown.js";
import { testRule } from "../../helpers/rule-tester.js";

const service = (annotations: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  namespace: bookinfo\n  annotations:\n${annotations}spec:\n  selector:\n    app: reviews\n  ports:\n  - name: http\n    port: 9080\n`;
const deployment = (annotations: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: reviews-v1\n  namespace: bookinfo\nspec:\n  selector:\n    matchLabels:\n      app: reviews\n  template:\n    metadata:\n      labels:\n        app: reviews\n      annotations:\n${annotations}    spec:\n      containers:\n      - name: reviews\n        image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.2\n`;

testRule(annotationUnknown, {
  scope: "lint",
  valid: [
    { name: "known Istio annotation", mode: "lint", files: { "svc.yaml": service('    networking.istio.io/exportTo: "."\n') } },
    { name: "annotation of another project", mode: "lint", files: { "svc.yaml": service("    kubernetes.io/psp: my-privileged-psp\n") } },
    { name: "misspelt injector annotation on a pod template (sidecar/proxy-config-error reports it)", mode: "lint", files: { "deploy.yaml": deployment('        sidecar.istio.io/proxyCPUs: "200m"\n') } },
  ],
  invalid: [
    {
      name: "typo of exportTo on a Service",
      mode: "lint",
      files: { "svc.yaml": service("    networking.istio.io/exportToo: \".\"\n") },
      expect: { severity: "warning", resource: { kind: "Service", name: "reviews", line: 7 }, summary: /did you mean networking.istio.io\/exportTo/, fixIncludes: ["networking.istio.io/exportTo", "kubectl apply --dry-run=server -f svc.yaml"], equivalents: ["IST0108"] },
    },
    {
      name: "unknown annotation with nothing close: remove it",
      mode: "lint",
      files: { "svc.yaml": service("    networking.istio.io/exportThree: bar\n") },
      expect: { summary: "unknown Istio annotation networking.istio.io/exportThree", fixIncludes: [/Remove networking.istio.io\/exportThree/] },
    },
    {
      name: "unknown non-injector annotation on a pod template",
      mode: "lint",
      files: { "deploy.yaml": deployment("        ambient.istio.io/redirect: enabled\n") },
      expect: { resource: { kind: "Deployment", line: 15 }, summary: /pod template: unknown Istio annotation ambient.istio.io\/redirect \(did you mean ambient.istio.io\/redirection\?\)/ },
    },
    {
      name: "live cluster: the fix is a merge patch that drops the key",
      mode: "live",
      files: { "svc.json": JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "reviews", namespace: "bookinfo", annotations: { "networking.istio.io/exportToo": "." } }, spec: { ports: [{ name: "http", port: 9080 }] } }) },
      expect: { fixIncludes: [`kubectl patch service reviews -n bookinfo --type merge -p '{"metadata":{"annotations":{"networking.istio.io/exportToo":null,"networking.istio.io/exportTo":"."}}}'`] },
    },
  ],
});
