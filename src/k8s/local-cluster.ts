import type { ClusterView } from "../view/cluster-view.js";

export interface LocalCluster {
  tool: "k3d" | "kind";
  /** The cluster name as the tool knows it (k3d-<name>-server-0, <name>-control-plane). */
  name: string;
  /** The node that tells: its name, provider ID, and whether it carries k3s's instance-type label. */
  node: string;
  providerId: string;
  k3sLabel: boolean;
}

/** Recognises k3d and kind clusters from their node names, labels and provider IDs. */
export function detectLocalCluster(view: ClusterView): LocalCluster | undefined {
  for (const node of view.kind("Node")) {
    const name = node.metadata.name ?? "";
    const providerId: string = node.spec?.providerID ?? "";
    const labels = node.metadata.labels ?? {};
    const k3d = /^k3d-(.+)-(?:server|agent)-\d+$/.exec(name);
    if (k3d) {
      return { tool: "k3d", name: k3d[1]!, node: name, providerId, k3sLabel: labels["node.kubernetes.io/instance-type"] === "k3s" };
    }
    const kind = /^kind:\/\/[^/]+\/([^/]+)\//.exec(providerId);
    if (kind || /-control-plane$/.test(name)) {
      const cluster = kind?.[1] ?? name.replace(/-control-plane$/, "");
      if (kind || labels["kubernetes.io/hostname"] === name) {
        if (!kind && !Object.keys(labels).some((key) => key.startsWith("node-role.kubernetes.io/control-plane"))) continue;
        return { tool: "kind", name: cluster, node: name, providerId, k3sLabel: labels["node.kubernetes.io/instance-type"] === "k3s" };
      }
    }
  }
  return undefined;
}
