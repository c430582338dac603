import { defineRule } from "../../contract/rule.js";
import type { Evidence } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { formatHunks, unifiedHunks } from "../../util/unified-diff.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";
import { yamlText } from "../../util/yaml-text.js";

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
}

interface ReplicaSetStatus {
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
}

const revisionOf = (rs: KubeObject) => Number(rs.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0);

/** The pod template without the label the controller adds, so the diff shows only what the user changed. */
function templateYaml(rs: KubeObject): string {
  const template = structuredClone((rs.spec?.template ?? {}) as { metadata?: { labels?: Record<string, string>; creationTimestamp?: unknown } });
  if (template.metadata?.labels) delete template.metadata.labels["pod-template-hash"];
  if (template.metadata) delete template.metadata.creationTimestamp;
  return yamlText(template);
}

/** `--- old / +++ new` unified diff of two ReplicaSets' pod templates; empty when they are equal. */
export function templateDiff(oldRs: KubeObject, newRs: KubeObject): string {
  const hunks = unifiedHunks(templateYaml(oldRs), templateYaml(newRs));
  if (hunks.length === 0) return "";
  return [`--- ReplicaSet ${oldRs.metadata.name} (revision ${revisionOf(oldRs)})`, `+++ ReplicaSet ${newRs.metadata.name} (revision ${revisionOf(newRs)})`, ...formatHunks(hunks)].join("\n") + "\n";
}

function replicaSetsOf(view: ClusterView, deployment: KubeObject): KubeObject[] {
  return view.kindIn("ReplicaSet", deployment.metadata.namespace).filter((rs) => rs.metadata.ownerReferences?.some((ref) => ref.kind === "Deployment" && ref.name === deployment.metadata.name));
}

