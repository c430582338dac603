import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { arrayOf, recordOf, refOf } from "../../k8s/objects.js";
import { portProtocol } from "../../istio/protocols.js";

export const serviceExternalNamePortName = defineRule({
  id: "istio/service-externalname-port-name",
  category: "config-schema-error",
  severity: "warning",
  title: "ExternalName Service port is TCP or unnamed",
  docs: {
    cause: "For an ExternalName Service, a port named `tcp` (or not named after a protocol) makes the sidecar treat it as opaque TCP to a DNS name, which Envoy cannot route: connections through the mesh to the external name are dropped.",
    fix: "Name the port after the real protocol (`https`, `http`, `tls`), or use a ServiceEntry for the external host.",
    verify: ["istioctl analyze -n <namespace>"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0150/"],
  },
  equivalents: ["IST0150"],
  inputs: ["services"],
  reads: ["EndpointSlice", "Endpoints", "Service", "ServiceEntry", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "tcp-port-named": "{resource} (ExternalName {externalName}) port {port} is named \"{name}\", which the sidecar treats as plain TCP",
    "tcp-port-unnamed": "{resource} (ExternalName {externalName}) port {port} is unnamed, which the sidecar treats as plain TCP",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const service of view.kind("Service")) {
      const spec = recordOf(service.spec) ?? {};
      if (spec.type !== "ExternalName") continue;
      arrayOf<Record<string, unknown>>(spec.ports).forEach((raw, index) => {
        const port = { name: typeof raw?.name === "string" ? raw.name : undefined, protocol: typeof raw?.protocol === "string" ? raw.protocol : undefined, appProtocol: typeof raw?.appProtocol === "string" ? raw.appProtocol : undefined };
        const protocol = portProtocol(port);
        if (protocol && protocol !== "tcp") return;
        const number = Number(raw?.port ?? 0);
        const proposed = number === 443 ? "https" : number === 80 ? "http" : "tls";
        reportIstio(this, ctx, {
          object: service,
          code: "IST0150",
          path: ["spec", "ports", index, port.name ? "name" : "port"],
          message: port.name ? "tcp-port-named" : "tcp-port-unnamed",
          data: { resource: refOf(service), externalName: String(spec.externalName ?? ""), port: number, ...(port.name ? { name: port.name } : {}) },
          cause: "TCP traffic to an ExternalName Service has no IP to match on, so the sidecar cannot forward it correctly.",
          fix: {
            description: `Name the port "${proposed}".`,
            yaml: { before: yamlOf({ ports: [{ ...(port.name ? { name: port.name } : {}), port: number }] }), after: yamlOf({ ports: [{ name: proposed, port: number }] }), target: refOf(service) },
            commands: [kubectl("edit", service)],
          },
          verify: [analyzeCommand(service)],
        });
      });
    }
  },
});
