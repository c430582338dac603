import { defineRule } from "../../contract/rule.js";
import type { Evidence } from "../../model/finding.js";
import type { EventRecord } from "../../model/inputs.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";
import type { Diagnosis } from "./causes/cause.js";
import { podCauses } from "./causes/competition.js";
import { eventEvidence } from "./causes/evidence.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";
import { appliedNamespace } from "../../model/namespace.js";

interface JobStatus {
  failed?: number;
  succeeded?: number;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
}

const BACKOFF_MESSAGE = /(?:has reached the specified backoff limit|BackoffLimitExceeded)/i;

function jobsOf(view: ClusterView): Array<{ namespace?: string; name: string; object?: KubeObject; events: EventRecord[] }> {
  const jobs: Array<{ namespace?: string; name: string; object?: KubeObject; events: EventRecord[] }> = view.kind("Job").map((object) => ({ namespace: object.metadata.namespace, name: object.metadata.name ?? "", object, events: [...view.eventsFor("Job", object.metadata.namespace, object.metadata.name ?? "")] }));
  // Jobs known only from their events (the Job was deleted, or only events were given), in the order of their first event.
  const jobKey = (namespace: string | undefined, name: string) => JSON.stringify([namespace ?? null, name]);
  const known = new Set(jobs.map((job) => jobKey(job.namespace, job.name)));
  const eventOnly = new Map<string, { namespace?: string; name: string; events: EventRecord[] }>();
  for (const event of view.eventsAbout("Job")) {
    const key = jobKey(event.involved.namespace, event.involved.name);
    if (known.has(key)) continue;
    let job = eventOnly.get(key);
    if (!job) eventOnly.set(key, (job = { namespace: event.involved.namespace, name: event.involved.name, events: [] }));
    job.events.push(event);
  }
  jobs.push(...eventOnly.values());
  return jobs;
}

export const jobBackoffLimit = defineRule({
  id: "pod/job-backoff-limit",
  category: "job-backoff-limit",
  severity: "error",
  title: "Job failed: its pods kept failing until backoffLimit was reached",
  docs: {
    cause: "A Job retries failed pods (with an exponential back-off) until spec.backoffLimit failures, then marks itself Failed with reason BackoffLimitExceeded and stops creating pods. The root cause is whatever makes each pod fail; at pod level it may look like CrashLoopBackOff.",
    fix: "Fix the pods' own failure (see their finding), then re-run the Job (delete and re-create it: a Job's template is immutable); raise backoffLimit only for genuinely flaky work.",
    verify: ["kubectl get job <JOB> -o jsonpath='{.status.conditions}'", "kubectl logs job/<JOB>", "kubectl get pods -l job-name=<JOB>"],
    references: ["https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-backoff-failure-policy"],
  },
  equivalents: [],
  inputs: ["workloads", "events", "pods", "logs"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: [],
  scopes: ["diagnose"],
  // The pods' causes as the pod rules' arbitration decided them: this rule reads them, it does not compete.
  after: podCauses,
  messages: {
    "backoff-limit-reached-by-pod-cause": "Job {job} failed: backoffLimit ({backoffLimit}) reached; its pods fail because {podCause}",
    "backoff-limit-reached": "Job {job} failed: backoffLimit ({backoffLimit}) reached",
    "unstated-backoff-limit-reached-by-pod-cause": "Job {job} failed: backoffLimit reached; its pods fail because {podCause}",
    "unstated-backoff-limit-reached": "Job {job} failed: backoffLimit reached",
  },
  analyze({ view, report, causes }) {
    if (!causes) throw new Error("internal error: pod/job-backoff-limit reads the pod causes, which only the engine hands out");
    const diagnoses = causes as readonly Diagnosis[];
    for (const job of jobsOf(view)) {
      const status = (job.object?.status ?? {}) as JobStatus;
      const condition = status.conditions?.find((c) => c.type === "Failed" && c.status === "True" && (c.reason === "BackoffLimitExceeded" || BACKOFF_MESSAGE.test(c.message ?? "")));
      const events = job.events.filter((e) => e.reason === "BackoffLimitExceeded" || BACKOFF_MESSAGE.test(e.message));
      if (!condition && events.length === 0) continue;
      const declared = (job.object?.spec as { backoffLimit?: number } | undefined)?.backoffLimit;
      const backoffLimit = declared ?? (job.object?.spec && Object.keys(job.object.spec).length > 0 && (job.object.spec as { template?: unknown }).template ? 6 : undefined);
      const evidence: Evidence[] = [];
      if (condition) evidence.push({ source: "status", path: "status.conditions[Failed]", text: `condition Failed: ${condition.reason ?? ""}: ${condition.message ?? ""}; status.failed ${status.failed ?? "?"}, spec.backoffLimit ${backoffLimit ?? "not shown"}` });
      evidence.push(...events.slice(0, 1).map(eventEvidence));
      const podCauses = diagnoses.filter((d) => d.pod.namespace === job.namespace && (d.pod.object?.metadata.ownerReferences?.some((r) => r.kind === "Job" && r.name === job.name) || d.pod.object?.metadata.labels?.["job-name"] === job.name));
      const first = podCauses[0];
      if (first) evidence.push({ source: "status", path: `Pod ${appliedNamespace(first.pod.namespace)}/${first.pod.name}`, text: `its pods fail: ${first.cause.summary} (${first.cause.category})` });
      const ns = namespaceFlag(job.namespace);
      const stated = backoffLimit !== undefined;
      report({
        message: first ? (stated ? "backoff-limit-reached-by-pod-cause" : "unstated-backoff-limit-reached-by-pod-cause") : stated ? "backoff-limit-reached" : "unstated-backoff-limit-reached",
        data: { job: job.name, backoffLimit: backoffLimit ?? "", podCause: first?.cause.summary ?? "" },
        confidence: condition ? 0.97 : 0.9,
        // The Job object, at its conditions (file:line from a file, none for a live object); a Job known only from its events is named.
        ...(job.object ? { object: job.object, fieldPath: ["status", "conditions"] } : { resource: { kind: "Job", ...(job.namespace ? { namespace: job.namespace } : {}), name: job.name } }),
        evidence,
        cause: `The Job's pods failed ${status.failed ?? "repeatedly"} times, reaching spec.backoffLimit${backoffLimit !== undefined ? ` ${backoffLimit}` : ""}, so the Job is Failed (BackoffLimitExceeded) and creates no more pods.${first ? ` Each pod fails the same way: ${first.cause.summary}.` : " Read a failed pod's log for the reason."}`,
        fix: {
          description: "Fix why the pods fail (see the pod finding), then re-run the Job: its pod template is immutable, so delete and re-create it from the corrected manifest. Raise backoffLimit only for genuinely flaky work.",
          commands: [`kubectl logs job/${job.name}${ns}`, `kubectl get pods${ns} -l job-name=${job.name}`, `kubectl delete job ${job.name}${ns} && kubectl apply -f <job.yaml>`],
        },
        verify: [`kubectl get job ${job.name}${ns} -w   # COMPLETIONS reaches its target`, `kubectl get job ${job.name}${ns} -o jsonpath='{.status.conditions[*].type}{"\\n"}'   # Complete, not Failed`],
      });
    }
  },
});
