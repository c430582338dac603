/** Well-known controller images whose ServiceAccount is not granted what the controller cannot run without. */
import type { RuleContext } from "../../contract/rule.js";
import { controllerNeeds, type ControllerNeeds, type PermissionNeed } from "../../k8s/controller-permissions.js";
import { asArray, containersOf, objects, str, type ContainerRef } from "../../k8s/pod-templates.js";
import { grantsAllow, grantsOf, type Grant } from "../../k8s/rbac-grants.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";
import type { Workload } from "../../k8s/workloads.js";
import { reportLeaseNotGranted } from "./controller-lease.js";
import { fieldEvidence, objectChangeFix, reportObject, type RuleMeta } from "./report.js";

export function serviceAccountOf(workload: Workload): string {
  return str(workload.spec.serviceAccountName) ?? str(workload.spec.serviceAccount) ?? "default";
}

const qualified = (need: PermissionNeed) => (need.group ? `${need.resource}.${need.group}` : need.resource);

/** Missing needs as RBAC rules, one per API group and verb set. */
function rulesFor(missing: PermissionNeed[]): Array<Record<string, unknown>> {
  const byKey = new Map<string, { apiGroups: string[]; resources: string[]; verbs: string[] }>();
  for (const need of missing) {
    const key = `${need.group}|${need.verbs.join(",")}`;
    const rule = byKey.get(key) ?? { apiGroups: [need.group], resources: [], verbs: need.verbs };
    if (!rule.resources.includes(need.resource)) rule.resources.push(need.resource);
    byKey.set(key, rule);
  }
  return [...byKey.values()];
}

/** The role to extend: a ClusterRole (a controller watches every namespace unless told otherwise) that already names the API group, else any role that does, else the first defined. */
function roleToChange(grants: Grant[], missing: PermissionNeed[]): Grant | undefined {
  const defined = grants.filter((grant) => grant.role);
  const namesGroup = (grant: Grant) => grant.rules.some((rule) => missing.some((need) => asArray(rule.apiGroups).includes(need.group)));
  const cluster = (grant: Grant) => grant.role!.kind === "ClusterRole";
  return defined.find((grant) => cluster(grant) && namesGroup(grant)) ?? defined.find(namesGroup) ?? defined.find(cluster) ?? defined[0];
}

/** The RoleBinding that grants the first of `missing` in its namespace only, when one does: a ClusterRole's before a Role's, since a ClusterRole bound in one namespace is the grant meant to be cluster-wide. */
function roleBindingGranting(grants: Grant[], missing: PermissionNeed[]): Grant | undefined {
  const first = missing[0];
  const granting = first ? grants.filter((grant) => grant.binding.kind === "RoleBinding" && grantsAllow([grant], first.group, first.resource, first.verbs[0]!, { namedListAllowed: true })) : [];
  return granting.find((grant) => grant.binding.roleRef?.kind === "ClusterRole") ?? granting[0];
}

/** How the message names the grant: the RoleBinding too narrow for a cluster-wide controller, the role to change, or no binding at all. */
function bindingNote(grants: Grant[], target: Grant | undefined, narrow: boolean, ns: string): string {
  const role = target?.role;
  if (narrow && target) return ` across all namespaces (only ${role?.kind ?? "Role"} ${target.roleName ?? ""} grants them, through RoleBinding ${target.binding.metadata.name ?? ""} in namespace ${target.binding.metadata.namespace ?? ns}; the controller watches every namespace)`;
  if (role) return ` (bound to ${role.kind} ${role.metadata.name ?? ""})`;
  return grants.length === 0 ? " (no RoleBinding or ClusterRoleBinding)" : "";
}

/** Reports, as the rule's messages, each well-known controller container of the workload whose ServiceAccount lacks verbs its upstream Role grants: reads, then the leader election lease. */
export function reportControllerNeeds(ctx: RuleContext, meta: RuleMeta, workload: Workload, messages: { reads: string; lease: string }): void {
  const controllers = containersOf(workload).flatMap((ref) => {
    const known = controllerNeeds(ref.container);
    return known ? [{ ref, known }] : [];
  });
  if (controllers.length === 0) return;
  const account = serviceAccountOf(workload);
  const grants = grantsOf(ctx.view, workload.namespace, account, { anyNamespace: true });
  if (!grants) return;
  for (const { ref, known } of controllers) {
    reportMissingReads(ctx, meta, workload, ref, known, grants, account, messages.reads);
    if (known.lease) reportLeaseNotGranted(ctx, meta, workload, ref, known.controller, known.lease, grants, account, messages.lease);
  }
}

