import { defineRule } from "../../contract/rule.js";
import { absenceConfidence, closest, findNamed, inNamespace, namesIn } from "../../k8s/lookup.js";
import { reportObject, podChangeFix, type RuleMeta } from "./report.js";
import { str, workloadsOf } from "../../k8s/pod-templates.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const meta: RuleMeta = {
  id: "manifest/service-account-missing",
  category: "missing-config-reference",
  severity: "error",
  equivalents: ["kube-linter:non-existent-service-account", "popeye:POP-307", "popeye:POP-507"],
  docs: { verify: ["kubectl get serviceaccount <name> -n <namespace>", "kubectl describe replicaset -n <namespace> -l <selector>"] },
};

export const serviceAccountMissingRule = defineRule({
  ...meta,
  title: "serviceAccountName names a ServiceAccount that does not exist",
  docs: {
    cause:
      "The pod template runs as a ServiceAccount that is not there. The API server refuses to create the pods (`error looking up service account ns/name: serviceaccount \"name\" not found`), so the ReplicaSet, Job or StatefulSet stays at 0 pods.",
    fix: "Create the ServiceAccount (with its RoleBinding) before the workload, or correct the name.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/"],
  },
  inputs: ["workloads", "pods", "nodes", "manifests"],
  reads: ["*"],
  scopes: ["lint", "diagnose"],
  messages: {
    "service-account-missing": "{kind} {name} runs as ServiceAccount \"{serviceAccount}\", which does not exist{hint}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const confidence = absenceConfidence(view, "ServiceAccount");
    if (confidence === "skip") return;
    const certain = confidence === "certain";
    for (const workload of workloadsOf(view)) {
      const field = str(workload.spec.serviceAccountName) !== undefined ? "serviceAccountName" : str(workload.spec.serviceAccount) !== undefined ? "serviceAccount" : undefined;
      if (!field) continue;
      const name = str(workload.spec[field])!;
      if (name === "default" || name === "" || findNamed(view, "ServiceAccount", workload.namespace, name)) continue;
      // A plain manifest set that defines no ServiceAccount at all relies on ones made elsewhere: say so softly.
      const accountsKnown = certain || inNamespace(view, "ServiceAccount", workload.namespace).length > 0;
      const suggestion = closest(name, namesIn(view, "ServiceAccount", workload.namespace));
      const ns = namespaceFlag(workload.namespace);
      reportObject(ctx, meta, workload.object, {
        field: [...workload.specPath, field],
        message: "service-account-missing",
        data: { kind: workload.kind, name: workload.name, serviceAccount: name, hint: suggestion ? `; did you mean "${suggestion}"?` : "" },
        cause: `The API server rejects every pod of ${workload.kind} ${workload.name}: \`error looking up service account ${workload.namespace ?? "<namespace>"}/${name}: serviceaccount "${name}" not found\`. The controller retries and the workload stays at 0 ready pods.`,
        severity: accountsKnown ? "error" : "warning",
        confidence: accountsKnown ? 0.9 : 0.55,
        fix: suggestion
          ? podChangeFix(view, workload, { [field]: name }, { [field]: suggestion }, `Use the existing ServiceAccount "${suggestion}".`)
          : { description: `Create ServiceAccount "${name}" (and bind the Role it needs) before the workload.`, commands: [`kubectl create serviceaccount ${name}${ns}`] },
        verify: [`kubectl get serviceaccount ${name}${ns}`, `kubectl get events${ns} --field-selector reason=FailedCreate`],
      });
    }
  },
});
