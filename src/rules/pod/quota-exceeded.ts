import { defineRule } from "../../contract/rule.js";
import type { Evidence } from "../../model/finding.js";
import type { EventRecord } from "../../model/inputs.js";
import { eventEvidence } from "./causes/evidence.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const QUOTA = /exceeded quota: ([\w.-]+)|failed quota: ([\w.-]+)|must specify (?:limits|requests)\.\w+|maximum (?:cpu|memory|storage|ephemeral-storage) usage per (?:Container|Pod) is|minimum (?:cpu|memory) usage per (?:Container|Pod) is|LimitRange/;
const CONTROLLERS = new Set(["ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"]);

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export const quotaExceeded = defineRule({
  id: "pod/quota-exceeded",
  category: "quota-exceeded",
  severity: "error",
  title: "ResourceQuota or LimitRange rejects the pods",
  docs: {
    cause: "The controller cannot create pods because the namespace's ResourceQuota would be exceeded ('exceeded quota'), a quota on limits/requests requires every container to declare them ('must specify limits.cpu'), or a LimitRange caps what a container may ask for. No pod appears at all; the Deployment shows fewer ready replicas and a ReplicaFailure condition.",
    fix: "Declare requests/limits that fit the quota and LimitRange, lower them, or raise the quota.",
    verify: ["kubectl describe resourcequota", "kubectl describe limitrange", "kubectl get rs -o wide"],
    references: ["https://kubernetes.io/docs/concepts/policy/resource-quotas/", "https://kubernetes.io/docs/concepts/policy/limit-range/"],
  },
  equivalents: [],
  inputs: ["events", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: [],
  scopes: ["diagnose"],
  messages: {
    "quota-requires-resources": "{kind} {name} cannot create pods: the quota requires {resources} on every container",
    "quota-would-be-exceeded": "{kind} {name} cannot create pods: ResourceQuota {quota} would be exceeded",
    "limit-range-rejects": "{kind} {name} cannot create pods: a LimitRange rejects the container's resources",
  },
  analyze({ view, report }) {
    const seen = new Set<string>();
    const candidates: Array<{ kind: string; namespace?: string; name: string; message: string; event?: EventRecord; path?: string }> = [];
    for (const event of view.eventsWithReason("FailedCreate")) {
      if (CONTROLLERS.has(event.involved.kind) && QUOTA.test(event.message)) candidates.push({ kind: event.involved.kind, namespace: event.involved.namespace, name: event.involved.name, message: event.message, event });
    }
    for (const kind of ["ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job"]) {
      for (const object of view.kind(kind)) {
        const condition = ((object.status?.conditions ?? []) as Condition[]).find((c) => (c.type === "ReplicaFailure" || c.reason === "FailedCreate") && c.status === "True" && QUOTA.test(c.message ?? ""));
        if (condition) candidates.push({ kind, namespace: object.metadata.namespace, name: object.metadata.name ?? "", message: condition.message ?? "", path: `status.conditions[${condition.type}]` });
      }
    }
    for (const candidate of candidates) {
      const key = `${candidate.kind}/${candidate.namespace}/${candidate.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const ns = namespaceFlag(candidate.namespace);
      const quota = /(?:exceeded|failed) quota: ([\w.-]+)/.exec(candidate.message)?.[1];
      const needsLimits = /must specify ([\w.,\s]+?)(?: for|$)/.exec(candidate.message)?.[1];
      const evidence: Evidence[] = candidate.event ? [eventEvidence(candidate.event)] : [{ source: "status", path: candidate.path ?? "status.conditions", text: candidate.message }];
      report({
        message: needsLimits ? "quota-requires-resources" : quota ? "quota-would-be-exceeded" : "limit-range-rejects",
        data: { kind: candidate.kind, name: candidate.name, resources: needsLimits?.trim() ?? "", quota: quota ?? "" },
        confidence: 0.95,
        resource: { kind: candidate.kind, ...(candidate.namespace ? { namespace: candidate.namespace } : {}), name: candidate.name },
        evidence,
        cause: `The API server rejects the controller's pods: ${candidate.message}. No pod is created, so nothing crashes; the workload simply has fewer replicas than it wants.`,
        fix: {
          description: needsLimits ? `Declare ${needsLimits.trim()} for every container (including init containers and injected sidecars) in the pod template` : quota ? `Lower the pods' requests/limits to fit ResourceQuota ${quota}, scale other workloads down, or raise the quota` : "Set requests/limits within the LimitRange's min/max",
          commands: [`kubectl describe resourcequota${ns}`, `kubectl describe limitrange${ns}`],
        },
        verify: [`kubectl get ${candidate.kind.toLowerCase()} ${candidate.name}${ns}   # READY/CURRENT reaches DESIRED`, `kubectl get events${ns} --field-selector reason=FailedCreate`],
      });
    }
  },
});
