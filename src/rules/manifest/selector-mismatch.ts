import { defineRule } from "../../contract/rule.js";
import { formatSelector } from "../../k8s/lookup.js";
import { KUBERNETES_SELECTOR, selectorMatches } from "../../k8s/selectors.js";
import { objectChangeFix, reportObject, type RuleMeta } from "./report.js";
import { isObject, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/selector-mismatch",
  category: "config-schema-error",
  severity: "error",
  equivalents: ["kube-linter:mismatching-selector", "kube-score:deployment-pod-selector-labels-match-template-metadata-labels", "kube-score:statefulset-pod-selector-labels-match-template-metadata-labels"],
  docs: { verify: ["kubectl apply --dry-run=server -f <file>"] },
};

export const selectorMismatchRule = defineRule({
  ...meta,
  title: "A workload's selector does not match its pod template labels",
  docs: {
    cause:
      "spec.selector must match spec.template.metadata.labels. When it does not, the API server rejects the object (`selector does not match template labels`), or for apps/v1 without a selector `spec.selector: Required value`; nothing is deployed.",
    fix: "Make the selector's matchLabels a subset of the template's labels (and remember the selector of an existing Deployment cannot change).",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "selector-missing": "{kind} {name} has no spec.selector",
    "selector-mismatch": "{kind} {name} selects {selector} but its pod template is labelled {labels}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      if (!["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"].includes(workload.kind)) continue;
      const selector = workload.object.spec?.selector;
      if (!isObject(selector)) {
        if (!String(workload.object.apiVersion ?? "").startsWith("apps/v1")) continue;
        reportObject(ctx, meta, workload.object, {
          field: ["spec"],
          message: "selector-missing",
          data: { kind: workload.kind, name: workload.name },
          cause: "apps/v1 requires a selector: `spec.selector: Required value`; the object is rejected.",
          confidence: 0.9,
          fix: () => objectChangeFix(view, workload.object, { spec: {} }, { spec: { selector: { matchLabels: workload.labels } } }, "Select the template's labels."),
        });
        continue;
      }
      if (selectorMatches(selector, workload.labels, KUBERNETES_SELECTOR)) continue;
      reportObject(ctx, meta, workload.object, {
        field: ["spec", "selector"],
        message: "selector-mismatch",
        data: { kind: workload.kind, name: workload.name, selector: formatSelector(selector), labels: Object.entries(workload.labels).map(([k, v]) => `${k}=${v}`).join(",") || "(no labels)" },
        cause: "The API server rejects it: `spec.template.metadata.labels: Invalid value: ...: `selector` does not match template `labels``. Nothing is created.",
        confidence: 0.95,
        evidence: [{ source: "manifest", text: `template labels: ${JSON.stringify(workload.labels)}` }],
        fix: () => objectChangeFix(view, workload.object, { spec: { selector } }, { spec: { selector: { matchLabels: workload.labels } } }, "Select exactly the labels the template sets (or add the selected labels to the template)."),
      });
    }
  },
});
