import { defineRule } from "../../contract/rule.js";
import { fieldEvidence, reportIstio } from "./finding.js";
import { refOf } from "../../k8s/objects.js";
import {
  ambientWorkloads,
  isWaypointWorkload,
  namespaceInInputs,
  predictedPods,
  resolveWaypoint,
  USE_WAYPOINT_LABEL,
  waypointReferenceOf,
  waypointsOf,
} from "../../istio/ambient.js";
import { declaredNamespaceLabels } from "../../k8s/namespaces.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/**
 * Kiali's KIA1313: a running workload enrolled (by its own label or its namespace's) in a waypoint
 * that does not exist, or that serves no traffic (`istio.io/waypoint-for=none`); on manifests, a
 * controller that will run pods (its Namespace in the inputs, replicas not 0).
 */
export const ambientWaypointNotFound = defineRule({
  id: "istio/ambient-waypoint-not-found",
  category: "routing-reference-not-found",
  severity: "warning",
  title: "Workload uses a waypoint that does not exist",
  docs: {
    cause: "`istio.io/use-waypoint` on the workload or its namespace names a waypoint (a Gateway of class istio-waypoint in the namespace of `istio.io/use-waypoint-namespace`, or the workload's own) that the cluster does not have, or one labelled `istio.io/waypoint-for=none`. No waypoint serves the workload, so the L7 policies and routes meant for it are not applied.",
    fix: "Deploy the waypoint (`istioctl waypoint apply -n <namespace> --name <waypoint>`), or correct the label to name an existing waypoint.",
    verify: ["kubectl get gateways.gateway.networking.k8s.io -A", "istioctl waypoint list -A", "istioctl ztunnel-config workload"],
    references: ["https://istio.io/latest/docs/ambient/usage/waypoint/#configure-a-pod-to-use-a-specific-waypoint", "https://istio.io/latest/docs/ambient/usage/waypoint/#use-a-waypoint-proxy", "https://kiali.io/docs/features/validations/"],
  },
  equivalents: ["KIA1313"],
  inputs: ["pods", "workloads", "istio"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  // Pods decide; without them (manifests) the template and the Namespace do.
  requires: ["workloads"],
  scopes: ["diagnose", "lint"],
  messages: {
    "waypoint-unusable": "{workload} is enrolled in waypoint {waypoint} ({label} on its {on}), but {problem}",
  },
  analyze(ctx) {
    const { view } = ctx;
    let waypoints: ReturnType<typeof waypointsOf> | undefined;
    for (const workload of ambientWorkloads(view)) {
      if (isWaypointWorkload(workload.labels) || (workload.pods.length === 0 && !predictedPods(view, workload))) continue;
      const namespaceLabels = declaredNamespaceLabels(view, workload.namespace);
      const reference = waypointReferenceOf(workload.labels, workload.namespace, namespaceLabels);
      if (!reference || !namespaceInInputs(view, reference.namespace)) continue;
      waypoints ??= waypointsOf(view);
      const { problem } = resolveWaypoint(waypoints, reference);
      if (!problem) continue;
      const namespaceObject = view.get("Namespace", undefined, workload.namespace);
      reportIstio(this, ctx, {
        object: workload.object,
        istioMessage: "This workload has annotated waypoint but it does not exist or is misconfigured",
        path: reference.on === "workload" ? [...workload.labelsPath, USE_WAYPOINT_LABEL] : workload.labelsPath,
        message: "waypoint-unusable",
        data: { workload: refOf(workload.object), waypoint: `${reference.namespace}/${reference.name}`, label: USE_WAYPOINT_LABEL, on: reference.on, problem },
        cause: `Without its waypoint the workload's traffic is not processed at L7: AuthorizationPolicies, routes and telemetry attached to ${reference.name} do not apply.`,
        fix: {
          description: `Deploy waypoint ${reference.name} in namespace ${reference.namespace}, or change ${USE_WAYPOINT_LABEL} to an existing one.`,
          commands: [`istioctl waypoint apply${namespaceFlag(reference.namespace)} --name ${reference.name}`],
        },
        ...(reference.on === "namespace" && namespaceObject ? { evidence: [fieldEvidence(view, namespaceObject, ["metadata", "labels", USE_WAYPOINT_LABEL], `Namespace ${workload.namespace} ${USE_WAYPOINT_LABEL}: ${reference.name}`)] } : {}),
        verify: [`istioctl waypoint list${namespaceFlag(reference.namespace)}`, `kubectl get gateway ${reference.name}${namespaceFlag(reference.namespace)}`],
      });
    }
  },
});
