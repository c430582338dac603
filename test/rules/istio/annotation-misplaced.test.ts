import { annotationMisplaced } from "../../../src/rules/istio/annotation-misplaced.js";
import { testRule } from "../../helpers/rule-tester.js";

const deployment = (top: string, template = "") =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: fortio-deploy\n  namespace: default\n  annotations:\n${top}spec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: fortio\n  template:\n    metadata:\n      labels:\n        app: fortio\n${template}    spec:\n      containers:\n      - name: fortio\n        image: fortio/fortio:1.69.5\n`;
const pod = (annotations: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: grafana-test\n  namespace: default\n  annotations:\n${annotations}spec:\n  containers:\n  - name: grafana-test\n    image: grafana/grafana:12.1.0\n`;

testRule(annotationMisplaced, {
  scope: "lint",
  valid: [
    {
      name: "a Deployment's ReplicaSet carries the Deployment's annotations: reported on the Deployment only",
      mode: "live",
      files: {
        "rs.yaml":
          "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: fortio-deploy-6d4f8b7c9\n  namespace: default\n  annotations:\n    deployment.kubernetes.io/revision: \"2\"\n    sidecar.istio.io/statsInclusionPrefixes: cluster.outbound\n  ownerReferences:\n  - apiVersion: apps/v1\n    kind: Deployment\n    name: fortio-deploy\n    uid: 5b0c6f0e-3c1f-4c8a-9a43-1d2e0f6a7b21\n    controller: true\nspec:\n  selector:\n    matchLabels:\n      app: fortio\n  template:\n    metadata:\n      labels:\n        app: fortio\n    spec:\n      containers:\n      - name: fortio\n        image: fortio/fortio:1.69.5\n",
      },
    },
    { name: "pod annotation in the pod template", mode: "lint", files: { "deploy.yaml": deployment("    deployment.kubernetes.io/revision: \"3\"\n", "      annotations:\n        sidecar.istio.io/proxyCPU: 200m\n") } },
    { name: "annotation that applies to any kind", mode: "lint", files: { "deploy.yaml": deployment("    galley.istio.io/analyze-suppress: IST0103\n") } },
    { name: "proxy.istio.io/config on a Pod", mode: "lint", files: { "pod.yaml": pod('    proxy.istio.io/config: "{}"\n') } },
  ],
  invalid: [
    {
      name: "pod annotation on the Deployment's own metadata",
      mode: "lint",
      files: { "deploy.yaml": deployment("    sidecar.istio.io/statsInclusionPrefixes: cluster.outbound\n") },
      expect: {
        severity: "warning",
        resource: { kind: "Deployment", name: "fortio-deploy", line: 7 },
        summary: "Deployment default/fortio-deploy: sidecar.istio.io/statsInclusionPrefixes only applies to Pod",
        fixIncludes: [/Move sidecar.istio.io\/statsInclusionPrefixes .* pod template/, "kubectl apply -f deploy.yaml"],
        equivalents: ["IST0107"],
      },
    },
    { name: "Ingress annotation on a Pod", mode: "lint", files: { "pod.yaml": pod('    kubernetes.io/ingress.class: "istio"\n') }, expect: { resource: { kind: "Pod", line: 7 }, summary: /kubernetes.io\/ingress.class only applies to Ingress/, fixIncludes: [/Remove kubernetes.io\/ingress.class here/] } },
    {
      name: "Ingress annotation on a Namespace",
      mode: "lint",
      files: { "ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: staging\n  annotations:\n    kubernetes.io/ingress.class: \"foo\"\n" },
      expect: { resource: { kind: "Namespace", name: "staging", line: 6 } },
    },
    {
      name: "Service annotation in a pod template",
      mode: "lint",
      files: { "deploy.yaml": deployment("    deployment.kubernetes.io/revision: \"3\"\n", "      annotations:\n        networking.istio.io/exportTo: \".\"\n") },
      expect: { resource: { kind: "Deployment", line: 18 }, summary: /pod template: networking.istio.io\/exportTo only applies to Service/ },
    },
  ],
});
