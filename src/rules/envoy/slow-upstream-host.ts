import { defineRule } from "../../contract/rule.js";
import type { Evidence } from "../../model/finding.js";
import type { TrafficGroup } from "../../envoy/access-log/summary.js";
import { accessLogResource, describeProxy, grepCommand } from "./access-log-evidence.js";
import { envoyData, podForAddress, podLabel } from "../../envoy/view-data.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/** A host is slow when its median is this many times its peers' and at least this much longer. */
const SLOWER_FACTOR = 3;
const MIN_DIFFERENCE_MS = 100;
const MIN_REQUESTS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const slowUpstreamHost = defineRule({
  id: "envoy/slow-upstream-host",
  category: "slow-upstream-host",
  severity: "warning",
  title: "One upstream host is much slower than its peers",
  docs: {
    cause: "Among the endpoints of one cluster, one host answers much more slowly than the others (compare DURATION by upstream_host). Requests that land on it time out (UT) or drag p99 up while the rest are fine: the problem is that pod, not the service or the mesh.",
    fix: "Map upstream_host to its pod (kubectl get pod --field-selector status.podIP=IP) and investigate that pod: its logs, CPU throttling, the node it runs on; replace it if needed.",
    verify: ["kubectl get pod -A --field-selector status.podIP=<ip>", "kubectl logs <pod> -c istio-proxy | grep <ip>"],
    references: ["https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage#command-operators"],
  },
  equivalents: [],
  inputs: ["access-logs", "logs", "pods"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: [],
  scopes: ["diagnose"],
  messages: {
    "slower-than-peers": "upstream host {host} answers in p50 {own} ms, {factor}x slower than its peers in {cluster} (p50 {peers} ms)",
    "pod-slower-than-peers": "upstream host {host} (pod {pod}) answers in p50 {own} ms, {factor}x slower than its peers in {cluster} (p50 {peers} ms)",
  },
  analyze({ view, report }) {
    for (const log of envoyData(view).accessLogs) {
      const byCluster = new Map<string, Array<[string, TrafficGroup]>>();
      for (const [host, group] of log.summary.byHost) {
        if (group.requests < MIN_REQUESTS || group.durations.total === 0 || !group.cluster) continue;
        let list = byCluster.get(group.cluster);
        if (!list) byCluster.set(group.cluster, (list = []));
        list.push([host, group]);
      }
      for (const [cluster, hosts] of byCluster) {
        if (hosts.length < 2) continue;
        const medians = new Map(hosts.map(([host, group]) => [host, group.durations.percentile(0.5)!]));
        for (const [host, group] of hosts) {
          const own = medians.get(host)!;
          const peers = median(hosts.filter(([other]) => other !== host).map(([other]) => medians.get(other)!));
          if (own < peers * SLOWER_FACTOR || own - peers < MIN_DIFFERENCE_MS) continue;
          const pod = podForAddress(view, host);
          const ip = host.replace(/:\d+$/, "");
          const rows: Evidence[] = hosts.map(([other, otherGroup]) => ({
            source: "access-log",
            text: `${other}${podForAddress(view, other) ? ` (pod ${podLabel(podForAddress(view, other))})` : ""}: ${otherGroup.requests} requests, p50 ${otherGroup.durations.percentile(0.5)} ms, p95 ${otherGroup.durations.percentile(0.95)} ms, p99 ${otherGroup.durations.percentile(0.99)} ms, ${otherGroup.errors} errors${otherGroup.flags.size ? ` (${[...otherGroup.flags].map(([flag, count]) => `${flag} ${count}`).join(", ")})` : ""}`,
            path: log.origin.file,
          }));
          report({
            confidence: 0.85,
            resource: pod ? { kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name ?? ip } : accessLogResource(log),
            message: pod ? "pod-slower-than-peers" : "slower-than-peers",
            data: { host, pod: pod ? podLabel(pod) : "", own, factor: Math.round(own / Math.max(peers, 1)), cluster, peers },
            evidence: [{ source: "access-log", text: `${describeProxy(log)}: requests to ${cluster} by upstream_host`, path: log.origin.file }, ...rows],
            cause: `Requests to ${cluster} are slow only when they land on ${host}${pod ? `, pod ${podLabel(pod)}` : ""}: the other ${hosts.length - 1} host${hosts.length > 2 ? "s answer" : " answers"} in p50 ${peers} ms. The problem is that instance (its code path, CPU throttling, its node), not the Service or the route.${group.flags.get("UT") ? ` ${group.flags.get("UT")} of its requests hit the route timeout (UT).` : ""}`,
            fix: {
              description: `Investigate ${pod ? `pod ${podLabel(pod)}` : `the pod with IP ${ip}`}: its logs, CPU limits and throttling, the node it runs on; replace it if it stays slow.`,
              commands: [
                `kubectl get pod -A --field-selector status.podIP=${ip} -o wide`,
                ...(pod ? [`kubectl logs ${pod.metadata.name}${namespaceFlag(pod.metadata.namespace)} --tail=100`, `kubectl top pod ${pod.metadata.name}${namespaceFlag(pod.metadata.namespace)} --containers`] : []),
              ],
            },
            verify: [grepCommand(log, `"?${host.replace(/\./g, "\\.")}"?`) + " | tail -n 20", `ktriage envoy logs ${log.origin.file === "-" ? "-" : log.origin.file}`],
          });
        }
      }
    }
  },
});
