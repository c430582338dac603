import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { refOf } from "../../k8s/objects.js";
import { subsetsOf } from "../../istio/virtual-service.js";

/**
 * Kiali's KIA0209: a DestinationRule subset without labels selects every endpoint of the host,
 * so routing to it is no version split. Kiali lowers it to information when another subset of
 * the rule has labels (the unlabelled one is then a deliberate "all" subset).
 */
export const destinationRuleSubsetWithoutLabels = defineRule({
  id: "istio/destinationrule-subset-without-labels",
  category: "routing-conflict",
  severity: "warning",
  title: "A DestinationRule subset has no labels",
  docs: {
    cause: "A subset without labels selects every pod of the host. A route to it reaches all versions, so a canary or version pin through this subset does nothing.",
    fix: "Give the subset the labels of the pods it is meant for (`version: v2`), or route to the host without a subset.",
    verify: ["kubectl get destinationrule <name> -n <namespace> -o yaml", "kubectl get pods -n <namespace> -L version"],
    references: ["https://kiali.io/docs/features/validations/#kia0209---this-subset-has-not-labels", "https://istio.io/latest/docs/reference/config/networking/destination-rule/#Subset"],
  },
  equivalents: ["KIA0209"],
  inputs: ["istio"],
  reads: ["DestinationRule"],
  scopes: ["lint", "diagnose"],
  messages: {
    "subset-without-labels": "{rule} subset \"{subset}\" has no labels: it selects every pod of the host",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const dr of view.kind("DestinationRule")) {
      const subsets = subsetsOf(dr);
      const labelled = subsets.some((subset) => Object.keys(subset.labels).length > 0);
      for (const subset of subsets) {
        if (Object.keys(subset.labels).length > 0) continue;
        reportIstio(this, ctx, {
          object: dr,
          istioMessage: "This subset has not labels",
          path: ["spec", "subsets", subset.index],
          ...(labelled ? { severity: "info" as const } : {}),
          message: "subset-without-labels",
          data: { rule: refOf(dr), subset: subset.name },
          cause: `Routes to subset "${subset.name}" reach every version of the host${labelled ? "; the other subsets have labels, so this may be a deliberate catch-all" : ""}.`,
          fix: { description: "Add the labels that tell this version's pods apart.", yaml: { before: yamlOf({ name: subset.name }), after: yamlOf({ name: subset.name, labels: { version: "<version>" } }), target: refOf(dr) }, commands: [kubectl("edit", dr)] },
          verify: [analyzeCommand(dr)],
        });
      }
    }
  },
});
