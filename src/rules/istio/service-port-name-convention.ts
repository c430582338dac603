import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { arrayOf, namespaceOf, recordOf, refOf, stringMapOf } from "../../k8s/objects.js";
import { portProtocol, suggestPortName, SYSTEM_NAMESPACES } from "../../istio/protocols.js";

export const servicePortNameConvention = defineRule({
  id: "istio/service-port-name-convention",
  category: "config-schema-error",
  severity: "info",
  title: "Service port name does not tell Istio the protocol",
  docs: {
    cause: "The port is neither named `<protocol>[-suffix]` (http, http2, https, grpc, tcp, tls, mongo, mysql, redis ...) nor given an appProtocol, so Istio falls back to protocol sniffing: server-first protocols (MySQL, SMTP) stall, and HTTP features (retries, routing by path) may not apply.",
    fix: "Name the port after its protocol (`http-web`, `grpc`, `tcp-db`) or set `appProtocol`.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get svc <name> -o jsonpath='{.spec.ports[*].name}'"],
    references: ["https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/", "https://istio.io/latest/docs/reference/config/analysis/ist0118/"],
  },
  equivalents: ["IST0118", "KIA0601"],
  inputs: ["services"],
  reads: ["EndpointSlice", "Endpoints", "Service", "ServiceEntry", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "port-name-without-protocol": "{resource} port {port} is named \"{name}\", so Istio cannot tell its protocol",
    "port-unnamed": "{resource} port {port} is unnamed, so Istio cannot tell its protocol",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const service of view.kind("Service")) {
      const spec = recordOf(service.spec) ?? {};
      if (spec.type === "ExternalName") continue;
      if (SYSTEM_NAMESPACES.has(namespaceOf(service))) continue;
      const labels = stringMapOf(service.metadata.labels);
      if ("istio" in labels || labels.release === "istio" || "gateway.networking.k8s.io/gateway-name" in labels) continue;
      const ports = arrayOf<Record<string, unknown>>(spec.ports);
      ports.forEach((raw, index) => {
        const port = { name: typeof raw?.name === "string" ? raw.name : undefined, protocol: typeof raw?.protocol === "string" ? raw.protocol : undefined, appProtocol: typeof raw?.appProtocol === "string" ? raw.appProtocol : undefined };
        if (portProtocol(port)) return;
        const number = Number(raw?.port ?? 0);
        const targetPort = raw?.targetPort === undefined ? String(number) : String(raw.targetPort);
        const suggested = suggestPortName(number, port.name);
        reportIstio(this, ctx, {
          object: service,
          code: "IST0118",
          args: [port.name ?? "", number, targetPort],
          path: ["spec", "ports", index, port.name ? "name" : "port"],
          message: port.name ? "port-name-without-protocol" : "port-unnamed",
          data: { resource: refOf(service), port: number, ...(port.name ? { name: port.name } : {}) },
          cause: `Without a protocol prefix or appProtocol, the sidecar sniffs the protocol of each connection on port ${number}; protocols where the server speaks first hang, and HTTP routing rules may not apply.`,
          fix: {
            description: `Name the port "${suggested}" (or set appProtocol).`,
            yaml: { before: yamlOf({ ports: [{ ...(port.name ? { name: port.name } : {}), port: number, targetPort: raw?.targetPort ?? number }] }), after: yamlOf({ ports: [{ name: suggested, port: number, targetPort: raw?.targetPort ?? number }] }), target: refOf(service) },
            commands: [kubectl("edit", service)],
          },
          verify: [analyzeCommand(service)],
        });
      });
    }
  },
});
