import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl } from "./finding.js";
import { arrayOf, nameOf, recordOf, refOf } from "../../k8s/objects.js";
import { knownNamespaces } from "../../k8s/namespaces.js";
import { closest } from "../../istio/suggest.js";

/**
 * Kiali's KIA0005 on VirtualServices, DestinationRules and ServiceEntries: an `exportTo` entry
 * that names a namespace the cluster does not have. `.` and `*` are always valid; `~` (a
 * ServiceEntry exported nowhere) is Istio's own value and not a namespace, so it is not flagged.
 * Judged only when the inputs list Namespaces.
 */
export const exportToNamespaceNotFound = defineRule({
  id: "istio/exportto-namespace-not-found",
  category: "routing-reference-not-found",
  severity: "error",
  title: "exportTo names a namespace that does not exist",
  docs: {
    cause: "An `exportTo` entry names a namespace that is not in the cluster, usually a typo: the resource is not visible where it was meant to be, and clients there fall back to default routing (or to no route at all).",
    fix: "Correct the namespace name, or use `.` (this namespace) or `*` (every namespace).",
    verify: ["kubectl get namespaces", "istioctl x describe pod <client-pod> -n <namespace>"],
    references: ["https://kiali.io/docs/features/validations/#kia0005---no-matching-namespace-found-or-namespace-is-not-accessible", "https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService-export_to"],
  },
  equivalents: ["KIA0005"],
  inputs: ["istio", "manifests"],
  reads: ["*"],
  scopes: ["lint", "diagnose"],
  messages: {
    "namespace-not-found": "{object} exportTo names namespace \"{namespace}\", which does not exist",
    "namespace-not-found-typo": "{object} exportTo names namespace \"{namespace}\", which does not exist; did you mean \"{suggestion}\"?",
  },
  analyze(ctx) {
    const { view } = ctx;
    if (!view.kind("Namespace").some(nameOf)) return;
    const known = knownNamespaces(view);
    for (const kind of ["VirtualService", "DestinationRule", "ServiceEntry"]) {
      for (const object of view.kind(kind)) {
        if (!(object.apiVersion ?? "").includes("istio.io/")) continue;
        arrayOf<unknown>(recordOf(object.spec)?.exportTo).forEach((entry, index) => {
          if (typeof entry !== "string" || [".", "*", "~"].includes(entry) || known.has(entry)) return;
          const suggestion = closest(entry, [...known]);
          reportIstio(this, ctx, {
            object,
            istioMessage: `No matching namespace found or namespace is not accessible (${entry})`,
            path: ["spec", "exportTo", index],
            ...(suggestion
              ? { message: "namespace-not-found-typo", data: { object: refOf(object), namespace: entry, suggestion } }
              : { message: "namespace-not-found", data: { object: refOf(object), namespace: entry } }),
            cause: `No namespace "${entry}" exists (${[...known].sort().join(", ")}), so the ${kind} is exported nowhere through this entry.`,
            fix: { description: suggestion ? `Use "${suggestion}".` : "Name an existing namespace, or use . or *.", commands: [kubectl("edit", object)] },
            verify: [analyzeCommand(object), "kubectl get namespaces"],
          });
        });
      }
    }
  },
});
