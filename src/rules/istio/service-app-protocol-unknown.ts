import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { arrayOf, recordOf, refOf } from "../../k8s/objects.js";
import { ISTIO_PROTOCOLS, isKnownAppProtocol } from "../../istio/protocols.js";

export const serviceAppProtocolUnknown = defineRule({
  id: "istio/service-app-protocol-unknown",
  category: "config-schema-error",
  severity: "warning",
  title: "Service port appProtocol is not a protocol Istio knows",
  docs: {
    cause: "`appProtocol` overrides the port name for protocol selection; a value Istio does not know (a typo such as `htpp`, or `HTTP/1.1`) makes Istio sniff the protocol instead.",
    fix: `Set appProtocol to one of ${ISTIO_PROTOCOLS.join(", ")}.`,
    verify: ["kubectl get svc <name> -o jsonpath='{.spec.ports[*].appProtocol}'"],
    references: ["https://kiali.io/docs/features/validations/#kia0602---port-appprotocol-must-follow-protocol-form"],
  },
  equivalents: ["KIA0602"],
  inputs: ["services"],
  reads: ["EndpointSlice", "Endpoints", "Service", "ServiceEntry", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "unknown-app-protocol": "{resource} port {port} has appProtocol \"{appProtocol}\", which Istio does not recognise",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const service of view.kind("Service")) {
      arrayOf<Record<string, unknown>>(recordOf(service.spec)?.ports).forEach((raw, index) => {
        const value = raw?.appProtocol;
        if (typeof value !== "string" || isKnownAppProtocol(value)) return;
        const guess = ISTIO_PROTOCOLS.find((protocol) => value.toLowerCase().startsWith(protocol)) ?? "http";
        reportIstio(this, ctx, {
          object: service,
          istioMessage: `Port appProtocol must follow <protocol> form: "${value}"`,
          path: ["spec", "ports", index, "appProtocol"],
          message: "unknown-app-protocol",
          data: { resource: refOf(service), port: String(raw?.port ?? ""), appProtocol: value },
          cause: "Istio reads appProtocol before the port name; an unknown value leaves the port to protocol sniffing.",
          fix: {
            description: `Set appProtocol to "${guess}".`,
            yaml: { before: yamlOf({ ports: [{ port: raw?.port, appProtocol: value }] }), after: yamlOf({ ports: [{ port: raw?.port, appProtocol: guess }] }), target: refOf(service) },
            commands: [kubectl("edit", service)],
          },
          verify: [analyzeCommand(service)],
        });
      });
    }
  },
});
