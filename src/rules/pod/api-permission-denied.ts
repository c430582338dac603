import type { Fix } from "../../model/finding.js";
import { logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { logLineDetectors } from "./causes/detectors.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

function fix(context: FixContext): Fix {
  const d = context.d.cause.detail;
  const namespace = d.namespace ?? context.names.namespace;
  const account = d.name ?? context.podSpec?.serviceAccountName ?? "default";
  const verb = d.verb ?? "get";
  const resource = d.resource ?? "<resource>";
  const group = d.group ?? "";
  const role = `${account}-${resource}-${verb}`.replace(/[^a-z0-9-]/gi, "-").toLowerCase().slice(0, 60);
  const after = [
    "apiVersion: rbac.authorization.k8s.io/v1",
    "kind: Role",
    `metadata: { name: ${role}, namespace: ${namespace} }`,
    "rules:",
    `- apiGroups: ["${group}"]`,
    `  resources: ["${resource}"]`,
    `  verbs: ["${verb}"${verb === "get" ? ', "list", "watch"' : ""}]`,
    "---",
    "apiVersion: rbac.authorization.k8s.io/v1",
    "kind: RoleBinding",
    `metadata: { name: ${role}, namespace: ${namespace} }`,
    `roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: ${role} }`,
    `subjects: [{ kind: ServiceAccount, name: ${account}, namespace: ${namespace} }]`,
  ].join("\n");
  return {
    description: `Grant ServiceAccount ${namespace}/${account} "${verb}" on ${resource}${group ? `.${group}` : ""} with a Role and RoleBinding (a ClusterRole if it needs the cluster scope)`,
    yaml: { target: `Role ${namespace}/${role}`, before: "# no Role grants it", after },
    commands: [`kubectl create role ${role}${namespaceFlag(namespace)} --verb=${verb}${verb === "get" ? ",list,watch" : ""} --resource=${resource}${group ? `.${group}` : ""}`, `kubectl create rolebinding ${role}${namespaceFlag(namespace)} --role=${role} --serviceaccount=${namespace}:${account}`],
  };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
};

export const apiPermissionDenied = podCauseRule({
  id: "pod/api-permission-denied",
  messages,
  category: "api-permission-denied",
  detectors: [
    ...logLineDetectors("api-permission-denied", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "ServiceAccount lacks RBAC for the Kubernetes API calls the app makes",
  docs: {
    cause: "The app calls the Kubernetes API with its ServiceAccount and the API server answers 403: 'forbidden: User \"system:serviceaccount:NS:SA\" cannot VERB resource \"R\"'. Operators and controllers exit when their informers cannot list or watch.",
    fix: "Bind a Role (or ClusterRole) granting exactly the verb and resource named in the message to the ServiceAccount.",
    verify: ["kubectl auth can-i <VERB> <RESOURCE> --as=system:serviceaccount:<NS>:<SA> -n <NS>", "kubectl logs <POD> -c <CONTAINER> --previous"],
    references: ["https://kubernetes.io/docs/reference/access-authn-authz/rbac/"],
  },
  equivalents: [],
  explain: (context) => `The API server refuses the ServiceAccount ${context.d.cause.detail.namespace ?? ""}/${context.d.cause.detail.name ?? ""} "${context.d.cause.detail.verb ?? "?"}" on ${context.d.cause.detail.resource ?? "a resource"}; the app exits when the call fails.`,
  fix,
  verify: (n, context) => {
    const d = context.d.cause.detail;
    return [`kubectl auth can-i ${d.verb ?? "get"} ${d.resource ?? "<RESOURCE>"} --as=system:serviceaccount:${d.namespace ?? n.namespace}:${d.name ?? "default"}${namespaceFlag(d.namespace ?? n.namespace)}   # yes`, logsCommand(n), ...restartVerify(n)];
  },
});
