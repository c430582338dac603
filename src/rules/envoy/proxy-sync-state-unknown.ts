import { defineRule } from "../../contract/rule.js";
import { LAYOUT_LIMITS } from "../../envoy/proxy-status.js";
import { envoyData } from "../../envoy/view-data.js";

export const proxySyncStateUnknown = defineRule({
  id: "envoy/proxy-sync-state-unknown",
  category: "proxy-config-stale",
  severity: "info",
  title: "proxy-status in the SUBSCRIBED TYPES layout cannot show STALE or ERROR",
  docs: {
    cause:
      "istioctl 1.27 and later print, by default, which xDS types each proxy subscribes to, not whether it acknowledged what istiod sent. A proxy stuck on old configuration (STALE) or rejecting it (ERROR) looks the same as a synced one, so this output cannot clear the data plane.",
    fix: "Give the per-type layout (istioctl proxy-status -v), istioctl proxy-status -o json, or istiod's /debug/syncz (ktriage envoy status reads it live).",
    verify: ["istioctl proxy-status -v"],
    references: ["https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/"],
  },
  equivalents: [],
  inputs: ["proxy-status"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["diagnose"],
  messages: {
    "sync-state-not-shown": "{count} proxies listed without sync state: STALE and ERROR are not visible in this layout",
  },
  analyze({ view, report }) {
    for (const { table, origin } of envoyData(view).proxyStatus) {
      if (table.layout !== "subscribed" || table.rows.length === 0) continue;
      report({
        confidence: 1,
        resource: { kind: "ProxyStatus", name: origin.file, file: origin.file },
        message: "sync-state-not-shown",
        data: { count: table.rows.length },
        evidence: [{ source: "proxy-status", text: "header NAME CLUSTER ISTIOD VERSION SUBSCRIBED TYPES", path: origin.file, line: origin.line }],
        cause: `${LAYOUT_LIMITS.subscribed.name} tells ${LAYOUT_LIMITS.subscribed.tells}; it cannot tell ${LAYOUT_LIMITS.subscribed.cannotTell}.`,
        fix: { description: "Read the per-type sync state instead.", commands: ["istioctl proxy-status -v", "ktriage envoy status"] },
        verify: ["istioctl proxy-status -v"],
      });
    }
  },
});
