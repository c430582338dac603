import { defineRule } from "../../contract/rule.js";
import { flagFindings } from "./flag-findings.js";
import { describeProxy, grepCommand, top } from "./access-log-evidence.js";

function serviceEntry(host: string, port: number): string {
  const name = host.replace(/[^a-z0-9.-]/gi, "-").replace(/\./g, "-");
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ${name}
spec:
  hosts:
  - ${host}
  location: MESH_EXTERNAL
  resolution: DNS
  ports:
  - number: ${port}
    name: ${port === 443 ? "tls" : "http"}
    protocol: ${port === 443 ? "TLS" : "HTTP"}
`;
}

export const blackholeTraffic = defineRule({
  id: "envoy/blackhole-traffic",
  category: "outbound-traffic-blocked",
  severity: "error",
  title: "Outbound requests go to BlackHoleCluster: external hosts blocked",
  docs: {
    cause: "With outboundTrafficPolicy REGISTRY_ONLY, requests to hosts that are not in the mesh registry go to BlackHoleCluster (502 for HTTP, closed connection for TLS/TCP): the external host has no ServiceEntry.",
    fix: "Create a ServiceEntry for each external host the workload needs (or switch outboundTrafficPolicy to ALLOW_ANY).",
    verify: ["kubectl get serviceentry -A", "kubectl logs <pod> -c istio-proxy | grep BlackHoleCluster"],
    references: ["https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/"],
  },
  equivalents: [],
  inputs: ["access-logs", "logs"],
  reads: ["CronJob", "DaemonSet", "Deployment", "EndpointSlice", "Endpoints", "Job", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  requires: [],
  scopes: ["diagnose"],
  messages: {
    "sent-to-blackhole": "{proxy} sent {count} requests to BlackHoleCluster: {hosts} blocked",
  },
  analyze(ctx) {
    flagFindings(ctx, {
      keys: ["BLACKHOLE"],
      what: "went to BlackHoleCluster",
      message: (log, bucket) => ({
        message: "sent-to-blackhole",
        data: { proxy: describeProxy(log), count: bucket.count, hosts: top(bucket.authorities, 5).map(([host]) => host).join(", ") || "unknown hosts" },
      }),
      cause: (_log, bucket) =>
        `The mesh allows only registered hosts (REGISTRY_ONLY) and these external hosts have no ServiceEntry: ${top(bucket.authorities, 10).map(([host, count]) => `${host} (${count})`).join(", ") || "hosts not logged (TLS without SNI)"}.`,
      fix: (_log, bucket) => {
        const hosts = top(bucket.authorities, 5).map(([host]) => host);
        const yaml = hosts.map((host) => {
          const port = /:(\d+)$/.exec(host);
          const bare = host.replace(/:\d+$/, "");
          return serviceEntry(bare, port ? Number(port[1]) : bucket.codes.has("0") ? 443 : 80);
        });
        return {
          description: `Create a ServiceEntry for ${hosts.join(", ") || "each external host"}.`,
          yaml: yaml.length > 0 ? { before: "", after: yaml.join("---\n"), target: "ServiceEntry" } : undefined,
          commands: ["kubectl apply -n <namespace> -f serviceentry.yaml"],
        };
      },
      verify: (log) => [grepCommand(log, "BlackHoleCluster") + " | wc -l", "kubectl get serviceentry -A"],
    });
  },
});
