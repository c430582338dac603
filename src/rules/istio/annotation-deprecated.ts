import { defineRule } from "../../contract/rule.js";
import type { Fix } from "../../model/finding.js";
import { blockLabel, istioAnnotationsOf, metadataFix, type AnnotatedMetadata } from "./annotated.js";
import { analyzeCommand, reportIstio } from "./finding.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const INJECT = "sidecar.istio.io/inject";

/**
 * An Istio annotation that Istio has deprecated; it may stop working in a
 * later release. The inject annotation is the common one: the
 * `sidecar.istio.io/inject` label replaces it.
 *
 * | case | finding |
 * |---|---|
 * | Pod or Deployment with annotation `sidecar.istio.io/inject: "false"` | IST0135, fix moves it to the label |
 * | Pod template with annotation `sidecar.istio.io/inject` | none (istioctl judges the pods it makes, not the template) |
 * | the same with the label set too | none (both kept on purpose) |
 * | Deployment with `sidecar.istio.io/statsInclusionPrefixes` | IST0135, use proxyStatsMatcher |
 * | Pod with `sidecar.istio.io/proxyCPU` | none (not deprecated) |
 */
export const annotationDeprecated = defineRule({
  id: "istio/annotation-deprecated",
  category: "config-schema-error",
  severity: "info",
  title: "Deprecated Istio annotation",
  docs: {
    cause: "The annotation is deprecated in this Istio release and may stop working after an upgrade.",
    fix: "Use its replacement: the sidecar.istio.io/inject label instead of the annotation; proxyStatsMatcher in proxy.istio.io/config instead of sidecar.istio.io/statsInclusion*; istio.io/reroute-virtual-interfaces instead of kubevirtInterfaces.",
    verify: ["istioctl analyze -n <namespace>   # no IST0135"],
    references: ["https://istio.io/latest/docs/reference/config/annotations/", "https://istio.io/latest/docs/reference/config/analysis/ist0135/"],
  },
  equivalents: ["IST0135"],
  inputs: ["manifests", "pods", "workloads", "services"],
  reads: ["CronJob", "DaemonSet", "Deployment", "EndpointSlice", "Endpoints", "Job", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "deprecated-annotation": "{block}: {key} is deprecated",
    "deprecated-annotation-replaced": "{block}: {key} is deprecated; use {replacement}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const { block, key, value, known, path } of istioAnnotationsOf(view)) {
      if (!known?.deprecated || (key === INJECT && (INJECT in block.labels || block.metadataPath.length > 1))) continue;
      reportIstio(this, ctx, {
        object: block.object,
        code: "IST0135",
        args: [key, key === INJECT ? ` in favor of the "${INJECT}" label` : ""],
        path,
        ...(known.replacement
          ? { message: "deprecated-annotation-replaced", data: { block: blockLabel(block), key, replacement: known.replacement } }
          : { message: "deprecated-annotation", data: { block: blockLabel(block), key } }),
        cause: `Istio has deprecated the ${key} annotation; it may stop working in a later release.${known.replacement ? ` Its replacement is ${known.replacement}.` : " It has no replacement: remove it."}`,
        fix: () => replacementFix(view, block, key, value, known.replacement),
        verify: [analyzeCommand(block.object)],
      });
    }
  },
});

function replacementFix(view: ClusterView, block: AnnotatedMetadata, key: string, value: string, replacement: string | undefined): Fix {
  if (key === INJECT) {
    return metadataFix(
      view,
      block.object,
      [{ metadataPath: block.metadataPath, before: { annotations: { [key]: value } }, after: { annotations: {}, labels: { [INJECT]: value } } }],
      `Set the ${INJECT} label instead of the annotation (same value); injection reads the label first.`,
    );
  }
  if (!replacement) {
    return metadataFix(view, block.object, [{ metadataPath: block.metadataPath, before: { annotations: { [key]: value } }, after: { annotations: {} } }], `Remove ${key}; Istio no longer uses it.`);
  }
  return { description: `Replace ${key} with ${replacement}, then roll the workload out.`, commands: [`kubectl edit ${block.object.kind.toLowerCase()} ${String(block.object.metadata?.name ?? "")}${namespaceFlag(block.object.metadata?.namespace)}`] };
}
