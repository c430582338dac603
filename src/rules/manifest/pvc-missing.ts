import { defineRule } from "../../contract/rule.js";
import { absenceConfidence, closest, findNamed, namesIn } from "../../k8s/lookup.js";
import { reportObject, podChangeFix, type RuleMeta } from "./report.js";
import { dig, isObject, objects, str, workloadsOf } from "../../k8s/pod-templates.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const meta: RuleMeta = {
  id: "manifest/pvc-missing",
  category: "unschedulable",
  severity: "error",
  equivalents: ["popeye:POP-1300"],
  docs: { verify: ["kubectl get pvc <name> -n <namespace>", "kubectl get pods -n <namespace> -o wide"] },
};

export const pvcMissingRule = defineRule({
  ...meta,
  title: "A volume uses a PersistentVolumeClaim that does not exist",
  docs: {
    cause:
      "A volume refers to a PersistentVolumeClaim that is not in the inputs or the cluster. The scheduler keeps the pod Pending (`persistentvolumeclaim \"x\" not found`) until the claim exists.",
    fix: "Create the PVC (or add a volumeClaimTemplate to a StatefulSet), or correct claimName.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/storage/persistent-volumes/#claims-as-volumes"],
  },
  inputs: ["workloads", "pods", "nodes", "manifests"],
  reads: ["*"],
  scopes: ["lint", "diagnose"],
  messages: {
    "claim-missing": "Volume {volume} of {kind} {name} uses PVC \"{claim}\", which does not exist{hint}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const confidence = absenceConfidence(view, "PersistentVolumeClaim");
    if (confidence === "skip") return;
    const certain = confidence === "certain";
    for (const workload of workloadsOf(view)) {
      const templates = workload.kind === "StatefulSet" ? objects(workload.object.spec?.volumeClaimTemplates).map((t) => str(dig(t, ["metadata", "name"])) ?? "") : [];
      objects(workload.spec.volumes).forEach((volume, index) => {
        const claim = isObject(volume.persistentVolumeClaim) ? str(volume.persistentVolumeClaim.claimName) : undefined;
        if (!claim || findNamed(view, "PersistentVolumeClaim", workload.namespace, claim)) return;
        const suggestion = closest(claim, namesIn(view, "PersistentVolumeClaim", workload.namespace));
        const ns = namespaceFlag(workload.namespace);
        const fixedVolume = { ...volume, persistentVolumeClaim: { ...(volume.persistentVolumeClaim as object), claimName: suggestion } };
        reportObject(ctx, meta, workload.object, {
          field: [...workload.specPath, "volumes", index, "persistentVolumeClaim", "claimName"],
          message: "claim-missing",
          data: { volume: String(volume.name), kind: workload.kind, name: workload.name, claim, hint: suggestion ? `; did you mean "${suggestion}"?` : "" },
          cause: `The scheduler cannot place the pod: \`persistentvolumeclaim "${claim}" not found\`. It stays Pending.${templates.length ? " A StatefulSet's volumeClaimTemplates create claims named <template>-<pod>, not the template name." : ""}`,
          severity: certain ? "error" : "warning",
          confidence: certain ? 0.9 : 0.6,
          fix: suggestion
            ? podChangeFix(view, workload, { volumes: [volume] }, { volumes: [fixedVolume] }, `Use the existing claim "${suggestion}".`)
            : { description: `Create PersistentVolumeClaim "${claim}" before the workload.`, commands: [`kubectl get storageclass`, `kubectl apply${ns} -f pvc-${claim}.yaml`] },
          verify: [`kubectl get pvc ${claim}${ns}`, `kubectl get pods${ns} -o wide`],
        });
      });
    }
  },
});
