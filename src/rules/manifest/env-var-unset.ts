import { defineRule } from "../../contract/rule.js";
import type { JsonObject } from "../../k8s/workloads.js";
import { argv, envNames } from "../../k8s/commands.js";
import { findNamed } from "../../k8s/lookup.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { keysOf } from "../../view/secrets.js";
import { containersOf, isObject, objects, str, workloadsOf } from "../../k8s/pod-templates.js";
import type { Workload } from "../../k8s/workloads.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const meta: RuleMeta = {
  id: "manifest/env-var-unset",
  category: "missing-config-reference",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl set env deployment/<name> -n <namespace> --list", "kubectl logs <pod> -c <container> --previous"] },
};

/** Set by the shell, the kubelet or almost every base image. */
const PROVIDED = new Set([
  "HOME", "PATH", "HOSTNAME", "PWD", "OLDPWD", "USER", "UID", "SHELL", "TERM", "IFS", "PPID", "RANDOM", "SECONDS", "LINENO", "BASH_SOURCE", "LANG", "LC_ALL",
  "JAVA_HOME", "JAVA_VERSION", "JAVA_OPTS", "JAVA_TOOL_OPTIONS", "NODE_VERSION", "YARN_VERSION", "PYTHON_VERSION", "GOPATH", "GOLANG_VERSION", "NGINX_VERSION", "PGDATA", "GOSU_VERSION",
  "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "KUBERNETES_PORT", "POD_NAME", "POD_NAMESPACE", "POD_IP", "NODE_NAME",
]);

const SERVICE_ENV = /_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT_\d+_(TCP|UDP|SCTP)(_[A-Z]+)?)$/;

interface Use {
  name: string;
  required: boolean;
  /** The text that uses it, e.g. `if [ -z "$DATABASE_URL" ]`. */
  text: string;
  field: "command" | "args";
  index: number;
}

function usesIn(parts: string[], field: "command" | "args"): Use[] {
  const uses: Use[] = [];
  parts.forEach((part, index) => {
    const assigned = new Set<string>();
    for (const match of part.matchAll(/(?:^|[\s;&|(])(?:export\s+|local\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)=/g)) assigned.add(match[1]!);
    for (const match of part.matchAll(/\b(?:for|read(?:\s+-[a-z]+)*)\s+([A-Za-z_][A-Za-z0-9_]*)/g)) assigned.add(match[1]!);
    const add = (name: string, required: boolean, text: string) => {
      if (!/^[A-Z_][A-Z0-9_]*$/.test(name) || name === "_" || assigned.has(name)) return;
      const existing = uses.find((u) => u.name === name);
      if (existing) {
        if (required && !existing.required) Object.assign(existing, { required, text });
        return;
      }
      uses.push({ name, required, text, field, index });
    };
    for (const match of part.matchAll(/\[\[?\s+-z\s+"?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?\s+\]\]?/g)) add(match[1]!, true, match[0]);
    for (const match of part.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[?])[^}]*\}/g)) add(match[1]!, true, match[0]);
    for (const match of part.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) add(match[1]!, false, match[0]);
    // Kubernetes expands $(VAR) in command and args; an undefined one stays as the literal text.
    for (const match of part.matchAll(/(?<!\$)\$\(([A-Z_][A-Z0-9_]*)\)/g)) add(match[1]!, false, match[0]);
  });
  return uses;
}

/** Every name the container's environment may hold; undefined when envFrom brings in keys we cannot see. */
function availableNames(view: Parameters<typeof workloadsOf>[0], workload: Workload, container: JsonObject): Set<string> | undefined {
  const names = envNames(container);
  for (const source of objects(container.envFrom)) {
    const prefix = str(source.prefix) ?? "";
    const ref = isObject(source.secretRef) ? { kind: "Secret", name: str(source.secretRef.name) } : isObject(source.configMapRef) ? { kind: "ConfigMap", name: str(source.configMapRef.name) } : undefined;
    if (!ref?.name) return undefined;
    const object = findNamed(view, ref.kind, workload.namespace, ref.name);
    if (!object || (object.data === undefined && object.stringData === undefined)) return undefined;
    for (const key of keysOf(object)) names.add(prefix + key);
  }
  return names;
}

export const envVarUnsetRule = defineRule({
  ...meta,
  title: "The container's command needs an env var that is never set",
  docs: {
    cause:
      "The container's own command or args read an environment variable (`${VAR}`, `$(VAR)`, `if [ -z \"$VAR\" ]`, `${VAR:?}`) that neither env nor envFrom sets. The script exits at its own check, or the app starts with an empty value and fails (`KeyError: 'VAR'`, `Could not resolve placeholder`).",
    fix: "Set the variable in env (from a Secret or ConfigMap key when it is a credential or setting), or give the script a default (`${VAR:-value}`).",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/"],
  },
  inputs: ["workloads", "pods", "manifests", "config"],
  reads: ["ConfigMap", "CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "Secret", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "never-set": "{uses} {variable} (`{text}`) but {kind} {name} never sets it",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        const { command, args } = argv(ref.container);
        const uses = [...usesIn(command, "command"), ...usesIn(args, "args")];
        if (uses.length === 0) continue;
        const available = availableNames(view, workload, ref.container);
        if (!available) continue;
        for (const use of uses) {
          if (available.has(use.name) || PROVIDED.has(use.name) || SERVICE_ENV.test(use.name)) continue;
          const env = [...objects(ref.container.env), { name: use.name, valueFrom: { secretKeyRef: { name: `${workload.name}-config`, key: use.name.toLowerCase().replace(/_/g, "-") } } }];
          reportObject(ctx, meta, workload.object, {
            field: [...ref.path, use.field, use.index],
            container: ref.name,
            message: "never-set",
            data: { uses: use.required ? "Container checks for" : "Container uses", variable: use.name, text: use.text, kind: workload.kind, name: workload.name },
            cause: use.required
              ? `The command requires ${use.name} (\`${use.text}\`) and no env or envFrom entry sets it, so the script stops at its own check with a non-zero exit and the container crash-loops.`
              : `The command reads ${use.name} (\`${use.text}\`) and no env or envFrom entry sets it: it expands to ${use.text.startsWith("$(") ? "the literal text" : "an empty string"}, and the process starts misconfigured.`,
            severity: use.required ? "error" : "warning",
            confidence: use.required ? 0.85 : 0.6,
            fix: () => containerChangeFix(view, workload, ref.name, { current: ref.container, set: { env }, init: ref.init }, `Set ${use.name} in the container's env (here from a Secret key; use value: for a plain setting).`),
            verify: [`kubectl set env ${workload.kind.toLowerCase()}/${workload.name}${namespaceFlag(workload.namespace)} --list | grep ${use.name}`, `kubectl logs <pod>${namespaceFlag(workload.namespace)} -c ${ref.name} --previous`],
          });
        }
      }
    }
  },
});
