import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl } from "./finding.js";
import { arrayOf, recordOf, refOf } from "../../k8s/objects.js";
import { knownNamespaces } from "../../k8s/namespaces.js";

/** `prod-*`, `*-test`, `*` or an exact name, as AuthorizationPolicy namespaces are matched. */
function namespacePatternMatches(pattern: string, namespace: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith("*")) return namespace.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith("*")) return namespace.endsWith(pattern.slice(1));
  return pattern === namespace;
}

export const authorizationPolicyNamespaceNotFound = defineRule({
  id: "istio/authorization-policy-namespace-not-found",
  category: "rbac-or-authn-denied",
  severity: "error",
  title: "AuthorizationPolicy source names a namespace that does not exist",
  docs: {
    cause: "A rule's `source.namespaces` or `notNamespaces` names a namespace (or a pattern) that matches no namespace: an ALLOW rule then allows nobody from there, a DENY rule denies nothing, usually a typo.",
    fix: "Correct the namespace name or pattern (`prod-*`, `*-test`).",
    verify: ["istioctl analyze -n <namespace>", "kubectl get namespaces"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0101/", "https://kiali.io/docs/features/validations/#kia0101---namespace-not-found-for-this-rule"],
  },
  equivalents: ["IST0101", "KIA0101"],
  inputs: ["istio", "manifests"],
  reads: ["*"],
  scopes: ["lint", "diagnose"],
  messages: {
    "namespace-not-found": "{policy} {field} \"{pattern}\" matches no namespace",
  },
  analyze(ctx) {
    const { view } = ctx;
    const known = knownNamespaces(view);
    for (const policy of view.kind("AuthorizationPolicy")) {
      arrayOf<Record<string, unknown>>(recordOf(policy.spec)?.rules).forEach((rule, ruleIndex) => {
        arrayOf<Record<string, unknown>>(rule?.from).forEach((from, fromIndex) => {
          const source = recordOf(from?.source);
          for (const field of ["namespaces", "notNamespaces"] as const) {
            arrayOf(source?.[field]).forEach((pattern, index) => {
              if (typeof pattern !== "string" || [...known].some((namespace) => namespacePatternMatches(pattern, namespace))) return;
              reportIstio(this, ctx, {
                object: policy,
                code: "IST0101",
                args: ["namespace", pattern],
                path: ["spec", "rules", ruleIndex, "from", fromIndex, "source", field, index],
                message: "namespace-not-found",
                data: { policy: refOf(policy), field, pattern },
                cause: `No namespace matches "${pattern}", so this part of the rule never applies.`,
                fix: { description: "Correct the namespace name or pattern.", commands: [kubectl("edit", policy), "kubectl get namespaces"] },
                verify: [analyzeCommand(policy)],
              });
            });
          }
        });
      });
    }
  },
});
