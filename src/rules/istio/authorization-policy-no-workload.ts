import { defineRule } from "../../engine/rule.js";
import type { Finding } from "../../model/finding.js";
import { analyzeCommand, istioFinding, kubectl } from "./finding.js";
import { rootNamespace } from "../../istio/mtls.js";
import { namespaceOf, recordOf, refOf, stringMapOf } from "../../istio/meta.js";
import { formatSelector, selectInstances, workloadInstances } from "../../istio/workloads.js";

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
  scopes: ["lint", "diagnose"],
  analyze(view) {
    const findings: Finding[] = [];
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
      findings.push(
        istioFinding(this, view, {
          object: policy,
          code: "IST0127",
          args: [text],
          path: hasSelector ? ["spec", "selector"] : ["metadata", "namespace"],
          summary: hasSelector ? `${refOf(policy)} selects ${text}, and no workload ${namespace === root ? "in the mesh" : `in namespace ${namespace}`} has those labels` : `${refOf(policy)} applies to namespace ${namespace}, which runs no workload`,
          cause: "The policy is enforced by the sidecars (or waypoints) of the workloads it selects; selecting none, it allows or denies nothing.",
          fix: { description: hasSelector ? "Select the labels of the workload to protect." : "Create the policy in the namespace of the workloads it is for.", commands: [kubectl("edit", policy), `kubectl get pods${namespace ? ` -n ${namespace}` : ""} --show-labels`] },
          verify: [analyzeCommand(policy)],
        }),
      );
    }
    return findings;
  },
});
