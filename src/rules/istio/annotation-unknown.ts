import { defineRule } from "../../contract/rule.js";
import { blockLabel, istioAnnotationsOf, metadataFix } from "./annotated.js";
import { ISTIO_ANNOTATIONS } from "../../istio/annotation-catalogue.js";
import { analyzeCommand, reportIstio } from "./finding.js";
import { nearestWithin } from "../../util/suggest.js";
import { isSidecarAnnotation } from "../../istio/annotation-values.js";

/**
 * An annotation in Istio's domain that Istio does not define: a typo
 * (`networking.istio.io/exportToo`) or one from another release. Istio ignores
 * it, so whatever it was meant to do does not happen.
 *
 * | case | finding |
 * |---|---|
 * | Service with `networking.istio.io/exportThree` | IST0108, rename to the closest known annotation when one is close |
 * | Namespace with `topology.istio.io/controlPlaneCluster` | IST0108, "did you mean topology.istio.io/controlPlaneClusters" |
 * | Service with `networking.istio.io/exportTo` | none (known) |
 * | Service with `kubernetes.io/psp` | none (not Istio's) |
 * | Pod with `sidecar.istio.io/proxyCPUs` | none here: sidecar/proxy-config-error reports injector annotations |
 */
export const annotationUnknown = defineRule({
  id: "istio/annotation-unknown",
  category: "config-schema-error",
  severity: "warning",
  title: "Istio annotation that Istio does not define",
  docs: {
    cause: "An annotation in an istio.io domain is not one Istio defines (a typo, or one removed in this release). Istio ignores it silently, so the setting it was meant to carry is not applied.",
    fix: "Rename it to the annotation you meant (ktriage suggests the closest one), or remove it.",
    verify: ["istioctl analyze -n <namespace>   # no IST0108", "kubectl get <kind> <name> -n <namespace> -o jsonpath='{.metadata.annotations}'"],
    references: ["https://istio.io/latest/docs/reference/config/annotations/", "https://istio.io/latest/docs/reference/config/analysis/ist0108/"],
  },
  equivalents: ["IST0108"],
  inputs: ["manifests", "pods", "workloads", "services"],
  reads: ["CronJob", "DaemonSet", "Deployment", "EndpointSlice", "Endpoints", "Job", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "unknown-annotation": "{block}: unknown Istio annotation {key}",
    "unknown-annotation-typo": "{block}: unknown Istio annotation {key} (did you mean {suggestion}?)",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const { block, key, value, known, path } of istioAnnotationsOf(view)) {
      if (known || (block.kind === "Pod" && isSidecarAnnotation(key))) continue;
      const suggestion = likelyMeant(key);
      const after = suggestion ? { [suggestion]: value } : {};
      reportIstio(this, ctx, {
        object: block.object,
        code: "IST0108",
        args: [key],
        path,
        ...(suggestion
          ? { message: "unknown-annotation-typo", data: { block: blockLabel(block), key, suggestion } }
          : { message: "unknown-annotation", data: { block: blockLabel(block), key } }),
        cause: `Istio defines no annotation ${key}, so it ignores it${suggestion ? `; ${suggestion} is the closest one it defines` : ""}. Whatever it was meant to set is not applied.`,
        fix: () => metadataFix(view, block.object, [{ metadataPath: block.metadataPath, before: { annotations: { [key]: value } }, after: { annotations: after } }], suggestion ? `Rename ${key} to ${suggestion}.` : `Remove ${key}; Istio has no such annotation.`),
        verify: [analyzeCommand(block.object)],
      });
    }
  },
});

/** The defined annotation a typo was most likely meant to be: at most 2 edits away (3 for long names). */
function likelyMeant(key: string): string | undefined {
  return nearestWithin(key, ISTIO_ANNOTATIONS.keys(), key.length > 20 ? 3 : 2);
}
