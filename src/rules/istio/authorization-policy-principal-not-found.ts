import { defineRule } from "../../contract/rule.js";
import type { Severity } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { analyzeCommand, reportIstio, kubectl } from "./finding.js";
import { parsePrincipal, principalVerdict, serviceAccountIndex, sourceValues, trustDomains, type PrincipalVerdict, type ServiceAccountIndex } from "../../istio/authorization.js";
import { appliedNamespaceOf, nameOf, refOf } from "../../k8s/objects.js";
import { closest } from "../../istio/suggest.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const OUTCOME: Record<Exclude<PrincipalVerdict, "found" | "unknown">, { code: string; severity: Severity; message: string }> = {
  "not-found": { code: "KIA0106", severity: "error", message: "Service Account not found for this principal" },
  remote: { code: "KIA0107", severity: "info", message: "Service Account for this principal is on remote cluster" },
  foreign: { code: "KIA0108", severity: "info", message: "Unable to verify principal, trust domain is not known to Kiali" },
};

/** The cluster views of a multi-cluster lint: the one holding the policy, and the others. */
function clusterIndexes(view: ClusterView, policy: KubeObject): { local: ServiceAccountIndex; remotes: ServiceAccountIndex[] } {
  const home = view.clusters.find((cluster) => cluster.view.kind(policy.kind).some((item) => nameOf(item) === nameOf(policy) && appliedNamespaceOf(item) === appliedNamespaceOf(policy)));
  if (!home) return { local: serviceAccountIndex(view), remotes: [] };
  return { local: serviceAccountIndex(home.view), remotes: view.clusters.filter((cluster) => cluster !== home).map((cluster) => serviceAccountIndex(cluster.view)) };
}

/**
 * Kiali's KIA0106-0108 on `source.principals` (and the `serviceAccounts` field, `namespace/name`):
 * the identity matches no workload's service account. Judged only for namespaces whose workloads
 * or ServiceAccounts the inputs hold.
 */
export const authorizationPolicyPrincipalNotFound = defineRule({
  id: "istio/authorization-policy-principal-not-found",
  category: "rbac-or-authn-denied",
  severity: "error",
  title: "AuthorizationPolicy source names an identity no workload has",
  docs: {
    cause:
      "A principal is `<trust domain>/ns/<namespace>/sa/<service account>`, the identity in the client's mTLS certificate. When no workload of that namespace runs as that service account, the rule matches no client: an ALLOW policy rejects the callers it was written for (403 RBAC: access denied), a DENY policy denies nobody. A principal of another cluster cannot be checked here; one of a trust domain the mesh does not know (not `trustDomain` nor in `trustDomainAliases`) matches only peers of a federated mesh.",
    fix: "Use the service account the calling workload runs as (`spec.serviceAccountName`, `default` when unset) and the mesh's trust domain, e.g. `cluster.local/ns/frontend/sa/frontend`.",
    verify: ["kubectl get pods -n <namespace> -o custom-columns=NAME:.metadata.name,SA:.spec.serviceAccountName", "istioctl x authz check <pod> -n <namespace>"],
    references: [
      "https://istio.io/latest/docs/reference/config/security/authorization-policy/#Source",
      "https://kiali.io/docs/features/validations/#kia0106---service-account-not-found-for-this-principal",
    ],
  },
  equivalents: ["KIA0106", "KIA0107", "KIA0108"],
  inputs: ["istio", "pods", "workloads", "manifests", "mesh-config"],
  reads: ["AuthorizationPolicy", "CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "ServiceAccount", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "service-account-not-found": "{policy} {field} \"{value}\": no workload in namespace {namespace} runs as service account {account}",
    "service-account-not-found-typo": "{policy} {field} \"{value}\": no workload in namespace {namespace} runs as service account {account}; did you mean {suggestion}?",
    "remote-service-account": "{policy} {field} \"{value}\" is a service account of another cluster of the mesh",
    "unknown-trust-domain": "{policy} {field} \"{value}\" has trust domain {trustDomain}, which the mesh does not know ({domains})",
  },
  analyze(ctx) {
    const { view } = ctx;
    const domains = trustDomains(view);
    for (const policy of view.kind("AuthorizationPolicy")) {
      const { local, remotes } = clusterIndexes(view, policy);
      const judged = [
        ...sourceValues(policy, "principals").map((item) => ({ ...item, principal: item.value })),
        ...sourceValues(policy, "serviceAccounts").flatMap((item) => {
          const [namespace, account, extra] = item.value.split("/");
          return namespace && account && extra === undefined && !item.value.includes("*") ? [{ ...item, principal: `${domains[0]}/ns/${namespace}/sa/${account}` }] : [];
        }),
      ];
      for (const { value, path, principal } of judged) {
        const verdict = principalVerdict(principal, local, remotes, domains);
        if (verdict === "found" || verdict === "unknown") continue;
        const outcome = OUTCOME[verdict];
        const parsed = parsePrincipal(principal);
        const field = path[path.length - 2] as string;
        const accounts = parsed ? [...new Set([local, ...remotes].flatMap((index) => [...(index.byNamespace.get(parsed.namespace) ?? [])]))].sort() : [];
        const suggestion = parsed && verdict === "not-found" ? closest(parsed.account, accounts) : undefined;
        const spiffe = parsed?.trustDomain.startsWith("spiffe://") === true;
        const named = { policy: refOf(policy), field, value };
        const account = { ...named, namespace: parsed?.namespace ?? "", account: parsed?.account ?? "" };
        const summary =
          verdict === "not-found"
            ? suggestion
              ? { message: "service-account-not-found-typo", data: { ...account, suggestion } }
              : { message: "service-account-not-found", data: account }
            : verdict === "remote"
              ? { message: "remote-service-account", data: named }
              : { message: "unknown-trust-domain", data: { ...named, trustDomain: parsed?.trustDomain ?? "", domains: domains.join(", ") } };
        const cause =
          verdict === "not-found"
            ? `Namespace ${parsed?.namespace ?? ""} runs as ${accounts.join(", ") || "no service account"}; no client presents ${principal}, so this source matches nobody.`
            : verdict === "remote"
              ? "Only the workloads of another cluster run as this identity; it is checked there, and matches here only across the mesh's east-west traffic."
              : spiffe
                ? "Principals are written without the spiffe:// scheme; Istio adds it, so this one never matches."
                : "A principal of a trust domain other than the mesh's own or its aliases matches only peers of a federated mesh; it cannot be checked from these inputs.";
        reportIstio(this, ctx, {
          object: policy,
          istioMessage: outcome.message,
          severity: spiffe ? "error" : outcome.severity,
          equivalents: [outcome.code],
          path,
          ...summary,
          cause,
          confidence: verdict === "not-found" ? 0.8 : 0.6,
          fix: {
            description:
              verdict === "not-found"
                ? suggestion
                  ? `Use ${domains[0]}/ns/${parsed?.namespace ?? ""}/sa/${suggestion}.`
                  : "Name the service account the calling workload runs as."
                : spiffe
                  ? `Write it as ${principal.slice("spiffe://".length)}.`
                  : verdict === "foreign"
                    ? `Use trust domain ${domains[0]}, or list ${parsed?.trustDomain ?? ""} in MeshConfig trustDomainAliases if it is this mesh's former domain.`
                    : "Nothing to change if the caller runs in that cluster.",
            commands: [kubectl("edit", policy), ...(parsed ? [`kubectl get pods${namespaceFlag(parsed.namespace)} -o custom-columns=NAME:.metadata.name,SA:.spec.serviceAccountName`] : [])],
          },
          verify: [analyzeCommand(policy)],
        });
      }
    }
  },
});
