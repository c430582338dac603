import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl } from "./finding.js";
import { appliedNamespaceOf, nameOf, recordOf, refOf } from "../../k8s/objects.js";
import { closest } from "../../istio/suggest.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/**
 * Kiali's KIA1701: the ServiceAccount a WorkloadGroup's template names is not in its namespace.
 * Judged when the inputs list ServiceAccounts; `default` exists in every namespace.
 */
export const workloadGroupServiceAccountMissing = defineRule({
  id: "istio/workloadgroup-service-account-missing",
  category: "routing-reference-not-found",
  severity: "warning",
  title: "A WorkloadGroup's template names a ServiceAccount that does not exist",
  docs: {
    cause: "`spec.template.serviceAccount` names a ServiceAccount that is not in the WorkloadGroup's namespace. The VMs that join through this group get that identity: istiod cannot issue them a token-backed certificate for it (`istioctl x workload entry configure` fails or the proxy cannot connect), and AuthorizationPolicies written for the intended account do not match.",
    fix: "Create the ServiceAccount in the namespace, or name an existing one.",
    verify: ["kubectl get serviceaccount -n <namespace>", "istioctl x workload entry configure -f workloadgroup.yaml -o <dir>"],
    references: ["https://kiali.io/docs/features/validations/#kia1701---service-account-not-found-in-this-namespace", "https://istio.io/latest/docs/reference/config/networking/workload-group/"],
  },
  equivalents: ["KIA1701"],
  inputs: ["istio", "manifests"],
  reads: ["ServiceAccount", "WorkloadGroup"],
  scopes: ["lint", "diagnose"],
  messages: {
    "service-account-not-found": "{resource} template names ServiceAccount {account}, which is not in namespace {namespace}",
    "service-account-not-found-suggest": "{resource} template names ServiceAccount {account}, which is not in namespace {namespace}; did you mean {suggestion}?",
  },
  analyze(ctx) {
    const { view } = ctx;
    const accounts = view.kind("ServiceAccount");
    if (accounts.length === 0) return;
    for (const group of view.kind("WorkloadGroup")) {
      const account = recordOf(recordOf(group.spec)?.template)?.serviceAccount;
      const namespace = appliedNamespaceOf(group);
      if (typeof account !== "string" || account === "" || account === "default") continue;
      const names = accounts.filter((sa) => appliedNamespaceOf(sa) === namespace).map(nameOf);
      if (names.includes(account)) continue;
      const suggestion = closest(account, names);
      reportIstio(this, ctx, {
        object: group,
        istioMessage: "Service Account not found in this namespace",
        path: ["spec", "template", "serviceAccount"],
        message: suggestion ? "service-account-not-found-suggest" : "service-account-not-found",
        data: { resource: refOf(group), account, namespace, ...(suggestion ? { suggestion } : {}) },
        cause: `No ServiceAccount ${namespace}/${account} exists (the namespace has: ${names.join(", ") || "none listed"}), so workloads joining through this group get an identity nothing issues.`,
        fix: { description: suggestion ? `Use ${suggestion}, or create ServiceAccount ${account}.` : `Create ServiceAccount ${account} in ${namespace}.`, commands: [`kubectl create serviceaccount ${account}${namespaceFlag(namespace)}`, kubectl("edit", group)] },
        verify: [analyzeCommand(group), `kubectl get serviceaccount ${account}${namespaceFlag(namespace)}`],
      });
    }
  },
});
