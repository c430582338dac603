import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, fieldEvidence, reportIstio, kubectl, yamlOf } from "./finding.js";
import { gatewayPods, gatewaySelector, gatewayServers } from "../../istio/gateways.js";
import { refOf } from "../../k8s/objects.js";
import { registryOf } from "../../istio/registry.js";
import { formatSelector } from "../../istio/workloads.js";
import { KUBERNETES_SELECTOR, labelMapMatches } from "../../k8s/selectors.js";

export const gatewayPortNotOnService = defineRule({
  id: "istio/gateway-port-not-on-service",
  category: "routing-reference-not-found",
  severity: "warning",
  title: "Gateway listens on a port its Service does not expose",
  docs: {
    cause: "A Gateway server listens on a port that no Service in front of the gateway pods exposes (as port or targetPort), so clients outside cannot reach it through the gateway Service.",
    fix: "Use a port the gateway Service exposes (80/443 on the default ingress gateway), or add the port to the gateway Service.",
    verify: ["istioctl analyze -n <namespace>", "kubectl -n istio-system get svc istio-ingressgateway -o jsonpath='{.spec.ports[*].port}'"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0162/"],
  },
  equivalents: ["IST0162"],
  inputs: ["istio", "pods", "workloads", "services", "mesh-config"],
  reads: ["CronJob", "DaemonSet", "Deployment", "EndpointSlice", "Endpoints", "Gateway", "Job", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "port-not-exposed": "{gateway} listens on port {port}, which {service} does not expose (it exposes {exposed})",
    "no-service": "{gateway} listens on port {port}, which no Service in front of the gateway pods exposes",
  },
  analyze(ctx) {
    const { view } = ctx;
    const services = registryOf(view).all().filter((entry) => entry.object.kind === "Service" && entry.selector && Object.keys(entry.selector).length > 0);
    for (const gateway of view.kind("Gateway")) {
      if (!(gateway.apiVersion ?? "").includes("istio.io")) continue;
      const pods = gatewayPods(view, gateway);
      if (pods.length === 0) continue;
      const fronting = services.filter((entry) => pods.some((pod) => pod.namespace === entry.namespace && labelMapMatches(entry.selector, pod.labels, KUBERNETES_SELECTOR)));
      const ports = new Set<number>();
      for (const entry of fronting) {
        for (const port of entry.ports) {
          ports.add(port.number);
          if (typeof port.targetPort === "number") ports.add(port.targetPort);
        }
      }
      const selector = formatSelector(gatewaySelector(gateway));
      for (const server of gatewayServers(gateway)) {
        if (server.port === undefined || ports.has(server.port)) continue;
        const exposed = [...new Set(fronting.flatMap((entry) => entry.ports.map((port) => port.number)))];
        const service = fronting[0];
        reportIstio(this, ctx, {
          object: gateway,
          code: "IST0162",
          args: [server.port, selector],
          path: ["spec", "servers", server.index, "port", "number"],
          ...(service
            ? { message: "port-not-exposed", data: { gateway: refOf(gateway), port: server.port, service: refOf(service.object), exposed: exposed.join(", ") } }
            : { message: "no-service", data: { gateway: refOf(gateway), port: server.port } }),
          cause: `The gateway proxy opens port ${server.port}, but traffic reaches the gateway pods only through its Service ports; this server is unreachable from outside.`,
          fix: service
            ? {
                description: `Expose port ${server.port} on ${refOf(service.object)}, or move the server to a port it already exposes.`,
                yaml: {
                  before: yamlOf({ spec: { ports: service.ports.map((port) => ({ name: port.name, port: port.number, ...(port.targetPort !== undefined ? { targetPort: port.targetPort } : {}) })) } }),
                  after: yamlOf({ spec: { ports: [...service.ports.map((port) => ({ name: port.name, port: port.number, ...(port.targetPort !== undefined ? { targetPort: port.targetPort } : {}) })), { name: server.portName ?? `port-${server.port}`, port: server.port, targetPort: server.port }] } }),
                  target: refOf(service.object),
                },
                commands: [kubectl("edit", service.object)],
              }
            : { description: "Create a Service that selects the gateway pods and exposes this port.", commands: [kubectl("edit", gateway)] },
          evidence: service ? [fieldEvidence(view, service.object, ["spec", "ports"], `${refOf(service.object)} ports: ${exposed.join(", ")}`)] : [],
          verify: [analyzeCommand(gateway)],
        });
      }
    }
  },
});
