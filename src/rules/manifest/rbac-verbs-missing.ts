import { defineRule } from "../../contract/rule.js";
import { commandLine } from "../../k8s/commands.js";
import { hasClusterContext } from "../../k8s/lookup.js";
import { grantsAllow, grantsOf } from "../../k8s/rbac-grants.js";
import { reportControllerNeeds, serviceAccountOf } from "./controller-rbac.js";
import { objectChangeFix, reportObject, type RuleMeta } from "./report.js";
import { containersOf, objects, workloadsOf } from "../../k8s/pod-templates.js";
import type { Workload } from "../../k8s/workloads.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const meta: RuleMeta = {
  id: "manifest/rbac-verbs-missing",
  category: "api-permission-denied",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl auth can-i <verb> <resource> -n <namespace> --as=system:serviceaccount:<namespace>:<serviceaccount>"] },
};

const RESOURCES: Record<string, [string, string]> = {
  po: ["", "pods"], pod: ["", "pods"], pods: ["", "pods"],
  svc: ["", "services"], service: ["", "services"], services: ["", "services"],
  cm: ["", "configmaps"], configmap: ["", "configmaps"], configmaps: ["", "configmaps"],
  secret: ["", "secrets"], secrets: ["", "secrets"],
  ep: ["", "endpoints"], endpoints: ["", "endpoints"],
  ev: ["", "events"], event: ["", "events"], events: ["", "events"],
  pvc: ["", "persistentvolumeclaims"], persistentvolumeclaim: ["", "persistentvolumeclaims"], persistentvolumeclaims: ["", "persistentvolumeclaims"],
  sa: ["", "serviceaccounts"], serviceaccount: ["", "serviceaccounts"], serviceaccounts: ["", "serviceaccounts"],
  deploy: ["apps", "deployments"], deployment: ["apps", "deployments"], deployments: ["apps", "deployments"],
  sts: ["apps", "statefulsets"], statefulset: ["apps", "statefulsets"], statefulsets: ["apps", "statefulsets"],
  ds: ["apps", "daemonsets"], daemonset: ["apps", "daemonsets"], daemonsets: ["apps", "daemonsets"],
  rs: ["apps", "replicasets"], replicaset: ["apps", "replicasets"], replicasets: ["apps", "replicasets"],
  job: ["batch", "jobs"], jobs: ["batch", "jobs"], cj: ["batch", "cronjobs"], cronjob: ["batch", "cronjobs"], cronjobs: ["batch", "cronjobs"],
  ing: ["networking.k8s.io", "ingresses"], ingress: ["networking.k8s.io", "ingresses"], ingresses: ["networking.k8s.io", "ingresses"],
  lease: ["coordination.k8s.io", "leases"], leases: ["coordination.k8s.io", "leases"],
};

/** kubectl flags that take the next word as their value. */
const VALUE_FLAGS = new Set(["-n", "--namespace", "-o", "--output", "-l", "--selector", "-c", "--container", "--field-selector", "--sort-by", "--context", "-f", "--filename", "--for", "--timeout", "-p", "--patch", "--type", "--replicas", "--as", "-L", "--label-columns", "--since", "--tail"]);

interface Need {
  group: string;
  resource: string;
  verbs: string[];
  command: string;
}

