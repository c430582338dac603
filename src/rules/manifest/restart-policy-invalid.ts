import { defineRule } from "../../contract/rule.js";
import { reportObject, podChangeFix, type RuleMeta } from "./report.js";
import { str, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/restart-policy-invalid",
  category: "config-schema-error",
  severity: "error",
  equivalents: ["kube-linter:restart-policy", "kube-score:cronjob-restartpolicy"],
  docs: { verify: ["kubectl apply --dry-run=server -f <file>"] },
};

const ALWAYS_ONLY = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "DeploymentConfig"];

export const restartPolicyInvalidRule = defineRule({
  ...meta,
  title: "restartPolicy the workload kind does not accept",
  docs: {
    cause:
      "Deployments, StatefulSets, DaemonSets and ReplicaSets only run pods with restartPolicy Always; Jobs and CronJobs only with OnFailure or Never (and Always is their default in the pod spec, so a Job template must set one). The API server rejects the object: `spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"`.",
    fix: "Remove restartPolicy from long-running workloads (Always is the default); set OnFailure or Never in Job and CronJob templates.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "restart-policy-invalid": "{kind} {name}: {problem}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      const policy = str(workload.spec.restartPolicy);
      const isJob = workload.kind === "Job" || workload.kind === "CronJob";
      let problem: string | undefined;
      let replacement: string | undefined;
      if (ALWAYS_ONLY.includes(workload.kind) && policy !== undefined && policy !== "Always") {
        problem = `restartPolicy ${policy} is not allowed for a ${workload.kind} (only Always)`;
        replacement = undefined;
      } else if (isJob && (policy === undefined || policy === "Always") && Object.keys(workload.spec).length > 0) {
        problem = policy === undefined ? `the ${workload.kind} template sets no restartPolicy, so it defaults to Always, which Jobs do not accept` : `restartPolicy Always is not allowed for a ${workload.kind} (OnFailure or Never)`;
        replacement = "OnFailure";
      }
      if (!problem) continue;
      reportObject(ctx, meta, workload.object, {
        field: policy !== undefined ? [...workload.specPath, "restartPolicy"] : workload.specPath,
        message: "restart-policy-invalid",
        data: { kind: workload.kind, name: workload.name, problem },
        cause: `The API server rejects the object (\`spec.template.spec.restartPolicy: ${policy === undefined ? "Required value" : `Unsupported value: "${policy}"`}\`), so nothing is created.`,
        confidence: 0.9,
        fix: () => podChangeFix(view, workload, { restartPolicy: policy ?? null }, { restartPolicy: replacement ?? null }, replacement ? `Set restartPolicy: ${replacement} (the Job controller then retries up to backoffLimit).` : "Remove restartPolicy (Always is the default)."),
      });
    }
  },
});
