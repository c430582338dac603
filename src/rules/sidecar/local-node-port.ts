import { defineRule } from "../../contract/rule.js";
import { appliedNamespace } from "../../model/namespace.js";
import type { Evidence } from "../../model/finding.js";
import { specEvidence } from "./evidence.js";
import type { ServiceSpec } from "../../k8s/types.js";
import { detectLocalCluster, type LocalCluster } from "../../k8s/local-cluster.js";
import { SYSTEM_NAMESPACES } from "../../istio/pods.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export const localNodePort = defineRule({
  id: "sidecar/local-node-port",
  category: "node-port-not-exposed",
  severity: "info",
  title: "A NodePort in a k3d or kind cluster is not reachable from the host unless it was mapped",
  docs: {
    cause:
      "k3d and kind run their nodes as containers. A NodePort opens the port on those containers, not on your machine, so `curl localhost:<nodePort>` " +
      "gets `Connection refused` unless the port was mapped when the cluster was created.",
    fix:
      "Recreate the cluster with the port mapped (k3d: --port \"<nodePort>:<nodePort>@loadbalancer\"; kind: extraPortMappings), or use kubectl port-forward to the Service.",
    verify: ["curl -s localhost:<nodePort>", "k3d cluster list / docker ps   # shows the port mapping"],
    references: ["https://kind.sigs.k8s.io/docs/user/configuration/#extra-port-mappings"],
  },
  equivalents: [],
  inputs: ["nodes", "services"],
  reads: ["EndpointSlice", "Endpoints", "Node", "Service", "ServiceEntry", "WorkloadEntry"],
  requires: ["nodes", "services"],
  scopes: ["diagnose"],
  messages: {
    "node-port-not-mapped": "NodePort {ports} of {service} is on the {tool} node containers, not on localhost, unless it was mapped at cluster creation",
  },
  analyze({ view, report }) {
    const cluster = detectLocalCluster(view);
    if (!cluster) return;
    for (const service of view.kind("Service")) {
      const namespace = appliedNamespace(service.metadata.namespace);
      const spec = (service.spec ?? {}) as ServiceSpec;
      if (spec.type !== "NodePort" || !view.inScope(namespace)) continue;
      if (SYSTEM_NAMESPACES.has(namespace) && namespace !== "istio-system") continue;
      const ports = (spec.ports ?? []).filter((port) => port.nodePort);
      if (ports.length === 0) continue;
      const index = (spec.ports ?? []).indexOf(ports[0]!);
      const name = service.metadata.name ?? "";
      const mappings = ports.map((port) => port.nodePort!);
      const createCommand =
        cluster.tool === "k3d"
          ? `k3d cluster create ${cluster.name} ${mappings.map((port) => `--port "${port}:${port}@loadbalancer"`).join(" ")}`
          : `kind create cluster --name ${cluster.name} --config kind-ports.yaml`;
      const kindConfig = [
        "kind: Cluster",
        "apiVersion: kind.x-k8s.io/v1alpha4",
        "nodes:",
        "- role: control-plane",
        "  extraPortMappings:",
        ...mappings.flatMap((port) => [`  - containerPort: ${port}`, `    hostPort: ${port}`, "    protocol: TCP"]),
      ].join("\n");
      report({
        confidence: 0.5,
        object: service, fieldPath: ["spec", "ports", index, "nodePort"],
        message: "node-port-not-mapped",
        data: { ports: mappings.join(", "), service: name, tool: cluster.tool },
        evidence: [localClusterEvidence(cluster), specEvidence(view, service, ["spec", "ports", index, "nodePort"], `Service ${name}: type NodePort, ${ports.map((port) => `port ${port.port} -> nodePort ${port.nodePort}`).join(", ")}`)],
        cause: `${cluster.tool} nodes are containers: the NodePort opens on them, and the host only reaches ports mapped when the cluster was created (k3d, unlike a plain node, does not expose NodePorts by itself).`,
        fix: {
          description:
            cluster.tool === "k3d"
              ? `Map the port when creating the cluster, or use port-forward, which needs no mapping.`
              : `Map the port with extraPortMappings when creating the cluster:\n${kindConfig}\nor use port-forward, which needs no mapping.`,
          yaml: cluster.tool === "kind" ? { target: "kind cluster config", before: "", after: kindConfig } : undefined,
          commands: [createCommand, `kubectl port-forward${namespaceFlag(namespace)} svc/${name} 8080:${ports[0]!.port}`, ...(namespace !== "istio-system" ? ["kubectl port-forward -n istio-system svc/istio-ingressgateway 8080:80   # through the mesh's ingress gateway"] : [])],
        },
        verify: [`curl -s localhost:${mappings[0]}   # after mapping`, "curl -s localhost:8080   # while port-forward runs"],
      });
    }
  },
});

/** The node that shows the cluster is k3d or kind. */
function localClusterEvidence(cluster: LocalCluster): Evidence {
  const detail = cluster.tool === "k3d" ? (cluster.k3sLabel ? ", label node.kubernetes.io/instance-type=k3s" : "") : cluster.providerId ? ` providerID ${cluster.providerId}` : "";
  return { source: "api", text: `node ${cluster.node}${detail}: a ${cluster.tool} cluster "${cluster.name}"`, path: `nodes/${cluster.node}` };
}