export const rolloutStalled = defineRule({
  id: "pod/rollout-stalled",
  category: "rollout-stalled",
  severity: "error",
  title: "A Deployment rollout stalled: the new ReplicaSet never became available (ProgressDeadlineExceeded)",
  docs: {
    cause:
      "The Deployment controller gave up waiting: its Progressing condition is False with reason ProgressDeadlineExceeded because the new ReplicaSet's pods did not become available within progressDeadlineSeconds (600 s by default). The previous ReplicaSet keeps serving; the rollout does not finish or roll back by itself.",
    fix: "Roll back with kubectl rollout undo (to the revision that still serves), then fix what the new pod template changed (the diff of the two ReplicaSets' templates) and roll out again.",
    verify: ["kubectl rollout status deployment/NAME -n NAMESPACE", "kubectl get rs -n NAMESPACE -l app=NAME"],
    references: ["https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#failed-deployment", "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-back-a-deployment"],
  },
  equivalents: [],
  inputs: ["workloads", "pods"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["diagnose"],
  messages: { "rollout-stalled": "rollout of deployment/{deployment} stalled: new ReplicaSet {newReplicaSet} has {available} available pods, {oldReplicaSet} still serves" },
  analyze({ view, report }) {
    for (const deployment of view.kind("Deployment")) {
      const conditions = ((deployment.status?.conditions as Condition[] | undefined) ?? []);
      const index = conditions.findIndex((condition) => condition.type === "Progressing" && condition.status === "False" && condition.reason === "ProgressDeadlineExceeded");
      if (index < 0) continue;
      const condition = conditions[index]!;
      const namespace = deployment.metadata.namespace;
      const name = deployment.metadata.name ?? "";
      const replicaSets = replicaSetsOf(view, deployment).sort((a, b) => revisionOf(b) - revisionOf(a));
      const named = /ReplicaSet "([^"]+)"/.exec(condition.message ?? "")?.[1];
      const newRs = replicaSets.find((rs) => rs.metadata.name === named) ?? replicaSets[0];
      const oldRs = replicaSets.find((rs) => rs !== newRs && ((rs.status as ReplicaSetStatus | undefined)?.availableReplicas ?? (rs.status as ReplicaSetStatus | undefined)?.readyReplicas ?? 0) > 0);
      // A first rollout that never came up has nothing to roll back to: its pods' own findings tell the story.
      if (!newRs || !oldRs) continue;
      const loaded = view.getLoaded("Deployment", namespace, name);
      const file = loaded && !loaded.origin.file.startsWith("api:") ? loaded.origin.file : undefined;
      const conditionLine = file ? loaded?.locate?.(["status", "conditions", index]) : undefined;
      const evidence: Evidence[] = [
        { source: "status", text: `Progressing=False ${condition.reason}: ${condition.message ?? ""}`.trim(), path: file ?? `Deployment ${namespace}/${name}`, ...(conditionLine !== undefined ? { line: conditionLine } : {}) },
      ];
      const statusOf = (rs: KubeObject) => rs.status as ReplicaSetStatus | undefined;
      if (newRs) evidence.push({ source: "status", text: `new ReplicaSet ${newRs.metadata.name} (revision ${revisionOf(newRs)}): ${statusOf(newRs)?.availableReplicas ?? 0}/${statusOf(newRs)?.replicas ?? 0} available`, path: `ReplicaSet ${namespace}/${newRs.metadata.name}` });
      if (oldRs) evidence.push({ source: "status", text: `previous ReplicaSet ${oldRs.metadata.name} (revision ${revisionOf(oldRs)}) still serves: ${statusOf(oldRs)?.availableReplicas ?? statusOf(oldRs)?.readyReplicas ?? 0}/${statusOf(oldRs)?.replicas ?? 0} available`, path: `ReplicaSet ${namespace}/${oldRs.metadata.name}` });
      const diff = newRs && oldRs ? templateDiff(oldRs, newRs) : "";
      if (diff) evidence.push({ source: "spec", text: `what the new template changed:\n${diff}` });
      const ns = namespaceFlag(namespace);
      const undo = `kubectl rollout undo deployment/${name}${ns}${oldRs ? ` --to-revision=${revisionOf(oldRs)}` : ""}`;
      const newPods = newRs ? view.kindIn("Pod", namespace).filter((pod) => pod.metadata.ownerReferences?.some((ref) => ref.kind === "ReplicaSet" && ref.name === newRs.metadata.name)) : [];
      report({
        message: "rollout-stalled",
        data: { deployment: name, newReplicaSet: newRs.metadata.name ?? "", available: statusOf(newRs)?.availableReplicas ?? 0, oldReplicaSet: oldRs.metadata.name ?? "" },
        confidence: 0.95,
        // The Deployment at its Progressing condition: file:line from a file, none for a live object.
        object: deployment,
        fieldPath: ["status", "conditions", index],
        evidence,
        cause: `${condition.message ?? "The new ReplicaSet timed out progressing."} The new pods never became available within progressDeadlineSeconds (${deployment.spec?.progressDeadlineSeconds ?? 600} s)${oldRs ? `; the previous revision ${revisionOf(oldRs)} keeps serving traffic` : ""}. ${diff ? "The template diff shows what the new revision changed; " : ""}${newPods.length ? `the new pods (${newPods.map((pod) => pod.metadata.name).join(", ")}) carry the reason.` : "the new pods carry the reason."}`,
        fix: {
          description: oldRs ? `Roll back to revision ${revisionOf(oldRs)} (${oldRs.metadata.name}), which still serves, then fix the change shown in the diff and roll out again.` : "Roll back to the previous revision, then fix the new pod template.",
          commands: [undo, `kubectl rollout status deployment/${name}${ns}`, ...(newRs ? [`kubectl describe rs ${newRs.metadata.name}${ns}`] : []), `kubectl rollout history deployment/${name}${ns}${newRs ? ` --revision=${revisionOf(newRs)}` : ""}`],
        },
        verify: [`kubectl rollout status deployment/${name}${ns}`, `kubectl get deployment ${name}${ns} -o jsonpath='{.status.conditions[?(@.type=="Progressing")].reason}'`],
      });
    }
  },
});
