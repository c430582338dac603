import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { closest } from "../../k8s/lookup.js";
import { nestedChange, objectChangeFix, reportObject, type RuleMeta } from "./report.js";
import { objects, str, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/storage-class-missing",
  category: "storage-unavailable",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl get storageclass", "kubectl get pvc -n <namespace>", "kubectl describe pvc <name> -n <namespace>"] },
};

export const storageClassMissingRule = defineRule({
  ...meta,
  title: "A PersistentVolumeClaim asks for a StorageClass that does not exist",
  docs: {
    cause:
      "The claim (or a StatefulSet's volumeClaimTemplate) names a StorageClass the cluster does not have. Nothing provisions it: the PVC stays Pending (`storageclass.storage.k8s.io \"x\" not found`) and so does every pod that mounts it.",
    fix: "Use a StorageClass the cluster has (`kubectl get storageclass`), or omit storageClassName to use the default class.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/storage/storage-classes/"],
  },
  inputs: ["workloads", "manifests", "pods"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "PersistentVolumeClaim", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet", "StorageClass"],
  requires: ["manifests"],
  scopes: ["lint", "diagnose"],
  messages: {
    "storage-class-missing": "PVC {claimName} asks for StorageClass \"{storageClass}\", which does not exist{hint}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const classes = view.kind("StorageClass").map((c) => c.metadata.name ?? "");
    // Only a cluster inventory (or a manifest set that defines its classes) says which classes exist.
    if (classes.length === 0) return;
    const check = (object: KubeObject, spec: Record<string, unknown> | undefined, path: (string | number)[], claimName: string) => {
      const name = str(spec?.storageClassName);
      if (!name || classes.includes(name)) return;
      const suggestion = closest(name, classes);
      const replacement = suggestion ?? classes.find((c) => view.kind("StorageClass").some((sc) => sc.metadata.name === c && sc.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true"));
      const change = nestedChange(object, [...path, "storageClassName"], () => replacement ?? null);
      reportObject(ctx, meta, object, {
        field: [...path, "storageClassName"],
        message: "storage-class-missing",
        data: { claimName, storageClass: name, hint: suggestion ? `; did you mean "${suggestion}"?` : "" },
        cause: `No StorageClass "${name}" exists (the cluster has: ${classes.join(", ") || "none"}). The claim stays Pending and the pods that mount it are unschedulable (\`pod has unbound immediate PersistentVolumeClaims\`).`,
        confidence: 0.9,
        fix: () => objectChangeFix(view, object, change.before, change.after, replacement ? `Use StorageClass "${replacement}".` : "Remove storageClassName to use the cluster's default class, or create the class."),
      });
    };
    for (const pvc of view.kind("PersistentVolumeClaim")) check(pvc, pvc.spec, ["spec"], pvc.metadata.name ?? "");
    for (const workload of workloadsOf(view)) {
      if (workload.kind !== "StatefulSet") continue;
      objects(workload.object.spec?.volumeClaimTemplates).forEach((template, index) => {
        check(workload.object, template.spec as Record<string, unknown> | undefined, ["spec", "volumeClaimTemplates", index, "spec"], `template ${String((template.metadata as { name?: string } | undefined)?.name ?? index)} of StatefulSet ${workload.name}`);
      });
    }
  },
});
