import { annotationDeprecated } from "../../../src/rules/istio/annotation-deprecated.js";
import { testRule } from "../../helpers/rule-tester.js";

const job = (labels: string, annotations: string) =>
  `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: db-migrate\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels:\n        app: db-migrate\n${labels}      annotations:\n${annotations}    spec:\n      restartPolicy: Never\n      containers:\n      - name: migrate\n        image: ghcr.io/acme/shop-migrate:2.4.1\n`;

const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: db-migrate-7x2kq\n  namespace: shop\n  annotations:\n    kubectl.kubernetes.io/default-container: migrate\n    sidecar.istio.io/inject: "false"\nspec:\n  restartPolicy: Never\n  containers:\n  - name: migrate\n    image: ghcr.io/acme/shop-migrate:2.4.1\n`;

testRule(annotationDeprecated, {
  scope: "lint",
  valid: [
    { name: "the inject label", mode: "lint", files: { "job.yaml": job('        sidecar.istio.io/inject: "false"\n', "        sidecar.istio.io/proxyCPU: 100m\n") } },
    // istioctl analyze reads the annotations of Pods, Deployments, Services and Namespaces, not of pod templates.
    { name: "inject annotation on a pod template", mode: "lint", files: { "job.yaml": job("", '        sidecar.istio.io/inject: "false"\n') } },
    { name: "label and annotation both set", mode: "lint", files: { "job.yaml": job('        sidecar.istio.io/inject: "false"\n', '        sidecar.istio.io/inject: "false"\n') } },
  ],
  invalid: [
    {
      name: "inject annotation on a Pod without the label",
      mode: "lint",
      files: { "pod.yaml": pod },
      expect: {
        severity: "info",
        resource: { kind: "Pod", name: "db-migrate-7x2kq", line: 8 },
        summary: /sidecar.istio.io\/inject is deprecated; use the "sidecar.istio.io\/inject" label/,
        fixIncludes: [/label instead of the annotation/],
        equivalents: ["IST0135"],
      },
    },
    {
      name: "stats inclusion prefixes",
      mode: "lint",
      files: { "job.yaml": job("", "        sidecar.istio.io/statsInclusionPrefixes: cluster.outbound\n") },
      expect: { summary: /use proxyStatsMatcher.inclusionPrefixes/ },
    },
  ],
});
