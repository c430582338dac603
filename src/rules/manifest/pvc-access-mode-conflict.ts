import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { findNamed } from "../../k8s/lookup.js";
import { fieldEvidence, objectChangeFix, reportObject, workloadLabel, type RuleMeta } from "./report.js";
import { asArray, objects, str, workloadsOf } from "../../k8s/pod-templates.js";
import type { Workload } from "../../k8s/workloads.js";

const meta: RuleMeta = {
  id: "manifest/pvc-access-mode-conflict",
  category: "storage-unavailable",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl get pvc -n <namespace> -o custom-columns=NAME:.metadata.name,MODES:.spec.accessModes", "kubectl get pods -n <namespace> -o wide   # the extra pods stay Pending"] },
};

interface Use {
  workload: Workload;
  volumeIndex: number;
  pods: number;
}

/**
 * | claim access modes | pods that mount it | finding |
 * |---|---|---|
 * | ReadWriteOncePod | 2 or more (replicas, or several workloads) | error: all but one stay Pending |
 * | ReadWriteOnce | 2 or more, DaemonSet or several workloads | warning: pods on another node cannot attach it |
 * | ReadWriteMany / ReadOnlyMany, or one pod | none |
 */
export const pvcAccessModeConflictRule = defineRule({
  ...meta,
  title: "More pods mount a PersistentVolumeClaim than its access mode lets attach",
  docs: {
    cause:
      "A ReadWriteOncePod claim attaches to one pod only, and a ReadWriteOnce claim to the pods of one node. A Deployment with several replicas, a DaemonSet or several workloads sharing the claim get pods that wait Pending (`Multi-Attach error for volume`, `node(s) didn't find available persistent volumes to bind`, or the ReadWriteOncePod preemption message).",
    fix: "Give each pod its own claim (a StatefulSet volumeClaimTemplate), run one replica, or use a StorageClass that supports ReadWriteMany and ask for it.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes"],
  },
  inputs: ["workloads", "manifests", "pods"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "PersistentVolumeClaim", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: ["manifests"],
  scopes: ["lint", "diagnose"],
  messages: {
    "shared-single-node-claim": "PVC {claimName} is {once} but {who} mount it: {consequence}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const uses = new Map<KubeObject, Use[]>();
    for (const workload of workloadsOf(view)) {
      asArray(workload.spec.volumes).forEach((volume, volumeIndex) => {
        const source = objects([volume])[0]?.persistentVolumeClaim;
        const claim = str(objects([source])[0]?.claimName);
        if (!claim) return;
        const pvc = findNamed(view, "PersistentVolumeClaim", workload.namespace, claim);
        if (!pvc) return;
        const pods = workload.kind === "DaemonSet" ? Number.POSITIVE_INFINITY : workload.replicas;
        const list = uses.get(pvc) ?? [];
        list.push({ workload, volumeIndex, pods });
        uses.set(pvc, list);
      });
    }
    for (const [pvc, list] of uses) {
      const modes = asArray(pvc.spec?.accessModes).map(String);
      if (modes.some((mode) => mode === "ReadWriteMany" || mode === "ReadOnlyMany")) continue;
      const total = list.reduce((sum, use) => sum + use.pods, 0);
      if (total < 2) continue;
      const once = modes.includes("ReadWriteOncePod") ? "ReadWriteOncePod" : modes.includes("ReadWriteOnce") ? "ReadWriteOnce" : undefined;
      if (!once) continue;
      // Several replicas of one Deployment on one ReadWriteOnce claim can share a node; only the scheduler decides.
      if (once === "ReadWriteOnce" && list.length === 1 && list[0]!.workload.kind !== "DaemonSet") continue;
      const first = list[0]!;
      const who = list.map((use) => `${workloadLabel(use.workload)}${use.workload.kind === "DaemonSet" ? " (one pod per node)" : use.pods > 1 ? ` (${use.pods} replicas)` : ""}`).join(", ");
      const claimName = pvc.metadata.name ?? "";
      reportObject(ctx, meta, first.workload.object, {
        field: [...first.workload.specPath, "volumes", first.volumeIndex, "persistentVolumeClaim", "claimName"],
        message: "shared-single-node-claim",
        data: { claimName, once, who, consequence: once === "ReadWriteOncePod" ? "only one pod can start" : "pods on a second node cannot attach it" },
        cause:
          once === "ReadWriteOncePod"
            ? `A ReadWriteOncePod volume attaches to a single pod; the other ${total === Number.POSITIVE_INFINITY ? "pods" : total - 1} stay Pending and the rollout never completes.`
            : "A ReadWriteOnce volume attaches to one node at a time; any pod scheduled on another node waits in ContainerCreating with `Multi-Attach error for volume`.",
        severity: once === "ReadWriteOncePod" ? "error" : "warning",
        confidence: once === "ReadWriteOncePod" ? 0.9 : 0.7,
        evidence: [fieldEvidence(view, pvc, ["spec", "accessModes"], `PVC ${claimName} accessModes: ${modes.join(", ")}`)],
        fix: () => objectChangeFix(view, pvc, { spec: { accessModes: modes } }, { spec: { accessModes: ["ReadWriteMany"] } }, `Ask for ReadWriteMany (its StorageClass must support it), or give each pod its own claim (StatefulSet volumeClaimTemplates).`),
      });
    }
  },
});
