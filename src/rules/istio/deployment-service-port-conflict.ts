import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, fieldEvidence, reportIstio, kubectl } from "./finding.js";
import { nameOf, namespaceOf, refOf } from "../../k8s/objects.js";
import { portProtocol, SYSTEM_NAMESPACES } from "../../istio/protocols.js";
import { registryOf, type RegistryEntry, type ServicePort } from "../../istio/registry.js";
import { workloadInstances } from "../../istio/workloads.js";
import { KUBERNETES_SELECTOR, labelMapMatches } from "../../k8s/selectors.js";

interface Exposure {
  service: RegistryEntry;
  port: ServicePort;
  index: number;
  protocol: string;
  targetPort: string;
}

export const deploymentServicePortConflict = defineRule({
  id: "istio/deployment-service-port-conflict",
  category: "routing-conflict",
  severity: "warning",
  title: "Services selecting the same workload disagree on a port's protocol or number",
  docs: {
    cause:
      "Several Services select the same pods. When they give the same port different protocols (tcp vs http), or point the same targetPort from different service ports, the sidecar builds one inbound listener per port and can serve only one of them: the other Service's traffic is handled with the wrong protocol or not matched.",
    fix: "Give the port one protocol in every Service that selects the workload (same name prefix or appProtocol), and expose a targetPort under a single service port number.",
    verify: ["istioctl analyze -n <namespace>", "istioctl proxy-config listeners <pod> --port <port>"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0116/", "https://istio.io/latest/docs/reference/config/analysis/ist0137/"],
  },
  equivalents: ["IST0116", "IST0137"],
  inputs: ["services", "pods", "workloads", "istio", "mesh-config"],
  reads: ["CronJob", "DaemonSet", "Deployment", "EndpointSlice", "Endpoints", "Job", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "port-protocol-conflict": "{workload} is behind {services}, which give port {port} different protocols ({protocols})",
    "target-port-exposed-twice": "{workload} targetPort {targetPort} is exposed as ports {ports} by {services}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const servicesByNamespace = new Map<string, RegistryEntry[]>();
    for (const entry of registryOf(view).all()) {
      if (entry.object.kind !== "Service" || !entry.selector || Object.keys(entry.selector).length === 0) continue;
      servicesByNamespace.set(entry.namespace, [...(servicesByNamespace.get(entry.namespace) ?? []), entry]);
    }
    for (const workload of workloadInstances(view)) {
      if (workload.object.kind !== "Deployment" || SYSTEM_NAMESPACES.has(workload.namespace)) continue;
      if (workload.annotations["sidecar.istio.io/inject"] === "false" || workload.labels["sidecar.istio.io/inject"] === "false") continue;
      if (workload.labels["gateway.networking.k8s.io/gateway-name"]) continue;
      const selecting = (servicesByNamespace.get(workload.namespace) ?? []).filter((entry) => labelMapMatches(entry.selector, workload.labels, KUBERNETES_SELECTOR));
      if (selecting.length < 2) continue;
      const exposures: Exposure[] = selecting.flatMap((service) =>
        service.ports.map((port, index) => ({ service, port, index, protocol: (portProtocol(port) ?? (port.protocol ?? "TCP").toLowerCase()).toUpperCase(), targetPort: String(port.targetPort ?? port.number) })),
      );
      const byPort = new Map<number, Exposure[]>();
      const byTarget = new Map<string, Exposure[]>();
      for (const exposure of exposures) {
        byPort.set(exposure.port.number, [...(byPort.get(exposure.port.number) ?? []), exposure]);
        byTarget.set(exposure.targetPort, [...(byTarget.get(exposure.targetPort) ?? []), exposure]);
      }
      for (const [port, list] of byPort) {
        const protocols = [...new Set(list.map((item) => item.protocol))];
        if (protocols.length < 2) continue;
        reportIstio(this, ctx, {
          object: workload.object,
          code: "IST0116",
          args: [nameOf(workload.object), port, protocols],
          path: [...workload.templatePath, "metadata", "labels"],
          message: "port-protocol-conflict",
          data: { workload: refOf(workload.object), services: list.map((item) => refOf(item.service.object)).join(" and "), port, protocols: protocols.join(", ") },
          cause: "The sidecar has one inbound listener per port and one protocol for it; one of these Services is served with the wrong protocol.",
          fix: { description: `Use one protocol for port ${port} in all Services of this workload (rename the port, e.g. http-..., or set appProtocol).`, commands: list.map((item) => kubectl("edit", item.service.object)) },
          evidence: list.map((item) => fieldEvidence(view, item.service.object, ["spec", "ports", item.index], `${refOf(item.service.object)} port ${port} name ${item.port.name ?? "(none)"} → ${item.protocol}`)),
          verify: [analyzeCommand(workload.object)],
        });
      }
      for (const [targetPort, list] of byTarget) {
        const ports = [...new Set(list.map((item) => item.port.number))];
        if (ports.length < 2) continue;
        reportIstio(this, ctx, {
          object: workload.object,
          code: "IST0137",
          args: [nameOf(workload.object), list.map((item) => `${namespaceOf(item.service.object)}/${nameOf(item.service.object)}`), targetPort, ports],
          path: [...workload.templatePath, "metadata", "labels"],
          message: "target-port-exposed-twice",
          data: { workload: refOf(workload.object), targetPort, ports: ports.join(" and "), services: list.map((item) => refOf(item.service.object)).join(" and ") },
          cause: "Services that send to the same container port must use the same service port; otherwise the sidecar's inbound configuration for that port conflicts.",
          fix: { description: `Expose targetPort ${targetPort} under one service port number in every Service.`, commands: list.map((item) => kubectl("edit", item.service.object)) },
          evidence: list.map((item) => fieldEvidence(view, item.service.object, ["spec", "ports", item.index], `${refOf(item.service.object)} port ${item.port.number} → targetPort ${targetPort}`)),
          verify: [analyzeCommand(workload.object)],
        });
      }
    }
  },
});