/** The controller's informer reads its grants lack, or hold only through a RoleBinding when it watches every namespace. */
function reportMissingReads(ctx: RuleContext, meta: RuleMeta, workload: Workload, ref: ContainerRef, known: ControllerNeeds, grants: Grant[], account: string, message: string): void {
  const { view } = ctx;
  const missingFrom = (held: Grant[]) =>
    known.needs.map((need) => ({ ...need, verbs: need.verbs.filter((verb) => !grantsAllow(held, need.group, need.resource, verb, { namedListAllowed: true })) })).filter((need) => need.verbs.length > 0);
  let missing = missingFrom(grants);
  let narrow: Grant | undefined;
  if (missing.length === 0 && known.clusterWide) {
    // A cluster-wide controller lists across all namespaces: a grant through a RoleBinding covers one namespace only.
    const missingClusterWide = missingFrom(grants.filter((grant) => grant.binding.kind === "ClusterRoleBinding"));
    narrow = roleBindingGranting(grants, missingClusterWide);
    if (narrow) missing = missingClusterWide;
  }
  if (missing.length === 0) return;
  const ns = workload.namespace ?? "<namespace>";
  const target = narrow ?? roleToChange(grants, missing);
  const role = target?.role;
  const newRules = rulesFor(missing);
  const text = missing.map((need) => `${need.verbs.join(", ")} on ${qualified(need)}`).join("; ");
  const first = missing[0]!;
  reportObject(ctx, meta, workload.object, {
    field: [...ref.path, "image"],
    container: ref.name,
    message,
    data: { controller: known.controller, missing: text, account, binding: bindingNote(grants, target, narrow !== undefined, ns) },
    cause: `The ${known.controller} lists and watches these resources before it does any work. The API server refuses it (\`${first.resource} is forbidden: User "system:serviceaccount:${ns}:${account}" cannot ${first.verbs[0]} resource "${first.resource}" in API group "${first.group}"\`), its caches never sync, and it serves nothing. Its upstream Role grants them: ${known.source}.`,
    evidence: role ? [fieldEvidence(view, role, ["rules"], `${role.kind} ${role.metadata.name ?? ""} rules: ${JSON.stringify(role.rules ?? [])}`)] : [],
    confidence: 0.9,
    fix: role && !narrow
      ? objectChangeFix(view, role, { rules: role.rules ?? [] }, { rules: [...objects(role.rules), ...newRules] }, `Add ${text} to the rules of ${role.kind} ${role.metadata.name ?? ""}.`)
      : narrow?.binding.roleRef?.kind === "ClusterRole"
        ? {
            description: `Bind ClusterRole ${narrow.roleName} to ServiceAccount ${account} with a ClusterRoleBinding instead of RoleBinding ${narrow.binding.metadata.name ?? ""}, which grants it in namespace ${narrow.binding.metadata.namespace ?? ns} only.`,
            commands: [`kubectl create clusterrolebinding ${narrow.binding.metadata.name ?? workload.name} --clusterrole=${narrow.roleName} --serviceaccount=${ns}:${account}`],
          }
        : {
          description: `Create a ClusterRole granting ${text} and bind it to ServiceAccount ${account}.`,
          commands: [
            `kubectl create clusterrole ${workload.name}-controller --verb=${[...new Set(missing.flatMap((need) => need.verbs))].join(",")} --resource=${missing.map(qualified).join(",")}`,
            `kubectl create clusterrolebinding ${workload.name}-controller --clusterrole=${workload.name}-controller --serviceaccount=${ns}:${account}`,
          ],
        },
    verify: missing.flatMap((need) => need.verbs.map((verb) => `kubectl auth can-i ${verb} ${qualified(need)}${role?.kind === "Role" && !narrow ? namespaceFlag(ns) : " --all-namespaces"} --as=system:serviceaccount:${ns}:${account}`)),
  });
}
