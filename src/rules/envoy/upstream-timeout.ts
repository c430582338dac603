import { defineRule } from "../../contract/rule.js";
import type { Evidence, YamlChange } from "../../model/finding.js";
import { appliedNamespace } from "../../model/namespace.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { arr, durationMs, field, obj, parseSubsetKey, str } from "../../envoy/config-dump.js";
import { accessLogResource, bucketEvidence, describeProxy, grepCommand, hostWithPod, listCounts, proxyArgument, top } from "./access-log-evidence.js";
import { envoyData } from "../../envoy/view-data.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

interface RouteTimeout {
  proxy?: string;
  milliseconds: number;
  where: string;
  path: string;
  file: string;
}

/** The route timeout configured for a cluster in the view's config dumps. */
function dumpTimeout(view: ClusterView, cluster: string): RouteTimeout | undefined {
  for (const { dump, origin, proxy } of envoyData(view).dumps) {
    for (const config of dump.routeConfigs()) {
      const hosts = arr(config.raw, "virtual_hosts");
      for (let h = 0; h < hosts.length; h++) {
        const routes = arr(hosts[h], "routes");
        for (let r = 0; r < routes.length; r++) {
          const action = obj(routes[r], "route");
          const targets = [str(action, "cluster"), ...arr(obj(action, "weighted_clusters"), "clusters").map((target) => str(target, "name"))];
          if (!targets.includes(cluster)) continue;
          const milliseconds = durationMs(field(action, "timeout"));
          return { proxy, milliseconds: milliseconds ?? 15000, where: `route ${config.name} / ${str(hosts[h], "name")}`, path: `${config.path}.virtual_hosts[${h}].routes[${r}].route.timeout`, file: origin.file };
        }
      }
    }
  }
  return undefined;
}

/** The VirtualService whose http route sends traffic to the cluster's host, and the route index. */
function virtualServiceFor(view: ClusterView, cluster: string): { service: KubeObject; index: number } | undefined {
  const key = parseSubsetKey(cluster);
  if (!key) return undefined;
  const [name, namespace] = key.fqdn.split(".");
  for (const service of view.kind("VirtualService")) {
    const http = (service.spec?.http as Array<{ route?: Array<{ destination?: { host?: string; subset?: string } }> }> | undefined) ?? [];
    const index = http.findIndex((route) =>
      (route.route ?? []).some((destination) => {
        const host = destination.destination?.host ?? "";
        const hostMatches = host === key.fqdn || host === name || host === `${name}.${namespace}`;
        return hostMatches && (!key.subset || destination.destination?.subset === key.subset);
      }),
    );
    if (index >= 0) return { service, index };
  }
  return undefined;
}

function roundUpSeconds(milliseconds: number): string {
  const seconds = Math.max(1, Math.ceil(milliseconds / 500) / 2);
  return `${seconds}s`;
}

