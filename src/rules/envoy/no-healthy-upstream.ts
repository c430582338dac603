import { defineRule } from "../../contract/rule.js";
import { parseSubsetKey } from "../../envoy/config-dump.js";
import { flagFindings } from "./flag-findings.js";
import { describeProxy, grepCommand, listCounts, proxyArgument, top } from "./access-log-evidence.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export const noHealthyUpstream = defineRule({
  id: "envoy/no-healthy-upstream",
  category: "no-healthy-upstream",
  severity: "error",
  title: "Requests end with UH: the cluster has no healthy endpoint",
  docs: {
    cause: "Envoy answered 503 \"no healthy upstream\" (response flag UH): the destination cluster had no healthy endpoint. Every pod behind it is unready, outlier detection (the circuit breaker) ejected them, or no pod matches the Service selector or the subset labels.",
    fix: "Find why the pods are unready or ejected (kubectl get endpoints, pod readiness, outlier detection in the DestinationRule) and make the Service/subset select ready pods.",
    verify: ["istioctl proxy-config endpoints <pod>.<namespace> --cluster \"<cluster>\"", "kubectl get endpoints <service> -n <namespace>"],
    references: ["https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage#command-operators"],
  },
  equivalents: [],
  inputs: ["access-logs", "logs"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: [],
  scopes: ["diagnose"],
  messages: {
    "no-healthy-upstream": "{count} requests through {proxy} found no healthy upstream (503 UH) in {cluster}",
    "no-healthy-upstream-response": "{count} \"no healthy upstream\" response in {where}",
    "no-healthy-upstream-responses": "{count} \"no healthy upstream\" responses in {where}",
  },
  analyze(ctx) {
    flagFindings(ctx, {
      keys: ["UH"],
      lineSignatures: ["no-healthy-upstream"],
      what: "ended 503 UH (no healthy upstream)",
      message: (log, bucket) => ({
        message: "no-healthy-upstream",
        data: { count: bucket.count, proxy: describeProxy(log), cluster: top(bucket.clusters, 1)[0]?.[0] ?? "the cluster" },
      }),
      cause: (_log, bucket) =>
        `Envoy had no healthy endpoint in ${listCounts(bucket.clusters)}: every pod behind it is unready or ejected by outlier detection, or no pod matches the Service${[...bucket.clusters.keys()].some((name) => parseSubsetKey(name)?.subset) ? "/subset labels" : ""}.`,
      fix: (log, bucket) => {
        const cluster = top(bucket.clusters, 1)[0]?.[0] ?? "";
        const key = parseSubsetKey(cluster);
        const [service, namespace] = (key?.fqdn ?? "").split(".");
        return {
          description: "Make the destination's pods ready (or relax the DestinationRule outlierDetection), and check that the Service selector and subset labels match them.",
          commands: [
            `istioctl proxy-config endpoints ${proxyArgument(log)} --cluster "${cluster}"`,
            ...(service ? [`kubectl get endpoints ${service}${namespaceFlag(namespace)}`, `kubectl get pods${namespaceFlag(namespace)} --show-labels`] : []),
          ],
        };
      },
      verify: (log) => [grepCommand(log, " 503 UH |\"response_flags\":\"UH\"") + " | wc -l", `istioctl proxy-config endpoints ${proxyArgument(log)}`],
      lineFinding: (matches, where) => ({
        message: matches.length > 1 ? "no-healthy-upstream-responses" : "no-healthy-upstream-response",
        data: { count: matches.length, where },
        cause: "A proxy answered 503 \"no healthy upstream\": the destination cluster had no healthy endpoint (all pods unready, ejected by the circuit breaker, or none matching the Service/subset).",
        fix: { description: "Find the destination in the caller's istio-proxy access log (upstream_cluster) and make its pods ready.", commands: ["kubectl logs <caller-pod> -c istio-proxy | grep ' UH '", "istioctl proxy-config endpoints <caller-pod>.<namespace>"] },
        verify: ["kubectl logs <caller-pod> -c istio-proxy --since=5m | grep -c ' UH '"],
      }),
    });
  },
});
