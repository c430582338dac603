import { defineRule } from "../../contract/rule.js";
import type { Evidence } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import { fieldEvidence, reportIstio } from "./finding.js";
import { arrayOf, nameOf, namespaceOf, recordOf } from "../../k8s/objects.js";
import { yamlText } from "../../util/yaml-text.js";
import type { ClusterMember } from "../../view/cluster-view.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const HEADLESS = "service has mixed mode like headless and clusterIP";
const TYPE = "service type is inconsistent";
const PORTS = "service ports are inconsistent";

/**
 * In a multi-cluster mesh, istiod merges the endpoints of Services with the
 * same namespace and name across clusters into one service. When their ports,
 * type or headless mode differ, which definition wins is undefined: requests
 * reach the wrong port or protocol in some clusters.
 *
 * | case (`lint --cluster c1=a.yaml --cluster c2=b.yaml`) | finding |
 * |---|---|
 * | the same Service in both | none |
 * | an extra port, a renamed port, another protocol's port name | IST0170: ports are inconsistent |
 * | ClusterIP in one cluster, LoadBalancer in the other | IST0170: type is inconsistent |
 * | `clusterIP: None` in one cluster only | IST0170: mixed headless and clusterIP |
 * | a Service present in one cluster only | none |
 */
export const multiclusterServiceInconsistent = defineRule({
  id: "istio/multicluster-service-inconsistent",
  category: "istio-config-other",
  severity: "warning",
  title: "Service differs between the clusters of a multi-cluster mesh",
  docs: {
    cause:
      "istiod treats Services with the same namespace and name in every cluster of the mesh as one service and merges their endpoints. " +
      "When the clusters define it differently (ports, port names, type, headless or not), which definition applies is undefined and traffic breaks in some clusters.",
    fix: "Apply one definition of the Service to every cluster (the same ports, names, type and clusterIP mode).",
    verify: ["kubectl --context <cluster> get service <name> -n <namespace> -o yaml   # in every cluster", "istioctl analyze --remote-contexts=<ctx1>,<ctx2>   # no IST0170"],
    references: ["https://istio.io/latest/docs/ops/configuration/traffic-management/multicluster/", "https://istio.io/latest/docs/reference/config/analysis/ist0170/"],
  },
  equivalents: ["IST0170"],
  inputs: ["services"],
  reads: ["EndpointSlice", "Endpoints", "Service", "ServiceEntry", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "service-differs": "Service {service} differs between clusters {clusters}: {reasons}",
  },
  analyze(ctx) {
    const { view } = ctx;
    if (view.clusters.length < 2) return;
    const byName = new Map<string, Array<{ cluster: ClusterMember; service: KubeObject }>>();
    for (const cluster of view.clusters) {
      for (const service of cluster.view.kind("Service")) {
        const key = `${namespaceOf(service)}/${nameOf(service)}`;
        let list = byName.get(key);
        if (!list) byName.set(key, (list = []));
        list.push({ cluster, service });
      }
    }
    for (const members of byName.values()) {
      if (members.length < 2) continue;
      const { clusters, reasons } = inconsistencies(members.map(({ cluster, service }) => ({ cluster: cluster.name, spec: recordOf(service.spec) ?? {} })));
      if (reasons.length === 0) continue;
      const first = members[0]!.service;
      const differing = members.find(({ cluster }) => cluster.name !== members[0]!.cluster.name && clusters.includes(cluster.name)) ?? members[1]!;
      const object = view.get("Service", namespaceOf(first), nameOf(first)) ?? first;
      const evidence: Evidence[] = members.map(({ cluster, service }) => ({ ...fieldEvidence(cluster.view, service, ["spec"], `cluster ${cluster.name}: ${describe(recordOf(service.spec) ?? {})}`) }));
      reportIstio(this, ctx, {
        object,
        code: "IST0170",
        args: [nameOf(first), namespaceOf(first), clusters, reasons.join("; ")],
        message: "service-differs",
        data: { service: `${namespaceOf(first)}/${nameOf(first)}`, clusters: clusters.join(", "), reasons: reasons.join("; ") },
        cause: `istiod merges Service ${namespaceOf(first)}/${nameOf(first)} across the clusters of the mesh, but the clusters define it differently (${reasons.join("; ")}); which definition applies is undefined.`,
        evidence,
        fix: {
          description: `Give Service ${nameOf(first)} the same spec in every cluster; for example the one of cluster ${members[0]!.cluster.name}, applied to each cluster.`,
          yaml: {
            target: `Service ${namespaceOf(first)}/${nameOf(first)} in cluster ${differing.cluster.name}`,
            before: yamlText({ spec: comparable(recordOf(differing.service.spec) ?? {}) }).trimEnd(),
            after: yamlText({ spec: comparable(recordOf(first.spec) ?? {}) }).trimEnd(),
          },
          commands: members.map(({ cluster }) => `kubectl --context ${cluster.name} apply -f ${nameOf(first)}-service.yaml`),
        },
        verify: [...members.map(({ cluster }) => `kubectl --context ${cluster.name} get service ${nameOf(first)}${namespaceFlag(namespaceOf(first))} -o jsonpath='{.spec.type} {.spec.clusterIP} {.spec.ports}'`)],
      });
    }
  },
});

interface ClusterSpec {
  cluster: string;
  spec: Record<string, unknown>;
}

/** The clusters that disagree with the first one, and why (as istioctl words it). */
function inconsistencies(specs: ClusterSpec[]): { clusters: string[]; reasons: string[] } {
  const [first] = specs;
  const clusters = new Set<string>();
  const reasons = new Set<string>();
  if (!first) return { clusters: [], reasons: [] };
  for (const { cluster, spec } of specs) {
    if (isHeadless(first.spec) !== isHeadless(spec)) {
      for (const member of specs) clusters.add(member.cluster);
      reasons.add(HEADLESS);
    }
    if ((first.spec.type ?? "") !== (spec.type ?? "")) {
      clusters.add(cluster);
      reasons.add(TYPE);
    }
    if (JSON.stringify(sortedPorts(first.spec)) !== JSON.stringify(sortedPorts(spec))) {
      clusters.add(cluster);
      reasons.add(PORTS);
    }
  }
  if (clusters.size > 0) clusters.add(first.cluster);
  return { clusters: [...clusters].sort(), reasons: [...reasons].sort() };
}

function isHeadless(spec: Record<string, unknown>): boolean {
  return spec.clusterIP === "None";
}

/** Ports by name, each with its fields in a fixed order, so two equal definitions compare equal. */
function sortedPorts(spec: Record<string, unknown>): unknown[] {
  return arrayOf<Record<string, unknown>>(spec.ports)
    .map((port) => Object.fromEntries(Object.entries(recordOf(port) ?? {}).sort(([a], [b]) => a.localeCompare(b))))
    .sort((a, b) => String(a.name ?? "").localeCompare(String(b.name ?? "")));
}

function comparable(spec: Record<string, unknown>): Record<string, unknown> {
  return { ...(spec.type !== undefined ? { type: spec.type } : {}), ...(isHeadless(spec) ? { clusterIP: "None" } : {}), ports: arrayOf(spec.ports) };
}

function describe(spec: Record<string, unknown>): string {
  const ports = arrayOf<Record<string, unknown>>(spec.ports).map((port) => `${String(port?.name ?? "(no name)")} ${String(port?.port ?? "?")}/${String(port?.protocol ?? "TCP")}`);
  return `type ${String(spec.type ?? "ClusterIP")}${isHeadless(spec) ? ", headless" : ""}, ports ${ports.length > 0 ? ports.join(", ") : "(none)"}`;
}