export const upstreamTimeout = defineRule({
  id: "envoy/upstream-timeout",
  category: "upstream-timeout",
  severity: "error",
  title: "Requests end with UT: the proxy's route timeout fired",
  docs: {
    cause:
      "Envoy gave up waiting for the upstream and answered 504 with response flag UT (UpstreamRequestTimeout). UT means the proxy, not the application, made the timeout decision: the route's timeout (VirtualService http[].timeout) is shorter than the upstream takes, often because one upstream host is slow.",
    fix: "Find the slow upstream (upstream_host in the log, mapped to its pod) and fix it, or raise the VirtualService route timeout above the upstream's real p99.",
    verify: ["kubectl -n istio-system logs deploy/istio-ingressgateway | grep 504 | tail -n 1", "istioctl proxy-config routes deploy/istio-ingressgateway -n istio-system --name http.8080 -o json"],
    references: ["https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage#command-operators"],
  },
  equivalents: [],
  inputs: ["access-logs", "logs", "envoy-config", "istio", "pods"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet", "VirtualService"],
  requires: [],
  scopes: ["diagnose"],
  messages: {
    "timed-out": "{count} requests through {proxy} timed out (504 UT) after {timeout} waiting for {cluster}",
  },
  analyze({ view, report }) {
    for (const log of envoyData(view).accessLogs) {
      const bucket = log.summary.issues.get("UT");
      if (!bucket) continue;
      const [cluster] = top(bucket.clusters, 1)[0] ?? [""];
      const fired = dumpTimeout(view, cluster);
      const observed = bucket.durations.mode();
      const target = virtualServiceFor(view, cluster);
      const configured = target ? durationMs((target.service.spec.http as Array<{ timeout?: string }>)[target.index]?.timeout) : undefined;
      const timeoutMs = fired?.milliseconds ?? configured ?? observed;
      const healthy = log.summary.byCluster.get(cluster);
      const successP99 = healthy?.successDurations.percentile(0.99);
      const evidence: Evidence[] = bucketEvidence(log, bucket, "ended 504 UT (upstream request timeout)");
      if (fired) evidence.push({ source: "config-dump", text: `${fired.where} sends to ${cluster} with timeout ${fired.milliseconds / 1000}s`, path: `${fired.file}#${fired.path}` });
      if (observed !== undefined) evidence.push({ source: "access-log", text: `UT requests took ${observed} ms (most common DURATION): the timeout that fired is ${fired ? `${fired.milliseconds} ms` : `about ${observed} ms`}`, path: log.origin.file });
      evidence.push({ source: "access-log", text: `upstream hosts of the timed-out requests: ${top(bucket.hosts, 3).map(([host, count]) => `${hostWithPod(view, host)} (${count})`).join(", ")}`, path: log.origin.file });
      const timeoutText = timeoutMs !== undefined ? `${timeoutMs / 1000}s` : "the route timeout";
      const suggested = roundUpSeconds(Math.max((timeoutMs ?? 0) * 2, (successP99 ?? 0) * 1.5));
      let yaml: YamlChange | undefined;
      let resource = accessLogResource(log);
      if (target) {
        const loaded = view.loadedOf(target.service);
        const current = (target.service.spec.http as Array<{ timeout?: string }>)[target.index]?.timeout;
        const line = loaded?.locate?.(["spec", "http", target.index, current ? "timeout" : "route"]);
        evidence.push({ source: "manifest", text: `VirtualService ${target.service.metadata.namespace}/${target.service.metadata.name} http[${target.index}] ${current ? `timeout: ${current}` : "has no timeout"}`, path: loaded?.origin.file, line });
        yaml = {
          target: `VirtualService ${target.service.metadata.namespace}/${target.service.metadata.name}`,
          before: `spec:\n  http:\n  - ${current ? `timeout: ${current}` : "route: ..."}`,
          after: `spec:\n  http:\n  - timeout: ${suggested}`,
        };
        resource = { ...resource };
      } else {
        yaml = undefined;
      }
      const vsName = target ? target.service.metadata.name : "<virtualservice>";
      const vsNamespace = target ? appliedNamespace(target.service.metadata.namespace) : "<namespace>";
      report({
        confidence: 0.95,
        resource,
        message: "timed-out",
        data: { count: bucket.count, proxy: describeProxy(log), timeout: timeoutText, cluster: cluster || "the upstream" },
        evidence,
        cause: `The proxy's route timeout (${timeoutText}${fired ? `, ${fired.where}` : ""}) fired before ${cluster || "the upstream"} answered, so Envoy returned 504 with UT. The requests that timed out went to ${listCounts(bucket.hosts, 3)}; successful requests to that cluster take p99 ${successP99 ?? "?"} ms.`,
        fix: {
          description: `Find why the upstream is slower than ${timeoutText} (see the slow-upstream-host finding for the host and its pod), or raise the VirtualService timeout above the upstream's real latency (suggested ${suggested}).`,
          yaml,
          patch: target ? `[{"op": "${(target.service.spec.http as Array<{ timeout?: string }>)[target.index]?.timeout ? "replace" : "add"}", "path": "/spec/http/${target.index}/timeout", "value": "${suggested}"}]` : undefined,
          commands: [`kubectl patch vs ${vsName}${namespaceFlag(vsNamespace)} --type json -p '[{"op": "add", "path": "/spec/http/${target?.index ?? 0}/timeout", "value": "${suggested}"}]'`],
        },
        verify: [grepCommand(log, " 504 UT |\"response_flags\":\"UT\"") + " | tail -n 1", `istioctl proxy-config routes ${log.pod ? proxyArgument(log) : fired?.proxy ?? proxyArgument(log)} -o json | grep '"timeout"'`],
      });
    }
  },
});