/** What a kubectl invocation needs from RBAC, when it can be told. */
export function kubectlNeeds(words: string[]): Need[] {
  const command = words.join(" ");
  const positional: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word.startsWith("-")) {
      if (VALUE_FLAGS.has(word)) i++;
      continue;
    }
    positional.push(word);
  }
  const verb = positional[0];
  const flags = words.filter((w) => w.startsWith("-"));
  if (!verb || flags.some((f) => /^(-A|--all-namespaces)$/.test(f))) return [];
  const target = (index: number): { res?: [string, string]; named: boolean } => {
    const word = positional[index];
    if (!word) return { named: false };
    if (word.includes("/")) return { res: RESOURCES[word.split("/")[0]!.split(".")[0]!.toLowerCase()], named: true };
    const names = word.split(",").map((w) => RESOURCES[w.split(".")[0]!.toLowerCase()]);
    return { res: names[0], named: positional[index + 1] !== undefined };
  };
  const watch = flags.some((f) => /^(-w|--watch)$/.test(f)) ? ["watch"] : [];
  const need = (res: [string, string] | undefined, verbs: string[], sub = ""): Need[] => (res ? [{ group: res[0], resource: res[1] + sub, verbs, command }] : []);
  switch (verb) {
    case "get": {
      const t = target(1);
      return need(t.res, [t.named ? "get" : "list", ...watch]);
    }
    case "describe":
      return need(target(1).res, ["get", "list"]);
    case "delete": {
      const t = target(1);
      return need(t.res, ["delete", ...(t.named ? [] : ["list"])]);
    }
    case "create":
      return positional[1] && !flags.some((f) => /^-f|^--filename/.test(f)) ? need(RESOURCES[positional[1]] ?? (positional[1] === "secret" || positional[1] === "configmap" ? RESOURCES[positional[1]] : undefined), ["create"]) : [];
    case "patch":
    case "label":
    case "annotate":
    case "edit":
      return need(target(1).res, ["get", "patch"]);
    case "scale":
      return need(target(1).res, ["patch"], "/scale");
    case "rollout": {
      const t = target(2);
      return positional[1] === "restart" ? need(t.res, ["get", "patch"]) : positional[1] === "status" ? need(t.res, ["get", "watch"]) : [];
    }
    case "logs":
      return need(RESOURCES.pods, ["get"], "/log");
    case "exec":
    case "cp":
      return need(RESOURCES.pods, ["create"], "/exec");
    case "wait":
      return need(target(1).res, ["get", "list", "watch"]);
    default:
      return [];
  }
}

