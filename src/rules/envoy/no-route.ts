import { defineRule } from "../../contract/rule.js";
import { flagFindings } from "./flag-findings.js";
import { describeProxy, grepCommand, listCounts, proxyArgument, top } from "./access-log-evidence.js";

export const noRoute = defineRule({
  id: "envoy/no-route",
  category: "no-route",
  severity: "error",
  title: "Requests end with NR: no route or no filter chain matched",
  docs: {
    cause: "Envoy found no route for the request (HTTP 404, response flag NR, details route_not_found) or no filter chain for the connection: no Gateway/VirtualService binds this host, port and path on this proxy.",
    fix: "Add the host to the Gateway server and to a VirtualService bound to that Gateway (or to the mesh), with an http match for the path.",
    verify: ["istioctl proxy-config routes <pod>.<namespace>", "istioctl analyze -n <namespace>"],
    references: ["https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage#command-operators"],
  },
  equivalents: [],
  inputs: ["access-logs", "logs"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: [],
  scopes: ["diagnose"],
  messages: {
    "no-route": "{count} requests to {host} through {proxy} matched no route (NR)",
  },
  analyze(ctx) {
    flagFindings(ctx, {
      keys: ["NR"],
      what: "ended NR (no route found)",
      message: (log, bucket) => ({
        message: "no-route",
        data: { count: bucket.count, host: top(bucket.authorities, 1)[0]?.[0] ?? "an unknown host", proxy: describeProxy(log) },
      }),
      cause: (_log, bucket) =>
        `No route (or filter chain) on this proxy matches ${bucket.authorities.size > 0 ? `host ${listCounts(bucket.authorities)}` : "the requests"}${bucket.details.size > 0 ? ` (details: ${listCounts(bucket.details, 2)})` : ""}: no Gateway/VirtualService binds that host and path on this port, so Envoy answers 404.`,
      fix: (log, bucket) => ({
        description: `Add ${top(bucket.authorities, 1)[0]?.[0] ?? "the host"} to the Gateway server's hosts and to a VirtualService bound to it, with an http match for the path.`,
        commands: [`istioctl proxy-config routes ${proxyArgument(log)}`, "istioctl analyze -A"],
      }),
      verify: (log) => [grepCommand(log, " NR |\"response_flags\":\"NR\"") + " | wc -l", `istioctl proxy-config routes ${proxyArgument(log)}`],
    });
  },
});
