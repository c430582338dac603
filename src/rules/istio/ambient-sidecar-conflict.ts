import { defineRule } from "../../contract/rule.js";
import { reportIstio } from "./finding.js";
import { nameOf, refOf } from "../../k8s/objects.js";
import {
  ambientByLabels,
  ambientWorkloads,
  DATAPLANE_MODE_LABEL,
  isAmbientNamespace,
  isGatewayWorkload,
  isWaypointWorkload,
  podRedirectedToAmbient,
  predictedPods,
  sidecarByLabels,
  type AmbientWorkload,
} from "../../istio/ambient.js";
import { declaredNamespaceLabels } from "../../k8s/namespaces.js";
import { hasSidecar } from "../../istio/sidecar.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/** A merge patch setting `sidecar.istio.io/inject=false` at the workload's labels, then the restart that applies it. */
function fixCommands(workload: AmbientWorkload): string[] {
  const ns = namespaceFlag(workload.namespace);
  const kind = workload.object.kind.toLowerCase();
  if (workload.object.kind === "Pod") return [`kubectl${ns} get pod ${workload.name} -o yaml > pod.yaml   # add the label sidecar.istio.io/inject: "false"`, `kubectl${ns} replace --force -f pod.yaml`];
  let patch: unknown = { "sidecar.istio.io/inject": "false" };
  for (const key of [...workload.labelsPath].reverse()) patch = { [key]: patch };
  const restart = ["Deployment", "StatefulSet", "DaemonSet"].includes(workload.object.kind) ? [`kubectl${ns} rollout restart ${kind} ${workload.name}`] : [];
  return [`kubectl${ns} patch ${kind} ${workload.name} --type merge -p '${JSON.stringify(patch)}'`, ...restart];
}

/**
 * Kiali's KIA1311, KIA1314, KIA1315, KIA1316: a workload set up for both data-plane modes. The
 * sidecar wins (ztunnel skips pods that run one), so ambient policies and waypoints do not apply to
 * it, and a pod already captured by ztunnel changes mode on its next restart.
 */
export const ambientSidecarConflict = defineRule({
  id: "istio/ambient-sidecar-conflict",
  category: "sidecar-config-error",
  severity: "warning",
  title: "Workload set up for both sidecar and ambient mode",
  docs: {
    cause: "The workload (or its namespace) asks for ambient mode (`istio.io/dataplane-mode=ambient`) and for sidecar injection (`istio-injection=enabled`, `istio.io/rev`, `sidecar.istio.io/inject=true`), or its pods run in one mode while the labels ask for the other. A pod with a sidecar is left out of ambient capture, so waypoint policies and ztunnel do not serve it; a pod captured by ztunnel gets a sidecar on its next restart.",
    fix: "Choose one mode: remove the injection label (ambient) or the dataplane-mode label (sidecar), or label the workload `istio.io/dataplane-mode=none` / `sidecar.istio.io/inject=false`, then restart it.",
    verify: ["kubectl get ns <namespace> --show-labels", "kubectl get pod <pod> -n <namespace> -o jsonpath='{.metadata.annotations.ambient\\.istio\\.io/redirection}{\" \"}{.spec.containers[*].name}'"],
    references: ["https://istio.io/latest/docs/ambient/usage/add-workloads/", "https://istio.io/latest/docs/ambient/usage/add-workloads/#ambient-and-kubernetes-labels", "https://kiali.io/docs/features/validations/"],
  },
  equivalents: ["KIA1311", "KIA1314", "KIA1315", "KIA1316"],
  inputs: ["pods", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: [],
  scopes: ["lint", "diagnose"],
  messages: {
    "both-data-plane-modes": "{workload} is set up for both data-plane modes: {reasons}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of ambientWorkloads(view)) {
      if (isWaypointWorkload(workload.labels) || isGatewayWorkload(workload)) continue;
      const namespaceLabels = declaredNamespaceLabels(view, workload.namespace);
      const ambient = ambientByLabels(workload.labels, namespaceLabels);
      const sidecar = sidecarByLabels(workload.labels, namespaceLabels);
      const redirected = workload.pods.filter(podRedirectedToAmbient);
      const withSidecar = workload.pods.filter(hasSidecar);
      const predicted = predictedPods(view, workload);
      const reasons: Array<{ codes: string[]; text: string }> = [];
      // On manifests the pods are foretold: labels for both modes give them a sidecar, which is Kiali's KIA1315 once they run.
      if (ambient && sidecar) reasons.push({ codes: predicted?.sidecar ? ["KIA1311", "KIA1315"] : ["KIA1311"], text: "its labels ask for both ambient mode and sidecar injection" });
      if (sidecar && redirected.length > 0) reasons.push({ codes: ["KIA1314"], text: `it is labelled for sidecar injection but pod ${nameOf(redirected[0]!)} is captured by ztunnel (ambient.istio.io/redirection=enabled)` });
      if (ambient && withSidecar.length > 0) reasons.push({ codes: ["KIA1315"], text: `it is labelled for ambient mode but pod ${nameOf(withSidecar[0]!)} runs an istio-proxy sidecar` });
      if (workload.pods.length > 0 && withSidecar.length === workload.pods.length && isAmbientNamespace(namespaceLabels)) reasons.push({ codes: ["KIA1316"], text: `its pods run a sidecar in namespace ${workload.namespace}, whose data plane is ambient` });
      if (predicted?.sidecar && isAmbientNamespace(namespaceLabels)) reasons.push({ codes: ["KIA1316"], text: `its pods will run a sidecar (${predicted.injectedBy ?? ""}) in namespace ${workload.namespace}, whose data plane is ambient` });
      if (reasons.length === 0) continue;
      const subject = refOf(workload.object);
      reportIstio(this, ctx, {
        object: workload.object,
        istioMessage: "This workload has both sidecar and Ambient configuration",
        path: workload.labelsPath,
        message: "both-data-plane-modes",
        data: { workload: subject, reasons: reasons.map((reason) => reason.text).join("; ") },
        cause: "A pod with a sidecar is not captured by ztunnel, so it is not served by ambient mode or its waypoints; which mode a pod gets depends on when it was started.",
        fix: {
          description: `Label ${subject} sidecar.istio.io/inject=false to use ambient, or ${DATAPLANE_MODE_LABEL}=none to stay in sidecar mode, then restart it.`,
          commands: fixCommands(workload),
        },
        equivalents: [...new Set(reasons.flatMap((reason) => reason.codes))],
        verify: [`kubectl get ns ${workload.namespace || "<namespace>"} --show-labels`, `kubectl get pods${namespaceFlag(workload.namespace)} -o wide`],
      });
    }
  },
});
