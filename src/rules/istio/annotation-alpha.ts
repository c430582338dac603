import { defineRule } from "../../contract/rule.js";
import { blockLabel, istioAnnotationsOf } from "./annotated.js";
import { analyzeCommand, reportIstio } from "./finding.js";

/** Set by Istio itself (injector, gateway controller, revision tags), never by the user. */
const SET_BY_ISTIO = new Set(["sidecar.istio.io/status", "gateway.istio.io/controller-version", "istio.io/rev"]);
/** Written by the injector when istio-cni does the traffic capture (no istio-init container). */
const SET_WITH_CNI = new Set(["sidecar.istio.io/interceptionMode", "traffic.sidecar.istio.io/includeInboundPorts", "traffic.sidecar.istio.io/excludeInboundPorts", "traffic.sidecar.istio.io/includeOutboundIPRanges"]);

/**
 * An Istio annotation of an alpha-phase feature: it may change or be removed
 * without notice. Opt-in (`--enable istio/annotation-alpha`), like istioctl's
 * AlphaAnalyzer, because many alpha annotations are everyday ones.
 *
 * | case | finding |
 * |---|---|
 * | Service with `networking.istio.io/exportTo` | IST0136 |
 * | Pod with `istio-init` and `sidecar.istio.io/interceptionMode` | IST0136 |
 * | Pod without `istio-init` (istio-cni) and `sidecar.istio.io/interceptionMode` | none (the injector wrote it) |
 * | Pod with `sidecar.istio.io/status` or `istio.io/rev` | none (set by Istio) |
 * | Pod with `proxy.istio.io/config` | none (beta) |
 */
export const annotationAlpha = defineRule({
  id: "istio/annotation-alpha",
  category: "config-schema-error",
  severity: "info",
  title: "Istio annotation of an alpha-phase feature",
  docs: {
    cause: "The annotation belongs to an alpha-phase Istio feature: it may change behaviour or disappear in a later release and is not covered by Istio's stability guarantees.",
    fix: "Keep it if you need the feature and test it on every upgrade; prefer a beta or stable API where one exists (ProxyConfig, MeshConfig, Telemetry).",
    verify: ["istioctl analyze -n <namespace>"],
    references: ["https://istio.io/latest/docs/reference/config/annotations/", "https://istio.io/latest/docs/releases/feature-stages/", "https://istio.io/latest/docs/reference/config/analysis/ist0136/"],
  },
  equivalents: ["IST0136"],
  inputs: ["manifests", "pods", "workloads", "services"],
  reads: ["CronJob", "DaemonSet", "Deployment", "EndpointSlice", "Endpoints", "Job", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  optIn: true,
  messages: {
    "alpha-annotation": "{block}: {key} is an alpha-phase feature",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const { block, key, known, path } of istioAnnotationsOf(view)) {
      if (known?.status !== "Alpha" || SET_BY_ISTIO.has(key)) continue;
      if (SET_WITH_CNI.has(key) && block.kind === "Pod" && !block.initContainers.includes("istio-init")) continue;
      reportIstio(this, ctx, {
        object: block.object,
        code: "IST0136",
        args: [key],
        path,
        message: "alpha-annotation",
        data: { block: blockLabel(block), key },
        cause: `${key} belongs to an alpha-phase Istio feature; it may change or be removed in a later release.`,
        fix: { description: "Nothing to change if the feature is needed; re-test it on every Istio upgrade.", commands: [] },
        verify: [analyzeCommand(block.object)],
      });
    }
  },
});
