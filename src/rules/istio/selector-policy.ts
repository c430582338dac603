import type { RuleContext, RuleMeta } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { analyzeCommand, fieldEvidence, kubectl, reportIstio, yamlOf } from "./finding.js";
import { nameOf, namespaceOf, recordOf, refOf, stringMapOf } from "../../k8s/objects.js";
import { closest } from "../../istio/suggest.js";
import { formatSelector, selectInstances, workloadInstances } from "../../istio/workloads.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/**
 * Namespace-scoped policies that pick workloads by labels (Sidecar, Telemetry,
 * AuthorizationPolicy ...): the shared checks for "selects nothing",
 * "two policies select the same pod" and "two policies without selector".
 */
export interface SelectorPolicyKind {
  kind: string;
  /** Field path of the label map (`spec.workloadSelector.labels`, `spec.selector.matchLabels`). */
  labelsPath: string[];
  /** Whether an object of the kind is in the right API group (Gateway API reuses kind names). */
  accepts?: (object: KubeObject) => boolean;
}

export function policyLabels(policy: KubeObject, kind: SelectorPolicyKind): Record<string, string> | undefined {
  let current: unknown = policy;
  for (const part of kind.labelsPath) current = recordOf(current)?.[part];
  const labels = stringMapOf(current);
  return Object.keys(labels).length > 0 ? labels : undefined;
}

function policies(view: ClusterView, kind: SelectorPolicyKind): KubeObject[] {
  return view.kind(kind.kind).filter((object) => !kind.accepts || kind.accepts(object));
}

/**
 * IST0101: a selector that matches no workload in the policy's namespace. `message` is the rule's
 * message id, a template of `{resource}`, `{labels}` and `{namespace}`.
 */
export function selectorNotFound(rule: RuleMeta, ctx: RuleContext, kind: SelectorPolicyKind, message: string, extra: string[] = []): void {
  const { view } = ctx;
  for (const policy of policies(view, kind)) {
    const labels = policyLabels(policy, kind);
    if (!labels) continue;
    const namespace = namespaceOf(policy);
    const candidates = workloadInstances(view, namespace);
    if (selectInstances(candidates, labels).length > 0) continue;
    const text = formatSelector(labels);
    const elsewhere = selectInstances(workloadInstances(view), labels).filter((item) => item.namespace !== namespace);
    const known = new Set(candidates.flatMap((item) => Object.entries(item.labels).filter(([key]) => key in labels).map(([key, value]) => `${key}=${value}`)));
    const suggestion = closest(text, known);
    const [key, value] = suggestion?.split("=") ?? [];
    reportIstio(rule, ctx, {
      object: policy,
      code: "IST0101",
      args: ["selector", text],
      path: kind.labelsPath,
      equivalents: extra,
      message,
      data: { resource: refOf(policy), labels: text, namespace: namespace || "(none)" },
      cause: elsewhere.length
        ? `${refOf(elsewhere[0]!.object)} has these labels but lives in namespace ${elsewhere[0]!.namespace}; a ${kind.kind} only selects workloads in its own namespace.`
        : `No pod or workload template in the namespace matches, so this ${kind.kind} applies to nothing.`,
      fix: {
        description: elsewhere.length ? `Create the ${kind.kind} in namespace ${elsewhere[0]!.namespace}.` : suggestion ? `Select ${suggestion}.` : "Select the labels of the workload this policy is for.",
        yaml: { before: yamlOf({ labels }), after: yamlOf({ labels: key && value ? { [key]: value } : labels }), target: refOf(policy) },
        commands: [kubectl("edit", policy), `kubectl get pods${namespaceFlag(namespace)} --show-labels`],
      },
      verify: [analyzeCommand(policy), `kubectl get pods${namespaceFlag(namespace)} -l ${text}`],
    });
  }
}

/**
 * Policies that select the same workload pod (IST0110 for Sidecar, IST0159 for Telemetry). `message`
 * is the rule's message id, a template of `{resource}`, `{others}` and `{pod}`.
 */
export function overlappingSelectors(rule: RuleMeta, ctx: RuleContext, kind: SelectorPolicyKind, code: string, message: string, extra: string[] = []): void {
  const { view } = ctx;
  const byNamespace = new Map<string, KubeObject[]>();
  for (const policy of policies(view, kind)) {
    if (!policyLabels(policy, kind)) continue;
    const list = byNamespace.get(namespaceOf(policy)) ?? [];
    list.push(policy);
    byNamespace.set(namespaceOf(policy), list);
  }
  for (const [namespace, list] of byNamespace) {
    if (list.length < 2) continue;
    const reported = new Set<KubeObject>();
    for (const pod of workloadInstances(view, namespace)) {
      const selecting = list.filter((policy) => selectInstances([pod], policyLabels(policy, kind)!).length > 0);
      if (selecting.length < 2) continue;
      const names = selecting.map((policy) => nameOf(policy));
      for (const policy of selecting) {
        if (reported.has(policy)) continue;
        reported.add(policy);
        reportIstio(rule, ctx, {
          object: policy,
          code,
          args: [names, namespace, nameOf(pod.object)],
          path: kind.labelsPath,
          equivalents: extra,
          message,
          data: { resource: refOf(policy), others: selecting.filter((other) => other !== policy).map(refOf).join(", "), pod: refOf(pod.object) },
          cause: `Istio applies one ${kind.kind} per workload; with several matching, which one wins is undefined.`,
          fix: {
            description: `Merge the ${kind.kind}s that select ${nameOf(pod.object)} into one, or make their selectors disjoint.`,
            commands: selecting.map((item) => kubectl("get", item, "-o yaml")),
          },
          evidence: selecting.filter((other) => other !== policy).map((other) => fieldEvidence(view, other, kind.labelsPath, `${refOf(other)} selects ${formatSelector(policyLabels(other, kind)!)}`)),
          verify: [analyzeCommand(policy)],
        });
      }
    }
  }
}

/**
 * Several policies without selector in one namespace (IST0111, IST0160). `message` is the rule's
 * message id, a template of `{resource}`, `{count}`, `{namespace}` and `{names}`.
 */
export function multipleWithoutSelector(rule: RuleMeta, ctx: RuleContext, kind: SelectorPolicyKind, code: string, message: string, extra: string[] = []): void {
  const { view } = ctx;
  const byNamespace = new Map<string, KubeObject[]>();
  for (const policy of policies(view, kind)) {
    if (policyLabels(policy, kind)) continue;
    const list = byNamespace.get(namespaceOf(policy)) ?? [];
    list.push(policy);
    byNamespace.set(namespaceOf(policy), list);
  }
  for (const [namespace, list] of byNamespace) {
    if (list.length < 2) continue;
    const names = list.map((policy) => nameOf(policy));
    for (const policy of list) {
      reportIstio(rule, ctx, {
        object: policy,
        code,
        args: [names, namespace],
        equivalents: extra,
        message,
        data: { resource: refOf(policy), count: list.length, namespace: namespace || "(none)", names: names.join(", ") },
        cause: `A ${kind.kind} without selector is the namespace default; with several, Istio picks one and ignores the rest.`,
        fix: { description: `Keep one ${kind.kind} without selector per namespace: merge the others into it or give them selectors.`, commands: list.map((item) => kubectl("get", item, "-o yaml")) },
        verify: [analyzeCommand(policy)],
      });
    }
  }
}
