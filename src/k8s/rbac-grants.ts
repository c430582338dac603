/** What the Roles bound to a ServiceAccount grant it, as far as the inputs show. */
import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { BOOTSTRAP_ROLES } from "./controller-permissions.js";
import { findNamed, inNamespace } from "./lookup.js";
import { sameNamespace } from "./namespaces.js";
import { asArray, objects, str } from "./pod-templates.js";

export interface Grant {
  binding: KubeObject;
  /** The bound role, undefined for a bootstrap role the inputs do not define. */
  role?: KubeObject;
  roleName: string;
  rules: Array<Record<string, unknown>>;
}

export interface GrantScope {
  /** Read RoleBindings of every namespace, not only the workload's (a controller may watch other namespaces). */
  anyNamespace?: boolean;
}

/**
 * The grants of a ServiceAccount, or undefined when a bound role cannot be read
 * (absent from the inputs, or aggregated): that role might grant anything.
 */
export function grantsOf(view: ClusterView, namespace: string | undefined, account: string, scope: GrantScope = {}): Grant[] | undefined {
  const isSubject = (binding: KubeObject) =>
    objects(binding.subjects).some((s) => s.kind === "ServiceAccount" && s.name === account && sameNamespace(str(s.namespace) ?? binding.metadata.namespace, namespace));
  const roleBindings = scope.anyNamespace ? view.kind("RoleBinding") : inNamespace(view, "RoleBinding", namespace);
  const bindings = [...roleBindings, ...view.kind("ClusterRoleBinding")].filter(isSubject);
  const grants: Grant[] = [];
  for (const binding of bindings) {
    const ref = binding.roleRef ?? {};
    const roleName = String(ref.name);
    const bindingNamespace = binding.metadata.namespace ?? namespace;
    const role = ref.kind === "ClusterRole" ? findNamed(view, "ClusterRole", undefined, roleName) : findNamed(view, "Role", bindingNamespace, roleName);
    if (role) {
      if (role.aggregationRule !== undefined) return undefined;
      grants.push({ binding, role, roleName, rules: objects(role.rules) });
      continue;
    }
    const bootstrap = BOOTSTRAP_ROLES[ref.kind === "ClusterRole" ? `ClusterRole/${roleName}` : `Role/${bindingNamespace}/${roleName}`];
    if (!bootstrap) return undefined;
    grants.push({ binding, roleName, rules: bootstrap });
  }
  return grants;
}

export interface AllowOptions {
  /** Count rules limited to resourceNames as granting list/watch too (a client listing by name with a field selector is allowed). */
  namedListAllowed?: boolean;
}

/** Whether any of the grants allows the verb on the resource of the API group. */
export function grantsAllow(grants: readonly Grant[], group: string, resource: string, verb: string, options: AllowOptions = {}): boolean {
  return grants.some((grant) =>
    grant.rules.some((rule) => {
      const groups = asArray(rule.apiGroups).map(String);
      const resources = asArray(rule.resources).map(String);
      const verbs = asArray(rule.verbs).map(String);
      const named = asArray(rule.resourceNames).length > 0;
      return (groups.includes("*") || groups.includes(group)) && (resources.includes("*") || resources.includes(resource)) && (verbs.includes("*") || verbs.includes(verb)) && !(named && verb === "list" && !options.namedListAllowed);
    }),
  );
}

/**
 * Whether any of the grants allows the verb on the object of that name: a rule limited to resourceNames
 * must list it, and never allows create (the API server authorizes a create before the object has a name).
 */
export function grantsAllowOn(grants: readonly Grant[], group: string, resource: string, verb: string, name: string): boolean {
  return grants.some((grant) =>
    grant.rules.some((rule) => {
      const groups = asArray(rule.apiGroups).map(String);
      const resources = asArray(rule.resources).map(String);
      const verbs = asArray(rule.verbs).map(String);
      const names = asArray(rule.resourceNames).map(String);
      return (groups.includes("*") || groups.includes(group)) && (resources.includes("*") || resources.includes(resource)) && (verbs.includes("*") || verbs.includes(verb)) && (names.length === 0 || (verb !== "create" && names.includes(name)));
    }),
  );
}
