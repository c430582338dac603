import type { Fix, Evidence } from "../../model/finding.js";
import { podCauseRule, type FixContext } from "./pod-rule.js";
import { templateFix } from "../workload-fixes.js";
import type { JsonObject } from "../../k8s/workloads.js";
import { claimEvidence, claimFix, claimWords, unboundClaims } from "./volume-claims.js";
import { POD_WIDE } from "./causes/competition.js";
import { detector, worded } from "./causes/detectors.js";
import { eventEvidence } from "./causes/evidence.js";
import type { PodContext } from "./causes/context.js";
import { type Cause, podEvents, seconds, strongest } from "./causes/cause.js";

/** The kubelet refused the pod at admission (OutOfcpu, OutOfmemory, NodeAffinity ...): the pod is Failed. */
export function admissionCause(pod: PodContext): Cause | undefined {
  const status = pod.status;
  if (!(status?.phase === "Failed" && /^OutOf|^UnexpectedAdmissionError$|^NodeAffinity$/.test(status.reason ?? ""))) return undefined;
  return {
    category: "unschedulable",
    confidence: 0.9,
    severity: "error",
    summary: "",
    said: { message: "rejected-at-admission", data: { pod: pod.name, reason: String(status.reason) } },
    cause: `The node's kubelet refused the pod when it arrived: ${status.message ?? status.reason}. The pod is Failed and its controller creates a new one.`,
    evidence: [{ source: "status", path: "status.reason", text: `status: Failed, reason ${status.reason}: ${status.message ?? ""}` }],
    detail: { subcause: "admission", reason: status.reason ?? "" },
  };
}

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

function fix(context: FixContext): Fix {
  const sub = context.d.cause.detail.subcause ?? "other";
  const n = context.names;
  const spec = context.podSpec;
  const owner = context.owner;
  if (sub === "selector" && owner && spec?.nodeSelector) {
    return templateFix(owner, { nodeSelector: spec.nodeSelector }, { nodeSelector: Object.fromEntries(Object.keys(spec.nodeSelector).map((key) => [key, "<a value a node has>"])) } as JsonObject, "No node carries the labels the pod selects: correct the nodeSelector/affinity to labels the nodes have (or label a node)", ["kubectl get nodes --show-labels", `kubectl label node <NODE> ${Object.entries(spec.nodeSelector).map(([k, v]) => `${k}=${v}`).join(" ")}`]);
  }
  if (sub === "taint" && owner) {
    const taint = /\{([^}]+)\}/.exec(context.d.cause.detail.message ?? "")?.[1] ?? "";
    const [key, value] = taint.split(":")[0]!.split("=").map((s) => s.trim());
    const toleration = key ? { key, operator: value ? "Equal" : "Exists", ...(value ? { value } : {}), effect: "NoSchedule" } : { key: "<taint-key>", operator: "Exists", effect: "NoSchedule" };
    return templateFix(owner, { tolerations: spec?.tolerations ?? [] }, { tolerations: [...(spec?.tolerations ?? []), toleration] }, `The nodes are tainted${taint ? ` (${taint})` : ""}: add a toleration if the pod belongs there, or schedule it on untainted nodes`, ["kubectl describe nodes | grep -A2 Taints"]);
  }
  if (sub.startsWith("insufficient")) {
    return { description: "No node has enough free capacity for the pod's requests: lower the requests to what the app really uses, free capacity, or add nodes (cluster autoscaler)", commands: ["kubectl describe nodes | grep -A8 'Allocated resources'", `kubectl get pod ${n.pod}${n.ns} -o jsonpath='{.spec.containers[*].resources.requests}{"\\n"}'`, "kubectl top nodes"] };
  }
  if (sub === "unbound-pvc") {
    const claims = unboundClaims(context);
    if (claims.length > 0) return claimFix(context, claims);
    return { description: "A PersistentVolumeClaim the pod mounts is not bound: check its StorageClass exists and provisions, or create a matching PersistentVolume", commands: [`kubectl get pvc${n.ns}`, `kubectl describe pvc <CLAIM>${n.ns}`, "kubectl get storageclass"] };
  }
  return { description: "Read the scheduler's message: it counts, per reason, the nodes that do not fit; fix the pod's requests, selectors, affinity or tolerations accordingly", commands: [`kubectl describe pod ${n.pod}${n.ns} | grep -A5 Events`, "kubectl get nodes -o wide"] };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "pending-on-unbound-claims": "pod {pod} is Pending: {claims}",
  "rejected-at-admission": "pod {pod} was rejected by the kubelet at admission ({reason})",
  "pending": "pod {pod} is Pending: {reason}",
};

export const unschedulable = podCauseRule({
  id: "pod/unschedulable",
  messages,
  category: "unschedulable",
  detectors: [
    worded(messages, ["rejected-at-admission"], detector(POD_WIDE, "admission", ({ pod }) => admissionCause(pod))),
    worded(messages, ["pending"], detector(POD_WIDE, "scheduling", ({ pod, now }) => schedulingCause(pod, now))),
  ],
  title: "Pod Pending: no node fits (resources, selectors, affinity, taints, unbound PVC)",
  docs: {
    cause: "The scheduler cannot place the pod (FailedScheduling, PodScheduled False): no node has enough free CPU/memory/GPU for its requests, none matches its nodeSelector or affinity, all carry taints it does not tolerate, or a PersistentVolumeClaim it mounts is unbound. Also kubelet admission rejections (OutOfcpu, OutOfmemory).",
    fix: "Lower requests or add capacity, correct selectors/affinity or label nodes, add tolerations, or get the PVC bound.",
    verify: ["kubectl describe pod <POD> | grep -A5 Events", "kubectl get pod <POD> -o wide -w"],
    references: ["https://kubernetes.io/docs/concepts/scheduling-eviction/"],
  },
  equivalents: ["k8sgpt:Pod"],
  inputs: ["pods", "events", "logs", "workloads", "manifests"],
  refine(context) {
    if (context.d.cause.detail.subcause !== "unbound-pvc") return undefined;
    const claims = unboundClaims(context);
    if (claims.length === 0) return undefined;
    const words = claims.map(claimWords).join("; ");
    return {
      said: { message: "pending-on-unbound-claims", data: { pod: context.d.pod.name, claims: words } },
      cause: `The scheduler cannot place the pod until its volumes can be bound: ${words}. Its message: ${context.d.cause.detail.message ?? ""}`,
    };
  },
  extraEvidence: (context) => (context.d.cause.detail.subcause === "unbound-pvc" ? claimEvidence(unboundClaims(context)) : []),
  fix,
  verify: (n) => [`kubectl get pod ${n.pod}${n.ns} -o wide -w   # gets a NODE and leaves Pending`, `kubectl describe pod ${n.pod}${n.ns} | grep -A5 Events   # Scheduled instead of FailedScheduling`],
});
