/** A well-known controller whose ServiceAccount cannot take the Lease it elects its leader on. */
import type { RuleContext } from "../../contract/rule.js";
import { LEASE_VERBS, type LeaseNeed } from "../../k8s/controller-permissions.js";
import { asArray, objects, type ContainerRef } from "../../k8s/pod-templates.js";
import { grantsAllowOn, type Grant } from "../../k8s/rbac-grants.js";
import type { Workload } from "../../k8s/workloads.js";
import { fieldEvidence, objectChangeFix, reportObject, type RuleMeta } from "./report.js";

const GROUP = "coordination.k8s.io";

/** The rules granting `missing` on the lease: get and update limited to its name, create (which cannot be limited by name) on its own. */
function leaseRules(missing: string[], name: string): Array<Record<string, unknown>> {
  const named = missing.filter((verb) => verb !== "create");
  return [
    ...(named.length > 0 ? [{ apiGroups: [GROUP], resources: ["leases"], resourceNames: [name], verbs: named }] : []),
    ...(missing.includes("create") ? [{ apiGroups: [GROUP], resources: ["leases"], verbs: ["create"] }] : []),
  ];
}

/** Reports, as `message`, a controller that elects a leader on a Lease its ServiceAccount may not get, create or update in the lease's namespace. */
export function reportLeaseNotGranted(ctx: RuleContext, meta: RuleMeta, workload: Workload, ref: ContainerRef, controller: string, lease: LeaseNeed, grants: Grant[], account: string, message: string): void {
  const { view } = ctx;
  const ownNamespace = workload.namespace ?? "<namespace>";
  const namespace = lease.namespace ?? ownNamespace;
  const inLeaseNamespace = grants.filter((grant) => grant.binding.kind === "ClusterRoleBinding" || (grant.binding.metadata.namespace ?? ownNamespace) === namespace);
  const missing = LEASE_VERBS.filter((verb) => !grantsAllowOn(inLeaseNamespace, GROUP, "leases", verb, lease.name));
  if (missing.length === 0) return;
  const roles = inLeaseNamespace.filter((grant) => grant.binding.kind === "RoleBinding" && grant.role?.kind === "Role").map((grant) => grant.role!);
  const role = roles.find((candidate) => objects(candidate.rules).some((rule) => asArray(rule.apiGroups).includes(GROUP))) ?? roles[0];
  const subject = `system:serviceaccount:${ownNamespace}:${account}`;
  const roleName = `${workload.name}-leader-election`;
  reportObject(ctx, meta, workload.object, {
    field: [...ref.path, "image"],
    container: ref.name,
    message,
    data: { controller, verbs: missing.join(", "), lease: lease.name, namespace, account, binding: role ? ` (bound to Role ${role.metadata.name ?? ""} in namespace ${namespace})` : ` (no Role bound to it in namespace ${namespace})` },
    cause: `The ${controller} elects a leader on Lease ${lease.name} in namespace ${namespace} and the API server refuses it (\`leases.coordination.k8s.io "${lease.name}" is forbidden: User "${subject}" cannot ${missing[0]} resource "leases" in API group "${GROUP}" in the namespace "${namespace}"\`): ${lease.withoutIt}. Its upstream RBAC grants the lease: ${lease.source}.`,
    evidence: role ? [fieldEvidence(view, role, ["rules"], `Role ${role.metadata.name ?? ""} rules: ${JSON.stringify(role.rules ?? [])}`)] : [],
    confidence: 0.9,
    ...(lease.blocksWork ? {} : { severity: "warning" as const }),
    fix: role
      ? objectChangeFix(view, role, { rules: role.rules ?? [] }, { rules: [...objects(role.rules), ...leaseRules(missing, lease.name)] }, `Add ${missing.join(", ")} on Lease ${lease.name} to the rules of Role ${role.metadata.name ?? ""}.`)
      : {
          description: `Create a Role in namespace ${namespace} granting get, create and update on leases and bind it to ServiceAccount ${account}.`,
          commands: [
            `kubectl create role ${roleName} -n ${namespace} --verb=get,create,update --resource=leases.coordination.k8s.io`,
            `kubectl create rolebinding ${roleName} -n ${namespace} --role=${roleName} --serviceaccount=${ownNamespace}:${account}`,
          ],
        },
    verify: missing.map((verb) => `kubectl auth can-i ${verb} leases.coordination.k8s.io${verb === "create" ? "" : `/${lease.name}`} -n ${namespace} --as=${subject}`),
  });
}
