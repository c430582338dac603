import type { Evidence } from "../model/finding.js";
import type { ClusterView } from "../view/cluster-view.js";

export interface LocalCluster {
  tool: "k3d" | "kind";
  /** The cluster name as the tool knows it (k3d-<name>-server-0, <name>-control-plane). */
  name: string;
  evidence: Evidence;
}

/** Recognises k3d and kind clusters from their node names, labels and provider IDs. */
export function detectLocalCluster(view: ClusterView): LocalCluster | undefined {
  for (const node of view.kind("Node")) {
    const name = node.metadata.name ?? "";
    const providerId: string = node.spec?.providerID ?? "";
    const labels = node.metadata.labels ?? {};
    const k3d = /^k3d-(.+)-(?:server|agent)-\d+$/.exec(name);
    if (k3d) {
      const flavour = labels["node.kubernetes.io/instance-type"] === "k3s" ? ", label node.kubernetes.io/instance-type=k3s" : "";
      return { tool: "k3d", name: k3d[1]!, evidence: { source: "api", text: `node ${name}${flavour}: a k3d cluster "${k3d[1]}"`, path: `nodes/${name}` } };
    }
    const kind = /^kind:\/\/[^/]+\/([^/]+)\//.exec(providerId);
    if (kind || /-control-plane$/.test(name)) {
      const cluster = kind?.[1] ?? name.replace(/-control-plane$/, "");
      if (kind || labels["kubernetes.io/hostname"] === name) {
        if (!kind && !Object.keys(labels).some((key) => key.startsWith("node-role.kubernetes.io/control-plane"))) continue;
        return { tool: "kind", name: cluster, evidence: { source: "api", text: `node ${name}${providerId ? ` providerID ${providerId}` : ""}: a kind cluster "${cluster}"`, path: `nodes/${name}` } };
      }
    }
  }
  return undefined;
}
