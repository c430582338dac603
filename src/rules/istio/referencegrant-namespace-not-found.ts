import { defineRule } from "../../contract/rule.js";
import { reportIstio, kubectl } from "./finding.js";
import { arrayOf, nameOf, recordOf, refOf } from "../../k8s/objects.js";
import { knownNamespaces } from "../../k8s/namespaces.js";
import { isGatewayApiObject } from "../../istio/gateway-api.js";
import { closest } from "../../istio/suggest.js";

/** Kiali's KIA1601: a ReferenceGrant's `from` names a namespace that does not exist. Judged when the inputs list Namespaces. */
export const referenceGrantNamespaceNotFound = defineRule({
  id: "istio/referencegrant-namespace-not-found",
  category: "routing-reference-not-found",
  severity: "warning",
  title: "ReferenceGrant allows a namespace that does not exist",
  docs: {
    cause: "A ReferenceGrant's `spec.from[].namespace` names a namespace the cluster does not have, usually a typo: the routes of the namespace meant to be allowed are still refused their cross-namespace backends.",
    fix: "Correct the namespace in `spec.from`.",
    verify: ["kubectl get namespaces", "kubectl get referencegrants -A -o yaml"],
    references: ["https://gateway-api.sigs.k8s.io/api-types/referencegrant/", "https://kiali.io/docs/features/validations/"],
  },
  equivalents: ["KIA1601"],
  inputs: ["manifests"],
  reads: ["*"],
  scopes: ["lint", "diagnose"],
  messages: {
    "namespace-not-found": "{resource} allows references from namespace \"{namespace}\", which does not exist",
    "namespace-not-found-suggest": "{resource} allows references from namespace \"{namespace}\", which does not exist; did you mean \"{suggestion}\"?",
  },
  analyze(ctx) {
    const { view } = ctx;
    if (!view.kind("Namespace").some(nameOf)) return;
    const known = knownNamespaces(view);
    for (const grant of view.kind("ReferenceGrant")) {
      if (!isGatewayApiObject(grant)) continue;
      arrayOf(recordOf(grant.spec)?.from).forEach((entry, index) => {
        const namespace = recordOf(entry)?.namespace;
        if (typeof namespace !== "string" || known.has(namespace)) return;
        const suggestion = closest(namespace, [...known]);
        reportIstio(this, ctx, {
          object: grant,
          istioMessage: "Namespace is not found or is not accessible",
          path: ["spec", "from", index, "namespace"],
          message: suggestion ? "namespace-not-found-suggest" : "namespace-not-found",
          data: { resource: refOf(grant), namespace, ...(suggestion ? { suggestion } : {}) },
          cause: "The grant allows nothing that exists; the namespace it was meant for is still refused.",
          fix: { description: suggestion ? `Set the namespace to ${suggestion}.` : "Name an existing namespace.", commands: [kubectl("edit", grant)] },
          verify: ["kubectl get namespaces"],
        });
      });
    }
  },
});
