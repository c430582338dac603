import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { findNamed, inNamespace } from "./lookup.js";
import { containersOf, objects, str, workloadsOf } from "./pod-templates.js";

/**
 * Who in the same inputs creates a Secret or ConfigMap at run time: a workload (a Job, a Helm hook, an
 * init container, a controller) whose ServiceAccount may `create` that resource in the namespace, or a
 * custom resource whose controller writes a Secret named in its `spec.secretName` (cert-manager's
 * Certificate). `named` says whether the creator names the object (in its arguments, environment or
 * the role's resourceNames), which makes it near certain; otherwise it is only possible.
 */
export interface RuntimeCreator {
  by: string;
  named: boolean;
}

export function runtimeCreatorOf(view: ClusterView, kind: "Secret" | "ConfigMap", namespace: string | undefined, name: string): RuntimeCreator | undefined {
  const resource = kind === "Secret" ? "secrets" : "configmaps";
  let possible: RuntimeCreator | undefined;
  for (const workload of workloadsOf(view)) {
    if (workload.namespace !== namespace) continue;
    const account = str(workload.spec.serviceAccountName) ?? str(workload.spec.serviceAccount) ?? "default";
    const grant = createGrant(view, namespace, account, resource, name);
    if (!grant) continue;
    const mentions = containersOf(workload).some((ref) => mentionsName(ref.container, name));
    const creator = { by: `${workload.kind} ${workload.name} (its ServiceAccount ${account} may create ${resource})`, named: mentions || grant === "named" };
    if (creator.named) return creator;
    possible ??= creator;
  }
  if (kind === "Secret") {
    for (const object of view.objects) {
      const candidate = object.object;
      if (candidate.metadata.namespace !== namespace || !candidate.apiVersion?.includes(".") || candidate.apiVersion.includes("k8s.io")) continue;
      if (candidate.spec?.secretName === name) return { by: `${candidate.kind} ${candidate.metadata.name ?? ""} (its controller writes spec.secretName)`, named: true };
    }
  }
  return possible;
}

function mentionsName(container: Record<string, unknown>, name: string): boolean {
  const words = [...objects(container.env).map((env) => str(env.value) ?? ""), ...[container.command, container.args].flatMap((list) => (Array.isArray(list) ? list.map(String) : []))];
  const token = new RegExp(`(^|[\\s=,:"'/])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[\\s,"'/])`);
  return words.some((word) => token.test(word));
}

/** "named" when a role lets the account create the resource and lists this name, "any" when it may create any, undefined when not. */
function createGrant(view: ClusterView, namespace: string | undefined, account: string, resource: string, name: string): "named" | "any" | undefined {
  const isSubject = (binding: KubeObject) => objects(binding.subjects).some((subject) => subject.kind === "ServiceAccount" && subject.name === account && (str(subject.namespace) ?? binding.metadata.namespace) === namespace);
  const bindings = [...inNamespace(view, "RoleBinding", namespace), ...view.kind("ClusterRoleBinding")].filter(isSubject);
  let result: "named" | "any" | undefined;
  for (const binding of bindings) {
    const ref = (binding.roleRef ?? {}) as Record<string, unknown>;
    const role = ref.kind === "ClusterRole" ? findNamed(view, "ClusterRole", undefined, String(ref.name)) : findNamed(view, "Role", binding.metadata.namespace ?? namespace, String(ref.name));
    if (!role) continue;
    const rules = objects(role.rules).filter((rule) => {
      const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
      return (list(rule.apiGroups).includes("") || list(rule.apiGroups).includes("*")) && (list(rule.resources).includes(resource) || list(rule.resources).includes("*"));
    });
    const verbs = (rule: Record<string, unknown>) => (Array.isArray(rule.verbs) ? rule.verbs.map(String) : []);
    if (!rules.some((rule) => verbs(rule).includes("create") || verbs(rule).includes("*"))) continue;
    if (rules.some((rule) => Array.isArray(rule.resourceNames) && rule.resourceNames.map(String).includes(name))) return "named";
    result = "any";
  }
  return result;
}
