import type { Finding } from "../model/finding.js";
import { SEVERITY_ORDER } from "../model/finding.js";
import { URGENCIES, type Incident, type IncidentResource, type Urgency } from "../model/incident.js";
import { templateOwnerOf } from "../k8s/workloads.js";
import type { ClusterView } from "../view/cluster-view.js";
import { causeWords, incidentAction, layerOf } from "./incident-words.js";

const SERVING_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Pod"]);
const BATCH_KINDS = new Set(["Job", "CronJob"]);
/** Layers that read what runs (status, events, logs, proxies); `manifest` and `istio` read configuration. */
const RUNTIME_LAYERS = new Set(["pod", "sidecar", "envoy"]);
/** Causes whose evidence is requests that fail now. */
const REQUESTS_FAILING = new Set(["upstream-timeout", "no-healthy-upstream", "no-route", "upstream-connection-failure", "missing-cluster", "rbac-or-authn-denied", "mtls-mode-conflict", "outbound-traffic-blocked", "routing-reference-not-found"]);
/** A configuration rule repeated on this many objects is shown as one line of the summary. */
export const REPEATED_RULE_THRESHOLD = 4;

function key(resource: IncidentResource): string {
  return `${resource.kind}/${resource.namespace ?? ""}/${resource.name}`;
}

/** The workload a finding is about: a pod's Deployment, StatefulSet, DaemonSet, Job or CronJob; a Job's CronJob. */
export function workloadOf(view: ClusterView, finding: Finding): IncidentResource {
  const { kind, namespace, name } = finding.resource;
  if (kind === "Pod") {
    const pod = view.get("Pod", namespace, name);
    if (pod) {
      const owner = templateOwnerOf(view, pod);
      return { kind: owner.kind, namespace: owner.namespace, name: owner.name };
    }
  }
  if (kind === "Job" || kind === "ReplicaSet") {
    const object = view.get(kind, namespace, name);
    const owner = object?.metadata.ownerReferences?.find((ref) => ref.kind === (kind === "Job" ? "CronJob" : "Deployment"));
    if (owner) return { kind: owner.kind, namespace, name: owner.name };
  }
  return { kind, namespace, name };
}

function urgencyOf(members: readonly Finding[], workload: IncidentResource): Urgency {
  const errors = members.filter((finding) => finding.severity === "error");
  if (errors.length === 0) return members.some((finding) => finding.severity === "warning") ? "risk" : "hygiene";
  if (errors.some((finding) => REQUESTS_FAILING.has(finding.category) && (RUNTIME_LAYERS.has(layerOf(finding.rule)) || finding.category === "routing-reference-not-found"))) return "requests-failing";
  if (errors.some((finding) => finding.category === "service-without-endpoints")) return "no-ready-endpoints";
  const runtime = errors.some((finding) => RUNTIME_LAYERS.has(layerOf(finding.rule)));
  if (runtime && BATCH_KINDS.has(workload.kind)) return "batch-failed";
  if (runtime && SERVING_KINDS.has(workload.kind)) return "pods-down";
  return "misconfigured";
}

interface Draft {
  workload: IncidentResource;
  members: number[];
  runtime: boolean;
}

/**
 * Groups findings (in the engine's ranked order) into incidents, most urgent first. What runs
 * (pod, sidecar and proxy findings) is grouped per workload: its pods, its Job, its proxy; a proxy's
 * access-log findings stand on their own unless the same workload has a pod or sidecar finding that
 * explains them. A configuration finding is its own incident per rule and object (one VirtualService's
 * two missing subsets are one), folded into the workload's runtime incident when it names the same cause.
 */
export function groupIncidents(view: ClusterView, findings: readonly Finding[]): Incident[] {
  const workloads = findings.map((finding) => workloadOf(view, finding));
  const explainedByPodOrSidecar = new Set<string>();
  findings.forEach((finding, index) => {
    if (layerOf(finding.rule) === "pod" || layerOf(finding.rule) === "sidecar") explainedByPodOrSidecar.add(key(workloads[index]!));
  });

  const drafts = new Map<string, Draft>();
  const configuration: number[] = [];
  findings.forEach((finding, index) => {
    const workload = workloads[index]!;
    const layer = layerOf(finding.rule);
    if (!RUNTIME_LAYERS.has(layer)) {
      configuration.push(index);
      return;
    }
    const group = layer === "envoy" && !explainedByPodOrSidecar.has(key(workload)) ? `run|${key(workload)}|${finding.rule}` : `run|${key(workload)}`;
    let draft = drafts.get(group);
    if (!draft) drafts.set(group, (draft = { workload, members: [], runtime: true }));
    draft.members.push(index);
  });
  const runtimeByWorkload = new Map<string, Draft>();
  for (const draft of drafts.values()) if (!runtimeByWorkload.has(key(draft.workload))) runtimeByWorkload.set(key(draft.workload), draft);
  for (const index of configuration) {
    const finding = findings[index]!;
    const workload = workloads[index]!;
    const runtime = runtimeByWorkload.get(key(workload));
    if (runtime && runtime.members.some((member) => findings[member]!.category === finding.category)) {
      runtime.members.push(index);
      continue;
    }
    const own = { kind: finding.resource.kind, namespace: finding.resource.namespace, name: finding.resource.name };
    const group = `cfg|${finding.rule}|${key(own)}`;
    let draft = drafts.get(group);
    if (!draft) drafts.set(group, (draft = { workload: own, members: [], runtime: false }));
    draft.members.push(index);
  }

  const built = [...drafts.values()].map((draft) => {
    const members = [...draft.members].sort((a, b) => SEVERITY_ORDER[findings[b]!.severity] - SEVERITY_ORDER[findings[a]!.severity] || a - b);
    const primary = members[0]!;
    const finding = findings[primary]!;
    const memberFindings = members.map((index) => findings[index]!);
    return {
      primary,
      members,
      urgency: urgencyOf(memberFindings, draft.workload),
      workload: draft.workload,
      pods: [...new Set(memberFindings.filter((member) => member.resource.kind === "Pod").map((member) => member.resource.name))],
      finding,
      runtime: draft.runtime,
    };
  });

  const configurationCount = new Map<string, number>();
  for (const item of built) if (!item.runtime) configurationCount.set(item.finding.rule, (configurationCount.get(item.finding.rule) ?? 0) + 1);
  const repeated = (item: (typeof built)[number]) => !item.runtime && item.finding.severity !== "error" && (configurationCount.get(item.finding.rule) ?? 0) >= REPEATED_RULE_THRESHOLD;
  const firstOfRule = new Map<string, number>();
  for (const item of built) if (!firstOfRule.has(item.finding.rule) || item.primary < firstOfRule.get(item.finding.rule)!) firstOfRule.set(item.finding.rule, item.primary);
  const sortKey = (item: (typeof built)[number]): number[] => [
    URGENCIES.indexOf(item.urgency),
    repeated(item) ? 1 : 0,
    repeated(item) ? firstOfRule.get(item.finding.rule)! : 0,
    item.primary,
  ];
  built.sort((a, b) => {
    const ka = sortKey(a);
    const kb = sortKey(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return 0;
  });

  return built.map((item, position) => ({
    id: position + 1,
    severity: item.finding.severity,
    urgency: item.urgency,
    resource: item.workload,
    cause: causeWords(item.finding),
    action: incidentAction(item.finding, item.members.map((member) => findings[member]!)),
    primary: item.primary,
    findings: item.members,
    pods: item.pods,
    rule: item.finding.rule,
    scope: item.runtime ? "runtime" : "configuration",
    repeated: repeated(item),
  }));
}
