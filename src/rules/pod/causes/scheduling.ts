import type { Evidence } from "../../../model/finding.js";
import { eventEvidence } from "./evidence.js";
import type { PodContext } from "./context.js";
import { type Cause, podEvents, seconds, strongest } from "./cause.js";

/** The scheduler cannot place the pod: its reason, from the PodScheduled condition or FailedScheduling events. */

export function schedulingSubcause(message: string): { detail: string; words: string } {
  if (/unbound (?:immediate )?PersistentVolumeClaims|persistentvolumeclaim "[^"]+" not found|volume node affinity conflict/i.test(message)) return { detail: "unbound-pvc", words: "a PersistentVolumeClaim it mounts is not bound (or its volume is pinned to other nodes)" };
  if (/Insufficient (cpu|memory|ephemeral-storage|pods|[\w./-]+)/i.test(message)) {
    // The scheduler ends the clause with a period: "2 Insufficient memory. preemption: ..."; nvidia.com/gpu has dots of its own.
    const resource = /Insufficient ([\w./-]*[\w/-])/i.exec(message)![1]!;
    return { detail: `insufficient-${resource.replace(/[^\w-]/g, "-")}`, words: `no node has enough free ${resource} for its requests` };
  }
  if (/didn't match Pod's node affinity\/selector|node\(s\) didn't match node selector|didn't match pod affinity|didn't match pod anti-affinity/i.test(message)) return { detail: "selector", words: "no node matches its nodeSelector / node affinity (or pod (anti-)affinity)" };
  if (/untolerated taint|had taint|had untolerated/i.test(message)) return { detail: "taint", words: "the nodes carry taints the pod does not tolerate" };
  if (/didn't have free ports|free ports for the requested pod ports/i.test(message)) return { detail: "host-port", words: "the hostPort it asks for is taken on every node" };
  if (/node\(s\) were unschedulable/i.test(message)) return { detail: "cordoned", words: "the nodes are cordoned (unschedulable)" };
  if (/no nodes available|0\/0 nodes/i.test(message)) return { detail: "no-nodes", words: "the cluster has no nodes available" };
  return { detail: "other", words: "the scheduler finds no node that fits" };
}

/** The scheduler finds no node for the pod: it is Pending with PodScheduled False or FailedScheduling events. */
export function schedulingCause(pod: PodContext, now: Date): Cause | undefined {
  const status = pod.status;
  const scheduled = status?.conditions?.find((c) => c.type === "PodScheduled");
  const failedScheduling = podEvents(pod, /^FailedScheduling$/);
  const pending = !status?.phase || status.phase === "Pending";
  if (!(pending && (scheduled?.status === "False" || (failedScheduling.length > 0 && !pod.containers.some((c) => c.status))))) return undefined;
  const message = scheduled?.message ?? strongest(failedScheduling)?.message ?? "";
  const sub = schedulingSubcause(message);
  const evidence: Evidence[] = [];
  if (scheduled?.status === "False") evidence.push({ source: "status", path: "status.conditions[PodScheduled]", text: `PodScheduled False (${scheduled.reason ?? "Unschedulable"}): ${scheduled.message ?? ""}` });
  for (const event of failedScheduling.slice(-1)) evidence.push(eventEvidence(event));
  const pendingFor = seconds(pod.object?.metadata.creationTimestamp, now);
  return {
    category: "unschedulable",
    confidence: 0.93,
    severity: pendingFor !== undefined && pendingFor >= 1 && pendingFor < 60 ? "warning" : "error",
    summary: "",
    said: { message: "pending", data: { pod: pod.name, reason: sub.words } },
    cause: `The scheduler cannot place the pod: ${sub.words}. Its message: ${message}`,
    evidence,
    detail: { subcause: sub.detail, message },
  };
}
