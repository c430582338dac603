import { defineRule } from "../../contract/rule.js";
import type { ResourceRef } from "../../model/finding.js";
import { hasLineNumbers, STATE_MEANINGS, type ProxyStatusRow } from "../../envoy/proxy-status.js";
import { envoyData } from "../../envoy/view-data.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/** Types a sidecar or gateway always receives: NOT SENT here means the proxy has no config at all. */
const ESSENTIAL_TYPES = ["CDS", "LDS"];

function resourceOf(row: ProxyStatusRow, file: string): ResourceRef {
  return { kind: "Pod", namespace: row.namespace, name: row.pod, container: "istio-proxy", file };
}

export const proxyStatusStale = defineRule({
  id: "envoy/proxy-status-stale",
  category: "proxy-config-stale",
  severity: "error",
  title: "A proxy is STALE, ERROR or NOT SENT against istiod",
  docs: {
    cause:
      "istioctl proxy-status shows the proxy out of sync. STALE: istiod sent an update that Envoy has not acknowledged (istiod overloaded, the connection between Envoy and istiod lost or broken, or a bug in Istio). ERROR: Envoy rejected (NACKed) the configuration. NOT SENT for CDS/LDS: istiod has sent the proxy no clusters or listeners at all. The data plane is eventually consistent, so a short STALE is normal; one that persists means the proxy routes on old config.",
    fix: "Check istiod's health and logs and the proxy's istio-proxy log for rejected config (\"gRPC config ... rejected\"); restart the proxy's pod if it stays STALE.",
    verify: ["istioctl proxy-status", "kubectl logs -n istio-system deploy/istiod | grep -i -E 'nack|reject'"],
    references: ["https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/"],
  },
  equivalents: [],
  inputs: ["proxy-status"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["diagnose"],
  messages: {
    "out-of-sync": "proxy {proxy} is {states} against {istiod}",
  },
  analyze({ view, report }) {
    for (const { table, origin } of envoyData(view).proxyStatus) {
      for (const row of table.rows) {
        const bad = Object.entries(row.types).filter(([type, status]) => status.state === "STALE" || status.state === "ERROR" || (status.state === "NOT SENT" && ESSENTIAL_TYPES.includes(type)));
        if (bad.length === 0) continue;
        const worst = bad.some(([, status]) => status.state === "ERROR") ? "ERROR" : bad.some(([, status]) => status.state === "STALE") ? "STALE" : "NOT SENT";
        report({
          severity: worst === "NOT SENT" ? "warning" : "error",
          confidence: worst === "STALE" ? 0.8 : 0.9,
          resource: resourceOf(row, origin.file),
          message: "out-of-sync",
          data: { proxy: row.proxy, states: bad.map(([type, status]) => `${type} ${status.state}${status.note ? ` (${status.note})` : ""}`).join(", "), istiod: row.istiod ?? "istiod" },
          evidence: [{ source: "proxy-status", text: `${row.proxy}: ${Object.entries(row.types).map(([type, status]) => `${type} ${status.state}${status.note ? ` (${status.note})` : ""}`).join(", ")}${row.istiod ? `; ISTIOD ${row.istiod}` : ""}${row.version ? `; VERSION ${row.version}` : ""}`, path: origin.file, line: hasLineNumbers(table) ? row.line : undefined }],
          cause:
            [...new Set(bad.map(([, status]) => status.state))]
              .map((state) => `${bad.filter(([, status]) => status.state === state).map(([type]) => type).join(", ")} ${state}: ${STATE_MEANINGS[state]}`)
              .join(". ") + ".",
          fix: {
            description: worst === "ERROR" ? "Read the rejection in the proxy's istio-proxy log and fix the Istio resource it names." : "Check that istiod is healthy and reachable from the proxy (port 15012); if the proxy stays out of sync, restart its pod.",
            commands: [
              `kubectl logs ${row.pod}${namespaceFlag(row.namespace)} -c istio-proxy | grep -i -E 'rejected|warming|xds'`,
              "kubectl logs -n istio-system deploy/istiod --since=10m | grep -i -E 'nack|push|error'",
              `kubectl delete pod ${row.pod}${namespaceFlag(row.namespace)}`,
            ],
          },
          verify: ["istioctl proxy-status", `istioctl proxy-status ${row.proxy}`],
        });
      }
    }
  },
});
