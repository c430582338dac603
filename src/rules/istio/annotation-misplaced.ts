import { defineRule } from "../../contract/rule.js";
import type { Fix } from "../../model/finding.js";
import { podTemplatePath } from "../../k8s/workloads.js";
import { blockLabel, istioAnnotationsOf, metadataFix, type AnnotatedMetadata } from "./annotated.js";
import type { IstioAnnotation } from "../../istio/annotation-catalogue.js";
import { analyzeCommand, reportIstio } from "./finding.js";
import type { ClusterView } from "../../view/cluster-view.js";

/**
 * An Istio annotation on a kind of resource it has no effect on. The common
 * case: a pod annotation (`sidecar.istio.io/*`, `proxy.istio.io/config`) on a
 * Deployment's own metadata instead of its pod template, so the injector never
 * sees it.
 *
 * | case | finding |
 * |---|---|
 * | Deployment metadata with `sidecar.istio.io/proxyCPU` | IST0107, fix moves it into spec.template.metadata |
 * | Pod with `kubernetes.io/ingress.class` | IST0107, only Ingress reads it: remove |
 * | Namespace with `kubernetes.io/ingress.class` | IST0107 |
 * | Pod template with `networking.istio.io/exportTo` | IST0107, it belongs on the Service |
 * | Deployment with `galley.istio.io/analyze-suppress` | none (applies to any kind) |
 */
export const annotationMisplaced = defineRule({
  id: "istio/annotation-misplaced",
  category: "config-schema-error",
  severity: "warning",
  title: "Istio annotation on a kind of resource it does not apply to",
  docs: {
    cause:
      "Istio reads each annotation on particular kinds only. A pod annotation set on a Deployment's own metadata (instead of spec.template.metadata) never reaches the pods, " +
      "so the injector does not see it; an Ingress or Service annotation on a Pod or Namespace does nothing.",
    fix: "Move the annotation to where Istio reads it: the pod template for pod annotations, the Service or Ingress for theirs.",
    verify: ["istioctl analyze -n <namespace>   # no IST0107", "kubectl get pod <pod> -n <namespace> -o jsonpath='{.metadata.annotations}'   # after the rollout"],
    references: ["https://istio.io/latest/docs/reference/config/annotations/", "https://istio.io/latest/docs/reference/config/analysis/ist0107/"],
  },
  equivalents: ["IST0107"],
  inputs: ["manifests", "pods", "workloads", "services"],
  reads: ["CronJob", "DaemonSet", "Deployment", "EndpointSlice", "Endpoints", "Job", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "misplaced-annotation": "{block}: {key} only applies to {where}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const { block, key, value, known, path } of istioAnnotationsOf(view)) {
      if (!known || known.appliesTo.includes("Any") || known.appliesTo.includes(block.kind)) continue;
      const where = known.appliesTo.join(", ");
      reportIstio(this, ctx, {
        object: block.object,
        code: "IST0107",
        args: [key, where],
        path,
        message: "misplaced-annotation",
        data: { block: blockLabel(block), key, where },
        cause: `Istio reads ${key} on ${where} only; on ${block.kind === "Pod" && block.metadataPath.length > 1 ? "a pod template" : `a ${block.kind}`} it has no effect.`,
        fix: () => moveFix(view, block, key, value, known),
        verify: [analyzeCommand(block.object)],
      });
    }
  },
});

function moveFix(view: ClusterView, block: AnnotatedMetadata, key: string, value: string, known: IstioAnnotation): Fix {
  const templatePath = podTemplatePath(block.object.kind);
  const remove = { metadataPath: block.metadataPath, before: { annotations: { [key]: value } }, after: { annotations: {} } };
  if (known.appliesTo.includes("Pod") && templatePath && block.metadataPath.length === 1) {
    const template = [...templatePath, "metadata"];
    return metadataFix(view, block.object, [remove, { metadataPath: template, before: {}, after: { annotations: { [key]: value } } }], `Move ${key} from the ${block.object.kind}'s metadata into its pod template (spec.template.metadata.annotations), where the injector reads it; the pods are recreated by the rollout.`);
  }
  return metadataFix(view, block.object, [remove], `Remove ${key} here${known.appliesTo.length > 0 ? ` and set it on the ${known.appliesTo.join(" or ")} it is meant for` : ""}.`);
}
