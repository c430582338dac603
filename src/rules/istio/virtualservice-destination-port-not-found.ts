import { defineRule } from "../../contract/rule.js";
import { specExportTo } from "../../istio/export-to.js";
import { analyzeCommand, fieldEvidence, reportIstio, kubectl, yamlOf } from "./finding.js";
import { namespaceOf, refOf } from "../../k8s/objects.js";
import { registryOf, resolveHostFor } from "../../istio/registry.js";
import { routeDestinations } from "../../istio/virtual-service.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export const virtualServiceDestinationPortNotFound = defineRule({
  id: "istio/virtualservice-destination-port-not-found",
  category: "routing-reference-not-found",
  severity: "error",
  title: "VirtualService routes to a port the destination Service does not expose",
  docs: {
    cause: "A destination names `port.number` that the Service (or ServiceEntry) does not declare, so Envoy has no cluster for that host and port and answers 503.",
    fix: "Use one of the Service's `port` numbers (not the container's targetPort), or add the port to the Service.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get svc <host> -o jsonpath='{.spec.ports[*].port}'"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0101/"],
  },
  equivalents: ["IST0101"],
  inputs: ["istio", "services", "mesh-config"],
  reads: ["EndpointSlice", "Endpoints", "Service", "ServiceEntry", "VirtualService", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "port-not-found": "{resource} routes to {destination}, but {service} exposes only port {ports}",
    "port-not-found-of-several": "{resource} routes to {destination}, but {service} exposes only ports {ports}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const registry = registryOf(view);
    for (const vs of view.kind("VirtualService")) {
      const namespace = namespaceOf(vs);
      const exportTo = specExportTo(vs.spec, view.meshConfig?.defaultVirtualServiceExportTo);
      for (const destination of routeDestinations(vs)) {
        if (destination.port === undefined) continue;
        const entries = resolveHostFor(registry, destination.host, namespace, exportTo);
        const entry = entries[0];
        if (!entry || entry.ports.length === 0) continue;
        if (entry.ports.some((port) => port.number === destination.port)) continue;
        const numbers = entry.ports.map((port) => port.number);
        const byTarget = entry.ports.find((port) => port.targetPort === destination.port);
        const suggested = byTarget?.number ?? (numbers.length === 1 ? numbers[0] : undefined);
        reportIstio(this, ctx, {
          object: vs,
          code: "IST0101",
          args: ["host:port", `${destination.host}:${destination.port}`],
          path: [...destination.path, "port", "number"],
          message: numbers.length > 1 ? "port-not-found-of-several" : "port-not-found",
          data: { resource: refOf(vs), destination: `${destination.host}:${destination.port}`, service: refOf(entry.object), ports: numbers.join(", ") },
          cause: byTarget
            ? `${destination.port} is the Service's targetPort (the container port); a VirtualService destination must use the Service port ${byTarget.number}.`
            : `The Service has no port ${destination.port}; Envoy builds clusters per Service port, so this route has no backend.`,
          fix: {
            description: suggested !== undefined ? `Route to Service port ${suggested}.` : `Route to one of the Service ports (${numbers.join(", ")}), or add port ${destination.port} to the Service.`,
            yaml: {
              before: yamlOf({ destination: { host: destination.host, port: { number: destination.port } } }),
              after: yamlOf({ destination: { host: destination.host, port: { number: suggested ?? numbers[0] } } }),
              target: refOf(vs),
            },
            commands: [kubectl("edit", vs)],
          },
          evidence: [fieldEvidence(view, entry.object, entry.object.kind === "Service" ? ["spec", "ports"] : ["spec", "ports"], `${refOf(entry.object)} ports: ${entry.ports.map((port) => `${port.name ?? "?"}=${port.number}${port.targetPort !== undefined ? `->${port.targetPort}` : ""}`).join(", ")}`)],
          verify: [analyzeCommand(vs), `kubectl get ${entry.object.kind === "Service" ? "svc" : "serviceentry"}${namespaceFlag(entry.namespace)} ${entry.object.metadata.name} -o jsonpath='{.spec.ports[*].${entry.object.kind === "Service" ? "port" : "number"}}'`],
        });
      }
    }
  },
});
