import { defineRule } from "../../contract/rule.js";
import { responseFlag } from "../../envoy/access-log/response-flags.js";
import { flagFindings } from "./flag-findings.js";
import { describeProxy, grepCommand, hostWithPod, listCounts, proxyArgument, top } from "./access-log-evidence.js";

export const upstreamConnectionFailure = defineRule({
  id: "envoy/upstream-connection-failure",
  category: "upstream-connection-failure",
  severity: "error",
  title: "Requests end with UF/UC/URX/UR: upstream connect error or reset before headers",
  docs: {
    cause:
      "Envoy could not connect to the upstream (UF), the upstream closed the connection (UC) or reset the stream (UR), and retries ran out (URX); callers see \"upstream connect error or disconnect/reset before headers\". The target pods are down or restarting, the Service targetPort does not match the port the app listens on, or mTLS settings disagree (transport failure reason).",
    fix: "Check that the destination pods are running and listen on the Service's targetPort, and that DestinationRule TLS matches PeerAuthentication.",
    verify: ["kubectl logs <pod> -c istio-proxy | grep -E ' (UF|UC|URX|UR)[ ,]'", "istioctl proxy-config endpoints <pod>.<namespace> --cluster \"<cluster>\""],
    references: ["https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage#command-operators"],
  },
  equivalents: [],
  inputs: ["access-logs", "logs", "pods"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: [],
  scopes: ["diagnose"],
  messages: {
    "failed-reaching-upstream": "{count} requests through {proxy} failed reaching {cluster} ({flags})",
    "connect-error-line": "{count} \"upstream connect error or disconnect/reset before headers\" line in {where}",
    "connect-error-lines": "{count} \"upstream connect error or disconnect/reset before headers\" lines in {where}",
  },
  analyze(ctx) {
    const { view } = ctx;
    flagFindings(ctx, {
      keys: ["CONNECT"],
      lineSignatures: ["upstream-connect-error"],
      what: "failed to connect to or were reset by the upstream (UF/UC/URX/UR)",
      message: (log, bucket, keys) => ({
        message: "failed-reaching-upstream",
        data: { count: bucket.count, proxy: describeProxy(log), cluster: top(bucket.clusters, 1)[0]?.[0] ?? "the upstream", flags: keys.join(", ") },
      }),
      cause: (_log, bucket, keys) =>
        `${keys.map(flagWords).join("; ")}. Affected: ${listCounts(bucket.clusters)}${bucket.hosts.size > 0 ? ` on hosts ${top(bucket.hosts, 3).map(([host, count]) => `${hostWithPod(view, host)} (${count})`).join(", ")}` : ""}${bucket.transportFailures.size > 0 ? `; transport failure: ${listCounts(bucket.transportFailures, 2)}` : ""}. The destination is down or restarting, listens on another port than the Service's targetPort, or rejects the connection's TLS.`,
      fix: (log, bucket) => ({
        description: "Make the destination pods run and listen on the Service targetPort; if the transport failure names TLS, align DestinationRule tls.mode with the destination's PeerAuthentication.",
        commands: [`istioctl proxy-config endpoints ${proxyArgument(log)} --cluster "${top(bucket.clusters, 1)[0]?.[0] ?? "<cluster>"}"`, "kubectl get pods -o wide -A | grep -v Running"],
      }),
      verify: (log) => [grepCommand(log, " (UF|UC|URX|UR)[ ,]|\"response_flags\":\"(UF|UC|URX|UR)") + " | wc -l"],
      lineFinding: (matches, where) => ({
        message: matches.length > 1 ? "connect-error-lines" : "connect-error-line",
        data: { count: matches.length, where },
        cause: `${matches[0]!.signature.explanation}.${/reset reason: ([^,]+)/.exec(matches[0]!.text) ? ` Envoy's reset reason: ${/reset reason: ([^,]+)/.exec(matches[0]!.text)![1]}.` : ""}`,
        fix: { description: "Check the destination's pods and that the Service targetPort is the port the app listens on.", commands: ["kubectl get svc <service> -o jsonpath='{.spec.ports}'", "kubectl get pods -n <namespace> -l <selector>"] },
        verify: ["kubectl logs <pod> -c istio-proxy --since=5m | grep -E ' (UF|UC|URX)[ ,]'"],
      }),
    });
  },
});

function flagWords(code: string): string {
  const flag = responseFlag(code);
  return flag ? `${code} (${flag.longName}: ${flag.meaning})` : code;
}
