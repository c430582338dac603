import { defineRule } from "../../contract/rule.js";
import { containerChangeFix, fieldEvidence, reportObject, type RuleMeta } from "./report.js";
import { containersOf, objects, str, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/env-var-duplicate",
  category: "missing-config-reference",
  severity: "warning",
  equivalents: ["kube-linter:duplicate-env-var", "kube-score:environment-variable-key-duplication"],
  docs: { verify: ["kubectl set env deployment/<name> -n <namespace> --list"] },
};

export const envVarDuplicateRule = defineRule({
  ...meta,
  title: "The same env var is set twice in a container",
  docs: {
    cause:
      "A container lists the same environment variable name more than once. Only the last entry takes effect (`kubectl apply` warns `hides previous definition`), so the value or Secret reference the author meant may be silently dropped and the app starts with the wrong setting.",
    fix: "Keep one entry per name, with the value that is meant.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "set-twice": "Container {container} sets {name} twice (env[{first}] and env[{index}]); only the last one applies",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        const seen = new Map<string, number>();
        const env = objects(ref.container.env);
        env.forEach((entry, index) => {
          const name = str(entry.name);
          if (!name) return;
          const first = seen.get(name);
          if (first === undefined) {
            seen.set(name, index);
            return;
          }
          reportObject(ctx, meta, workload.object, {
            field: [...ref.path, "env", index, "name"],
            container: ref.name,
            message: "set-twice",
            data: { container: ref.name, name, first, index },
            cause: `Kubernetes keeps the last definition of ${name}; env[${first}] is ignored, so the app may run with a value nobody intended.`,
            evidence: [fieldEvidence(view, workload.object, [...ref.path, "env", first, "name"])],
            confidence: 0.7,
            fix: () => containerChangeFix(view, workload, ref.name, { current: ref.container, set: { env: env.filter((_, i) => i !== first) }, init: ref.init }, `Keep a single ${name} entry.`),
          });
        });
      }
    }
  },
});
