import { defineRule } from "../../contract/rule.js";
import { flagFindings } from "./flag-findings.js";
import { describeProxy, grepCommand, listCounts, top } from "./access-log-evidence.js";

export const downstreamDisconnect = defineRule({
  id: "envoy/downstream-disconnect",
  category: "downstream-disconnect",
  severity: "warning",
  title: "Requests end with DC: the client went away",
  docs: {
    cause: "The downstream (the client) closed the connection before Envoy finished (response flag DC, or DR for an HTTP/2 reset). Usually the client's own timeout is shorter than the upstream takes, or the client was restarted.",
    fix: "Compare the client's timeout with the request durations in the log; make the upstream faster or give the client a longer timeout than the route timeout.",
    verify: ["kubectl logs <pod> -c istio-proxy | grep -E ' (DC|DR)[ ,]'"],
    references: ["https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage#command-operators"],
  },
  equivalents: [],
  inputs: ["access-logs", "logs"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: [],
  scopes: ["diagnose"],
  messages: {
    "client-disconnected": "{count} requests through {proxy} ended because the client disconnected (DC) after p50 {p50} ms",
  },
  analyze(ctx) {
    flagFindings(ctx, {
      keys: ["DISCONNECT"],
      confidence: 0.7,
      what: "ended because the client disconnected (DC/DR)",
      message: (log, bucket) => ({
        message: "client-disconnected",
        data: { count: bucket.count, proxy: describeProxy(log), p50: bucket.durations.percentile(0.5) ?? "?" },
      }),
      cause: (_log, bucket) =>
        `The client closed the connection before the response was complete; the requests had run p50 ${bucket.durations.percentile(0.5) ?? "?"} ms / max ${bucket.durations.percentile(1) ?? "?"} ms, to ${listCounts(bucket.clusters)}. A client-side timeout near that duration, or clients being restarted, gives this pattern.`,
      fix: (_log, bucket) => ({
        description: `Check the caller's timeout against ${bucket.durations.percentile(0.5) ?? "the"} ms and make ${top(bucket.clusters, 1)[0]?.[0] ?? "the upstream"} answer within it.`,
        commands: [],
      }),
      verify: (log) => [grepCommand(log, " (DC|DR)[ ,]|\"response_flags\":\"(DC|DR)\"") + " | wc -l"],
    });
  },
});
