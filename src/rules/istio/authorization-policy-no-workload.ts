import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl } from "./finding.js";
import { rootNamespace } from "../../istio/mtls.js";
import { namespaceOf, recordOf, refOf, stringMapOf } from "../../k8s/objects.js";
import { formatSelector, selectInstances, workloadInstances } from "../../istio/workloads.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export const authorizationPolicyNoWorkload = defineRule({
  id: "istio/authorization-policy-no-workload",
  category: "rbac-or-authn-denied",
  severity: "warning",
  title: "AuthorizationPolicy applies to no workload",
  docs: {
    cause: "The AuthorizationPolicy's selector (or, without selector, its namespace) matches no workload, so the access control it describes is enforced nowhere, usually a wrong label or the wrong namespace.",
    fix: "Use the labels of the workload to protect, in the workload's namespace (or the root namespace for a mesh-wide policy).",
    verify: ["istioctl analyze -n <namespace>", "istioctl x authz check <pod> -n <namespace>"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0127/"],
  },
  equivalents: ["IST0127"],
  inputs: ["istio", "pods", "workloads", "mesh-config"],
  reads: ["AuthorizationPolicy", "CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "selector-matches-nothing-in-mesh": "{policy} selects {selector}, and no workload in the mesh has those labels",
    "selector-matches-nothing": "{policy} selects {selector}, and no workload in namespace {namespace} has those labels",
    "namespace-without-workloads": "{policy} applies to namespace {namespace}, which runs no workload",
  },
  analyze(ctx) {
    const { view } = ctx;
    const root = rootNamespace(view);
    for (const policy of view.kind("AuthorizationPolicy")) {
      const spec = recordOf(policy.spec) ?? {};
      if (recordOf(spec.targetRef) || Array.isArray(spec.targetRefs)) continue;
      const namespace = namespaceOf(policy);
      const selector = stringMapOf(recordOf(spec.selector)?.matchLabels);
      const hasSelector = Object.keys(selector).length > 0;
      if (!hasSelector && namespace === root) continue;
      const candidates = namespace === root ? workloadInstances(view) : workloadInstances(view, namespace);
      if (selectInstances(candidates, selector).length > 0) continue;
      const text = hasSelector ? formatSelector(selector) : "";
      reportIstio(this, ctx, {
        object: policy,
        code: "IST0127",
        args: [text],
        path: hasSelector ? ["spec", "selector"] : ["metadata", "namespace"],
        ...(!hasSelector
          ? { message: "namespace-without-workloads", data: { policy: refOf(policy), namespace } }
          : namespace === root
            ? { message: "selector-matches-nothing-in-mesh", data: { policy: refOf(policy), selector: text } }
            : { message: "selector-matches-nothing", data: { policy: refOf(policy), selector: text, namespace } }),
        cause: "The policy is enforced by the sidecars (or waypoints) of the workloads it selects; selecting none, it allows or denies nothing.",
        fix: { description: hasSelector ? "Select the labels of the workload to protect." : "Create the policy in the namespace of the workloads it is for.", commands: [kubectl("edit", policy), `kubectl get pods${namespaceFlag(namespace)} --show-labels`] },
        verify: [analyzeCommand(policy)],
      });
    }
  },
});
