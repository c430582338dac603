import { defineRule } from "../../contract/rule.js";
import { reportIstio } from "./finding.js";
import { refOf } from "../../k8s/objects.js";
import {
  ambientWorkloads,
  DATAPLANE_MODE_LABEL,
  isGatewayWorkload,
  isWaypointWorkload,
  podRedirectedToAmbient,
  predictedPods,
  USE_WAYPOINT_LABEL,
  waypointReferenceOf,
} from "../../istio/ambient.js";
import { declaredNamespaceLabels } from "../../k8s/namespaces.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/**
 * Kiali's KIA1312: a running workload enrolled in a waypoint while none of its pods is in ambient mode;
 * on manifests, a controller whose template and Namespace labels say its pods will not be.
 */
export const ambientWaypointLabelOutsideAmbient = defineRule({
  id: "istio/ambient-waypoint-label-outside-ambient",
  category: "istio-config-other",
  severity: "warning",
  title: "Workload enrolled in a waypoint is not in ambient mode",
  docs: {
    cause: "`istio.io/use-waypoint` (on the workload or its namespace) only takes effect for pods that ztunnel captures. The workload's pods are not in ambient mode (no `ambient.istio.io/redirection=enabled`: a sidecar, no `istio.io/dataplane-mode=ambient`, or opted out), so its traffic never reaches the waypoint and the L7 policies meant for it are not applied.",
    fix: "Add the workload to ambient mode (`kubectl label namespace <namespace> istio.io/dataplane-mode=ambient`, without sidecar injection) or remove the waypoint label.",
    verify: ["kubectl get pods -n <namespace> -o jsonpath='{range .items[*]}{.metadata.name}{\" \"}{.metadata.annotations.ambient\\.istio\\.io/redirection}{\"\\n\"}{end}'", "istioctl ztunnel-config workload"],
    references: ["https://istio.io/latest/docs/ambient/usage/add-workloads/", "https://istio.io/latest/docs/ambient/usage/waypoint/#use-a-waypoint-proxy", "https://kiali.io/docs/features/validations/"],
  },
  equivalents: ["KIA1312"],
  inputs: ["pods", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  // Pods decide; without them (manifests) the template and the Namespace do.
  requires: ["workloads"],
  scopes: ["diagnose", "lint"],
  messages: {
    "not-captured": "{workload} is enrolled in waypoint {waypoint} ({label} on its {on}), but none of its {pods} pod(s) is captured by ztunnel",
    "will-not-be-captured": "{workload} is enrolled in waypoint {waypoint} ({label} on its {on}), but ztunnel will not capture its pods: {because}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of ambientWorkloads(view)) {
      if (isWaypointWorkload(workload.labels) || isGatewayWorkload(workload) || workload.pods.some(podRedirectedToAmbient)) continue;
      const predicted = workload.pods.length === 0 ? predictedPods(view, workload) : undefined;
      if (workload.pods.length === 0 && (!predicted || predicted.captured)) continue;
      const reference = waypointReferenceOf(workload.labels, workload.namespace, declaredNamespaceLabels(view, workload.namespace));
      if (!reference) continue;
      reportIstio(this, ctx, {
        object: workload.object,
        istioMessage: "This workload has waypoint labels but is not in Ambient",
        path: reference.on === "workload" ? [...workload.labelsPath, USE_WAYPOINT_LABEL] : workload.labelsPath,
        ...(predicted
          ? { message: "will-not-be-captured", data: { workload: refOf(workload.object), waypoint: `${reference.namespace}/${reference.name}`, label: USE_WAYPOINT_LABEL, on: reference.on, because: predicted.because } }
          : { message: "not-captured", data: { workload: refOf(workload.object), waypoint: `${reference.namespace}/${reference.name}`, label: USE_WAYPOINT_LABEL, on: reference.on, pods: workload.pods.length } }),
        cause: "Only ambient pods send their traffic through ztunnel to a waypoint; the label has no effect on these pods.",
        fix: {
          description: `Enroll namespace ${workload.namespace} in ambient mode without sidecar injection, or remove ${USE_WAYPOINT_LABEL}.`,
          commands: [`kubectl label namespace ${workload.namespace} ${DATAPLANE_MODE_LABEL}=ambient`, `kubectl${namespaceFlag(workload.namespace)} rollout restart ${workload.object.kind.toLowerCase()} ${workload.name}`],
        },
        verify: ["istioctl ztunnel-config workload", `kubectl get pods${namespaceFlag(workload.namespace)} --show-labels`],
      });
    }
  },
});
