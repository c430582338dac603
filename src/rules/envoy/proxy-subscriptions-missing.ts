import { defineRule } from "../../contract/rule.js";
import { hasLineNumbers, isAmbientProxy, LAYOUT_LIMITS } from "../../envoy/proxy-status.js";
import { envoyData } from "../../envoy/view-data.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/** A sidecar or gateway that does not subscribe to these has no clusters or no listeners at all. */
const ESSENTIAL_TYPES = ["CDS", "LDS"];

export const proxySubscriptionsMissing = defineRule({
  id: "envoy/proxy-subscriptions-missing",
  category: "proxy-config-stale",
  severity: "warning",
  title: "A sidecar or gateway subscribes to no clusters or no listeners",
  docs: {
    cause:
      "istioctl 1.27 and later print SUBSCRIBED TYPES instead of per-type sync state. A sidecar or gateway always subscribes to CDS and LDS once its xDS stream is up; one that lists neither (\"0\") or lacks one of them has connected to istiod but holds no clusters or no listeners, so its traffic goes nowhere. Ambient ztunnel proxies subscribe to workload types instead and are not flagged.",
    fix: "Read the proxy's istio-proxy log for xDS errors, check that istiod is healthy, and restart the pod if the subscription does not recover.",
    verify: ["istioctl proxy-status -v", "istioctl proxy-config listeners POD -n NAMESPACE"],
    references: ["https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/", "https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol"],
  },
  equivalents: [],
  inputs: ["proxy-status"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["diagnose"],
  messages: {
    "subscriptions-missing": "proxy {proxy} subscribes to {subscribed}: no {missing} from {istiod}",
  },
  analyze({ view, report }) {
    for (const { table, origin } of envoyData(view).proxyStatus) {
      if (table.layout !== "subscribed") continue;
      for (const row of table.rows) {
        const subscribed = row.subscribed ?? [];
        if (isAmbientProxy(row)) continue;
        const missing = ESSENTIAL_TYPES.filter((type) => !subscribed.includes(type));
        if (missing.length === 0) continue;
        const where = namespaceFlag(row.namespace);
        report({
          confidence: subscribed.length === 0 ? 0.8 : 0.6,
          resource: { kind: "Pod", namespace: row.namespace, name: row.pod, container: "istio-proxy", file: origin.file },
          message: "subscriptions-missing",
          data: { proxy: row.proxy, subscribed: subscribed.length === 0 ? "no xDS types" : subscribed.join(", "), missing: missing.join(" or "), istiod: row.istiod ?? "istiod" },
          evidence: [{ source: "proxy-status", text: `${row.proxy}: SUBSCRIBED TYPES ${subscribed.length}${subscribed.length ? ` (${subscribed.join(",")})` : ""}`, path: origin.file, line: hasLineNumbers(table) ? row.line : undefined }],
          cause: `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not subscribed: the proxy has no ${missing.map((type) => (type === "CDS" ? "clusters" : "listeners")).join(" and no ")}. ${LAYOUT_LIMITS.subscribed.name} cannot tell whether what it does receive is acknowledged.`,
          fix: {
            description: "Find why the proxy's xDS stream is incomplete in its istio-proxy log, then restart the pod if it does not recover.",
            commands: [`kubectl logs ${row.pod}${where} -c istio-proxy | grep -i -E 'xds|rejected|warming'`, `kubectl delete pod ${row.pod}${where}`],
          },
          verify: [`istioctl proxy-status -v ${row.proxy}`],
        });
      }
    }
  },
});
