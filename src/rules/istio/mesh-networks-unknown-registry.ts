import { defineRule, type RuleContext } from "../../contract/rule.js";
import type { KubeObject, MeshSource } from "../../model/kube.js";
import { reportIstio } from "./finding.js";
import { arrayOf, recordOf, stringMapOf } from "../../k8s/objects.js";

/** The registry name of the local cluster. */
const LOCAL_REGISTRY = "Kubernetes";

export const meshNetworksUnknownRegistry = defineRule({
  id: "istio/mesh-networks-unknown-registry",
  category: "istio-config-other",
  severity: "error",
  title: "MeshNetworks names a service registry Istio does not know",
  docs: {
    cause: "A network's endpoints come `fromRegistry` a name that is neither `Kubernetes` (the local cluster) nor a remote cluster registered through an `istio/multiCluster=true` Secret, so that network gets no endpoints and cross-network traffic fails.",
    fix: "Use the cluster name of a remote secret (the key in its data), or `Kubernetes` for the local cluster; names are case-sensitive.",
    verify: ["istioctl analyze -n istio-system", "kubectl -n istio-system get secret -l istio/multiCluster=true"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0126/"],
  },
  equivalents: ["IST0126"],
  inputs: ["mesh-config", "config"],
  reads: ["Secret"],
  requires: [],
  scopes: ["lint", "diagnose"],
  messages: {
    "unknown-registry": "MeshNetworks network {network} takes endpoints from registry \"{registry}\", which is not a known cluster",
  },
  analyze(ctx) {
    const { view } = ctx;
    const networks = recordOf(view.meshNetworks?.networks);
    if (!networks) return;
    const known = new Set([LOCAL_REGISTRY]);
    for (const secret of view.kind("Secret")) {
      if (stringMapOf(secret.metadata.labels)["istio/multiCluster"] !== "true") continue;
      for (const key of [...Object.keys(recordOf(secret.data) ?? {}), ...Object.keys(recordOf(secret.stringData) ?? {})]) known.add(key);
    }
    const meshNetworks: KubeObject = { apiVersion: "v1", kind: "MeshNetworks", metadata: { name: "meshnetworks", namespace: "istio-system" } };
    for (const [network, value] of Object.entries(networks)) {
      arrayOf<Record<string, unknown>>(recordOf(value)?.endpoints).forEach((endpoint, index) => {
        const registry = endpoint?.fromRegistry;
        if (typeof registry !== "string" || known.has(registry)) return;
        reportIstio(this, atSource(ctx, view.meshNetworksSource, ["networks", network, "endpoints", index, "fromRegistry"]), {
          object: meshNetworks,
          code: "IST0126",
          args: [registry, network],
          message: "unknown-registry",
          data: { network, registry },
          cause: `Known registries are ${[...known].join(", ")}; "${registry}" matches none (names are case-sensitive), so network ${network} has no endpoints.`,
          fix: { description: `Use one of ${[...known].join(", ")} in fromRegistry.`, commands: ["kubectl -n istio-system edit configmap istio"] },
          verify: ["istioctl analyze -n istio-system"],
        });
      });
    }
  },
});

/** Reports with the finding and its first evidence pointed at the MeshNetworks file, and the field's line in it when known. */
function atSource(ctx: RuleContext, source: MeshSource | undefined, path: Array<string | number>): RuleContext {
  if (!source) return ctx;
  const line = source.locate?.(path);
  const where = { file: source.file, ...(line !== undefined ? { line } : {}) };
  return {
    view: ctx.view,
    fixes: ctx.fixes,
    report(report) {
      const [first, ...rest] = report.evidence ?? [];
      // The MeshNetworks object is not one of the view's: the finding points at its file instead.
      const { object, fieldPath: _field, ...others } = report;
      const named = report.resource ?? (object ? { kind: object.kind, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}), name: object.metadata.name ?? "" } : undefined);
      ctx.report({ ...others, ...(named ? { resource: { ...named, ...where } } : {}), evidence: first ? [{ ...first, text: `${first.text}: networks.${String(path[1])}.endpoints[${String(path[3])}].fromRegistry`, path: source.file, ...(line !== undefined ? { line } : {}) }, ...rest] : rest });
    },
  };
}