function kubectlCalls(workload: Workload): Array<{ container: string; words: string[]; path: (string | number)[] }> {
  const calls: Array<{ container: string; words: string[]; path: (string | number)[] }> = [];
  for (const ref of containersOf(workload)) {
    const line = commandLine(ref.container);
    for (const match of line.matchAll(/(?:^|[;&|(`$\s])(kubectl(?:\s+[^;&|)`\n]+)?)/g)) {
      const words = match[1]!.trim().split(/\s+/).map((w) => w.replace(/^["']|["']$/g, ""));
      calls.push({ container: ref.name, words, path: [...ref.path, ref.container.command !== undefined ? "command" : "args"] });
    }
  }
  return calls;
}

export const rbacVerbsMissingRule = defineRule({
  ...meta,
  title: "The workload's ServiceAccount lacks the RBAC its kubectl commands or its controller need",
  docs: {
    cause:
      "The container runs kubectl (or an API client) as its ServiceAccount, and the Roles bound to that account do not grant the verb on the resource (`kubectl get pods` needs list, `-w` needs watch, `logs` needs pods/log). The call fails with `Error from server (Forbidden): pods is forbidden: User \"system:serviceaccount:ns:sa\" cannot list resource \"pods\"` and the script exits. A well-known controller image (ingress-nginx, cert-manager, external-dns, metrics-server, Argo CD) lists and watches the resources its upstream Role grants before it does any work: when no binding of its ServiceAccount grants one of them, its caches never sync and it stalls or exits. One that watches every namespace (ingress-nginx without `--watch-namespace`, cert-manager and external-dns without `--namespace`, metrics-server) needs them through a ClusterRoleBinding: a RoleBinding grants them in its own namespace only. A controller that elects a leader needs get, create and update on its Lease in the election namespace: cert-manager's controller and cainjector (Lease cert-manager-controller, cert-manager-cainjector-leader-election in `--leader-election-namespace`, kube-system by default, unless `--leader-elect=false`) do no work without it (error); ingress-nginx (Lease `--election-id` in its own namespace) still serves traffic, but no Ingress gets its load balancer address in status (warning).",
    fix: "Add the missing verbs to the Role bound to the ServiceAccount (least privilege: only these resources and verbs).",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/reference/access-authn-authz/rbac/"],
  },
  inputs: ["workloads", "pods", "nodes", "manifests"],
  reads: ["*"],
  scopes: ["lint", "diagnose"],
  messages: {
    "verbs-not-granted": "`{command}` needs {verbs} on {resource}, which ServiceAccount {account} is not granted{binding}",
    "controller-verbs-not-granted": "{controller} needs {missing}, which ServiceAccount {account} is not granted{binding}",
    "controller-lease-not-granted": "{controller} needs {verbs} on Lease {lease} in namespace {namespace} for leader election, which ServiceAccount {account} is not granted{binding}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const rbacKnown = hasClusterContext(view) || view.list("Role").length + view.list("ClusterRole").length + view.list("RoleBinding").length > 0;
    if (!rbacKnown) return;
    for (const workload of workloadsOf(view)) {
      reportControllerNeeds(ctx, meta, workload, { reads: "controller-verbs-not-granted", lease: "controller-lease-not-granted" });
      const calls = kubectlCalls(workload);
      if (calls.length === 0) continue;
      const account = serviceAccountOf(workload);
      const grants = grantsOf(view, workload.namespace, account);
      if (!grants) continue;
      for (const call of calls) {
        for (const need of kubectlNeeds(call.words)) {
          const missing = need.verbs.filter((verb) => !grantsAllow(grants, need.group, need.resource, verb));
          if (missing.length === 0) continue;
          const ns = workload.namespace ?? "<namespace>";
          const role = grants.find((g) => g.role?.kind === "Role")?.role ?? grants.find((g) => g.role)?.role;
          const newRule = { apiGroups: [need.group], resources: [need.resource], verbs: need.verbs };
          reportObject(ctx, meta, workload.object, {
            field: call.path,
            container: call.container,
            message: "verbs-not-granted",
            data: { command: need.command, verbs: missing.join(", "), resource: need.resource, account, binding: role ? ` (bound to ${role.kind} ${role.metadata.name ?? ""})` : " (no RoleBinding)" },
            cause: `The API server refuses the call: \`Error from server (Forbidden): ${need.resource.split("/")[0]} is forbidden: User "system:serviceaccount:${ns}:${account}" cannot ${missing[0]} resource "${need.resource}" in API group "${need.group}" in the namespace "${ns}"\`, and the command fails.`,
            evidence: role ? [{ source: "manifest", text: `${role.kind} ${role.metadata.name ?? ""} rules: ${JSON.stringify(role.rules ?? [])}` }] : [],
            confidence: 0.85,
            fix: role
              ? objectChangeFix(view, role, { rules: role.rules ?? [] }, { rules: [...objects(role.rules), newRule] }, `Grant ${need.verbs.join(", ")} on ${need.resource} to the Role.`)
              : {
                  description: `Create a Role with ${need.verbs.join(", ")} on ${need.resource} and bind it to ServiceAccount ${account}.`,
                  commands: [`kubectl create role ${workload.name}-${need.resource.replace("/", "-")}${namespaceFlag(ns)} --verb=${need.verbs.join(",")} --resource=${need.resource}${need.group ? `.${need.group}` : ""}`, `kubectl create rolebinding ${workload.name}-${need.resource.replace("/", "-")}${namespaceFlag(ns)} --role=${workload.name}-${need.resource.replace("/", "-")} --serviceaccount=${ns}:${account}`],
                },
            verify: need.verbs.map((verb) => `kubectl auth can-i ${verb} ${need.resource}${namespaceFlag(ns)} --as=system:serviceaccount:${ns}:${account}`),
          });
        }
      }
    }
  },
});
