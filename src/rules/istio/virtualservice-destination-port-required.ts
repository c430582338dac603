import { defineRule } from "../../contract/rule.js";
import { specExportTo } from "../../istio/export-to.js";
import { analyzeCommand, fieldEvidence, reportIstio, kubectl, yamlOf } from "./finding.js";
import { namespaceOf, refOf } from "../../k8s/objects.js";
import { registryOf, resolveHostFor } from "../../istio/registry.js";
import { routeDestinations } from "../../istio/virtual-service.js";

export const virtualServiceDestinationPortRequired = defineRule({
  id: "istio/virtualservice-destination-port-required",
  category: "routing-reference-not-found",
  severity: "error",
  title: "VirtualService routes to a multi-port Service without naming the port",
  docs: {
    cause: "The destination Service exposes more than one port and the route does not say which one; Istio cannot tell which cluster the route means, and traffic may go to the wrong port.",
    fix: "Add `port.number` to the destination, with the Service port the route is for.",
    verify: ["istioctl analyze -n <namespace>"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0112/"],
  },
  equivalents: ["IST0112"],
  inputs: ["istio", "services", "mesh-config"],
  reads: ["EndpointSlice", "Endpoints", "Service", "ServiceEntry", "VirtualService", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "port-required": "{resource} routes to {host}, which exposes ports {ports}, without choosing one",
  },
  analyze(ctx) {
    const { view } = ctx;
    const registry = registryOf(view);
    for (const vs of view.kind("VirtualService")) {
      const namespace = namespaceOf(vs);
      const exportTo = specExportTo(vs.spec, view.meshConfig?.defaultVirtualServiceExportTo);
      for (const destination of routeDestinations(vs)) {
        if (destination.port !== undefined) continue;
        const entry = resolveHostFor(registry, destination.host, namespace, exportTo)[0];
        if (!entry || entry.object.kind !== "Service" || entry.ports.length < 2) continue;
        const numbers = entry.ports.map((port) => port.number);
        reportIstio(this, ctx, {
          object: vs,
          code: "IST0112",
          args: [destination.host, numbers],
          path: destination.path,
          message: "port-required",
          data: { resource: refOf(vs), host: destination.host, ports: numbers.join(", ") },
          cause: `${refOf(entry.object)} has ${numbers.length} ports; a destination without port.number is ambiguous.`,
          fix: {
            description: `Name the port the route is for (one of ${numbers.join(", ")}).`,
            yaml: {
              before: yamlOf({ destination: { host: destination.host, ...(destination.subset ? { subset: destination.subset } : {}) } }),
              after: yamlOf({ destination: { host: destination.host, ...(destination.subset ? { subset: destination.subset } : {}), port: { number: numbers[0] } } }),
              target: refOf(vs),
            },
            commands: [kubectl("edit", vs)],
          },
          evidence: [fieldEvidence(view, entry.object, ["spec", "ports"], `${refOf(entry.object)} ports: ${numbers.join(", ")}`)],
          verify: [analyzeCommand(vs)],
        });
      }
    }
  },
});
