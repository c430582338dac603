/** Shared pieces of the envoy rules' findings: resources, evidence lines and commands. */
import type { Evidence, ResourceRef } from "../../model/finding.js";
import type { ClusterView } from "../../view/cluster-view.js";
import type { IssueBucket } from "../../envoy/access-log/summary.js";
import { podForAddress, podLabel, type ViewAccessLog } from "../../envoy/view-data.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export function accessLogResource(log: ViewAccessLog): ResourceRef {
  if (log.pod) return { kind: "Pod", namespace: log.namespace, name: log.pod, container: "istio-proxy", file: log.origin.file };
  return { kind: "AccessLog", name: log.origin.file, file: log.origin.file };
}

export function describeProxy(log: ViewAccessLog): string {
  return log.pod ? `${log.namespace ? `${log.namespace}/` : ""}${log.pod}` : log.origin.file;
}

/** `kubectl logs ... | grep PATTERN` for a proxy, or `grep` on the file. */
export function grepCommand(log: ViewAccessLog, pattern: string): string {
  if (log.pod) return `kubectl logs ${log.pod}${namespaceFlag(log.namespace)} -c istio-proxy --since=10m | grep -E '${pattern}'`;
  return `grep -E '${pattern}' ${log.origin.file}`;
}

export function proxyArgument(log: ViewAccessLog): string {
  return log.pod ? `${log.pod}${log.namespace ? `.${log.namespace}` : ""}` : "<pod>.<namespace>";
}

export function top(map: ReadonlyMap<string, number>, count = 3): Array<[string, number]> {
  return [...map.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, count);
}

export function listCounts(map: ReadonlyMap<string, number>, count = 3): string {
  const entries = top(map, count);
  const rest = map.size - entries.length;
  return entries.map(([key, value]) => `${key} (${value})`).join(", ") + (rest > 0 ? ` and ${rest} more` : "");
}

/** The count line plus the first sample lines, each with its line number. */
export function bucketEvidence(log: ViewAccessLog, bucket: IssueBucket, what: string): Evidence[] {
  const evidence: Evidence[] = [
    {
      source: "access-log",
      text: `${bucket.count} of ${log.summary.entries} requests ${what}${bucket.firstTime ? ` between ${bucket.firstTime} and ${bucket.lastTime}` : ""}`,
      path: log.origin.file,
    },
  ];
  const chosen = bucket.samples.filter((sample, index) => bucket.samples.findIndex((other) => other.kind === sample.kind) === index);
  for (const sample of bucket.samples) if (chosen.length < 3 && !chosen.includes(sample)) chosen.push(sample);
  chosen.sort((a, b) => a.line - b.line);
  for (const sample of chosen.slice(0, 3)) evidence.push({ source: "access-log", text: sample.text, path: log.origin.file, line: sample.line });
  return evidence;
}

/** `10.244.0.19:3000` -> `10.244.0.19:3000 (pod istioinaction/catalog-v2-...)` when the view has the pod. */
export function hostWithPod(view: ClusterView, host: string): string {
  const pod = podForAddress(view, host);
  return pod ? `${host} (pod ${podLabel(pod)})` : host;
}
