import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { namespaceOf, recordOf, refOf } from "../../k8s/objects.js";
import { rootNamespace } from "../../istio/mtls.js";

/** Kiali's KIA1006: a Sidecar in the root namespace with workload labels is no mesh-wide default. */
export const sidecarRootDefaultSelector = defineRule({
  id: "istio/sidecar-root-default-selector",
  category: "istio-config-other",
  severity: "warning",
  title: "A Sidecar in the root namespace selects workloads",
  docs: {
    cause: "A Sidecar in the mesh root namespace (istio-system unless MeshConfig rootNamespace says otherwise) is the mesh-wide default only without a workloadSelector. With one it applies to the selected workloads of the root namespace alone, so the egress or ingress limits it was meant to set for the whole mesh apply nowhere else.",
    fix: "Remove workloadSelector to make it the mesh-wide default, or move it to the namespace of the workloads it selects.",
    verify: ["kubectl get sidecar -n istio-system -o yaml", "istioctl proxy-config listeners deploy/<app> -n <namespace>"],
    references: ["https://istio.io/latest/docs/reference/config/networking/sidecar/", "https://kiali.io/docs/features/validations/#kia1006---global-default-sidecar-should-not-have-workloadselector"],
  },
  equivalents: ["KIA1006"],
  inputs: ["istio", "mesh-config"],
  reads: ["Sidecar"],
  scopes: ["lint", "diagnose"],
  messages: {
    "root-sidecar-selects": "{resource} is in the root namespace {root} but selects {labels}: it is no mesh-wide default",
  },
  analyze(ctx) {
    const { view } = ctx;
    const root = rootNamespace(view);
    for (const sidecar of view.kind("Sidecar")) {
      if (namespaceOf(sidecar) !== root) continue;
      const labels = recordOf(recordOf(recordOf(sidecar.spec)?.workloadSelector)?.labels);
      if (!labels || Object.keys(labels).length === 0) continue;
      reportIstio(this, ctx, {
        object: sidecar,
        istioMessage: "Global default sidecar should not have workloadSelector",
        path: ["spec", "workloadSelector"],
        message: "root-sidecar-selects",
        data: { resource: refOf(sidecar), root, labels: Object.entries(labels).map(([k, v]) => `${k}=${String(v)}`).join(",") },
        cause: `Only a Sidecar without workloadSelector in ${root} applies to every namespace; this one applies to the selected workloads of ${root} only.`,
        fix: { description: "Remove workloadSelector (or move the Sidecar to the workloads' namespace).", yaml: { before: yamlOf({ workloadSelector: { labels } }), after: "", target: refOf(sidecar) }, commands: [kubectl("edit", sidecar)] },
        verify: [analyzeCommand(sidecar)],
      });
    }
  },
});
