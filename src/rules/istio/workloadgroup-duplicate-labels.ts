import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl } from "./finding.js";
import { appliedNamespaceOf, recordOf, refOf } from "../../k8s/objects.js";

const labelKey = (labels: Record<string, unknown>): string =>
  Object.entries(labels)
    .map(([key, value]) => `${key}=${String(value)}`)
    .sort()
    .join(",");

/** Kiali's KIA1702: two WorkloadGroups of one namespace give their workloads the same labels. */
export const workloadGroupDuplicateLabels = defineRule({
  id: "istio/workloadgroup-duplicate-labels",
  category: "routing-conflict",
  severity: "warning",
  title: "Two WorkloadGroups in a namespace give the same labels",
  docs: {
    cause: "Two WorkloadGroups of one namespace set the same `spec.metadata.labels`. Their WorkloadEntries cannot be told apart by labels: every Service, DestinationRule subset and policy that selects one group selects both.",
    fix: "Give each WorkloadGroup labels of its own (`app`, `version`).",
    verify: ["kubectl get workloadgroups -n <namespace> -o yaml", "kubectl get workloadentries -n <namespace> --show-labels"],
    references: ["https://kiali.io/docs/features/validations/#kia1702---more-than-one-workload-group-with-duplicate-labels-found-in-the-same-namespace", "https://istio.io/latest/docs/reference/config/networking/workload-group/"],
  },
  equivalents: ["KIA1702"],
  inputs: ["istio"],
  reads: ["WorkloadGroup"],
  scopes: ["lint", "diagnose"],
  messages: {
    "duplicate-labels": "{resource} gives the labels {labels}, as {others} {verb}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const groups = view.kind("WorkloadGroup").flatMap((group) => {
      const metadata = recordOf(recordOf(group.spec)?.metadata);
      return metadata ? [{ group, key: `${appliedNamespaceOf(group)}|${labelKey(recordOf(metadata.labels) ?? {})}` }] : [];
    });
    for (const { group, key } of groups) {
      const others = groups.filter((other) => other.group !== group && other.key === key).map((other) => other.group);
      if (others.length === 0) continue;
      reportIstio(this, ctx, {
        object: group,
        istioMessage: "More than one Workload Group with duplicate labels found in the same namespace",
        path: ["spec", "metadata", "labels"],
        message: "duplicate-labels",
        data: { resource: refOf(group), labels: key.split("|")[1] || "(none)", others: others.map(refOf).join(", "), verb: others.length === 1 ? "does" : "do" },
        cause: "Workloads of both groups carry the same labels, so selectors cannot tell them apart.",
        fix: { description: "Give this group labels of its own.", commands: [kubectl("edit", group)] },
        verify: [analyzeCommand(group)],
      });
    }
  },
});
