import { defineRule } from "../../contract/rule.js";
import type { Evidence } from "../../model/finding.js";
import { arr, obj, str } from "../../envoy/config-dump.js";
import { flagFindings } from "./flag-findings.js";
import { describeProxy, grepCommand, listCounts } from "./access-log-evidence.js";
import { destinationRuleFor, destinationRuleYaml, subsetFromClusterName, type TraceContext } from "../../envoy/trace.js";
import { envoyData } from "../../envoy/view-data.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export const missingCluster = defineRule({
  id: "envoy/missing-cluster",
  category: "missing-cluster",
  severity: "error",
  title: "A route points at a cluster that does not exist",
  docs: {
    cause:
      "A route in the proxy's configuration sends traffic (or a weighted share of it) to a cluster the proxy does not have, so Envoy answers 503 with NC for that share. In Istio this is almost always a VirtualService route to a subset that no DestinationRule defines (the cluster outbound|port|subset|host is never created).",
    fix: "Create the DestinationRule that defines the subsets the VirtualService routes to, with labels that match the pods, or route to an existing subset.",
    verify: ["istioctl proxy-config clusters <pod>.<namespace> --fqdn <host> --port <port>", "istioctl analyze -n <namespace>"],
    references: ["https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/"],
  },
  equivalents: ["IST0101", "KIA1107"],
  inputs: ["envoy-config", "access-logs", "logs", "pods", "services", "istio"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DestinationRule", "EndpointSlice", "Endpoints", "Job", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  requires: [],
  scopes: ["diagnose"],
  messages: {
    "cluster-missing": "routes send {targets}, and no such cluster exists",
    "no-cluster-found": "{count} requests through {proxy} found no upstream cluster (NC)",
  },
  analyze(ctx) {
    const { view, report } = ctx;
    const context: TraceContext = { pods: view.kind("Pod"), services: view.kind("Service"), destinationRules: view.kind("DestinationRule") };
    for (const { dump, origin, proxy } of envoyData(view).dumps) {
      const known = new Set(dump.clusters().map((cluster) => cluster.name));
      const missing = new Map<string, { weight?: number; where: string; path: string }>();
      for (const config of dump.routeConfigs()) {
        arr(config.raw, "virtual_hosts").forEach((host, h) => {
          arr(host, "routes").forEach((route, r) => {
            const action = obj(route, "route");
            const path = `${config.path}.virtual_hosts[${h}].routes[${r}].route`;
            const single = str(action, "cluster");
            if (single && !known.has(single)) missing.set(single, { where: `${config.name} / ${str(host, "name")}`, path });
            const weighted = arr(obj(action, "weighted_clusters"), "clusters");
            const total = weighted.reduce<number>((sum, cluster) => sum + Number((cluster as { weight?: number }).weight ?? 0), 0) || 100;
            weighted.forEach((cluster, c) => {
              const name = str(cluster, "name");
              if (name && !known.has(name)) missing.set(name, { weight: Math.round((Number((cluster as { weight?: number }).weight ?? 0) * 100) / total), where: `${config.name} / ${str(host, "name")}`, path: `${path}.weighted_clusters.clusters[${c}]` });
            });
          });
        });
      }
      if (missing.size === 0) continue;
      const names = [...missing.keys()];
      const subsets = names.map(subsetFromClusterName).filter((info): info is NonNullable<typeof info> => Boolean(info));
      const byHost = new Map<string, string[]>();
      for (const info of subsets) byHost.set(info.fqdn, [...(byHost.get(info.fqdn) ?? []), info.subset]);
      const [fqdn, hostSubsets] = [...byHost.entries()][0] ?? ["", []];
      const existing = fqdn ? destinationRuleFor(fqdn, context) : undefined;
      const namespace = fqdn.split(".")[1] ?? "<namespace>";
      const evidence: Evidence[] = names.map((name) => {
        const info = missing.get(name)!;
        return { source: "config-dump", text: `${info.where} sends ${info.weight !== undefined ? `${info.weight}% ` : ""}to ${name}, which is not among the proxy's ${known.size} clusters`, path: `${origin.file}#${info.path}` };
      });
      if (fqdn) evidence.push({ source: existing ? "manifest" : "config-dump", text: existing ? `DestinationRule ${existing.metadata.namespace}/${existing.metadata.name} has no subset ${hostSubsets.join(", ")}` : `no DestinationRule for ${fqdn} defines subset ${hostSubsets.join(", ")}`, path: existing ? view.loadedOf(existing)?.origin.file : undefined, line: existing ? view.loadedOf(existing)?.locate?.(["spec", "subsets"]) : undefined });
      const proxyArg = proxy ?? "<pod>.<namespace>";
      report({
        message: "cluster-missing",
        data: { targets: names.map((name) => `${missing.get(name)!.weight !== undefined ? `${missing.get(name)!.weight}% ` : ""}to ${name}`).join(" and ") },
        confidence: 0.95,
        resource: proxy ? { kind: "Pod", namespace: proxy.slice(proxy.lastIndexOf(".") + 1), name: proxy.slice(0, proxy.lastIndexOf(".")), container: "istio-proxy", file: origin.file } : { kind: "ConfigDump", name: origin.file, file: origin.file },
        evidence,
        cause: fqdn
          ? `The VirtualService routes to subset${hostSubsets.length > 1 ? "s" : ""} ${hostSubsets.join(", ")} of ${fqdn}, but ${existing ? `DestinationRule ${existing.metadata.namespace}/${existing.metadata.name} does not define ${hostSubsets.length > 1 ? "them" : "it"}` : "no DestinationRule defines them"}, so istiod never creates the cluster${names.length > 1 ? "s" : ""} and Envoy answers 503 (NC) for that share of requests.`
          : `The route's destination host is not in the registry this proxy sees (no Service/ServiceEntry, or a Sidecar resource hides it), so the cluster does not exist.`,
        fix: fqdn
          ? {
              description: `${existing ? "Add the subsets to" : "Create"} the DestinationRule for ${fqdn}; the labels come from the pods the Service selects.`,
              yaml: { target: `DestinationRule ${existing?.metadata.namespace ?? namespace}/${existing?.metadata.name ?? fqdn.split(".")[0]}`, before: existing ? `spec:\n  subsets: ${JSON.stringify(((existing.spec?.subsets as Array<{ name: string }> | undefined) ?? []).map((subset) => subset.name))}\n` : "", after: destinationRuleYaml(fqdn, hostSubsets, context, existing) },
              commands: ["kubectl apply -f destinationrule.yaml", `istioctl analyze${namespaceFlag(namespace)}`],
            }
          : { description: "Create the Service or ServiceEntry for the destination host, or add it to the Sidecar's egress hosts.", commands: [`istioctl proxy-config clusters ${proxyArg}`] },
        verify: fqdn ? [`istioctl proxy-config clusters ${proxyArg} --fqdn ${fqdn} --port ${subsets[0]!.port}`, `istioctl analyze${namespaceFlag(namespace)}`] : [`istioctl proxy-config clusters ${proxyArg}`],
      });
    }
    flagFindings(ctx, {
      keys: ["NC"],
      what: "ended NC (no cluster found)",
      message: (log, bucket) => ({ message: "no-cluster-found", data: { count: bucket.count, proxy: describeProxy(log) } }),
      cause: (_log, bucket) => `The route names a cluster the proxy does not have (${listCounts(bucket.routes, 2) || "route not logged"}); with Istio this is a VirtualService subset that no DestinationRule defines.`,
      fix: () => ({ description: "Define the subset in a DestinationRule (istioctl analyze reports it as IST0101).", commands: ["istioctl analyze -A"] }),
      verify: (log) => [grepCommand(log, " NC |\"response_flags\":\"NC\"") + " | wc -l", "istioctl analyze -A"],
    });
  },
});
