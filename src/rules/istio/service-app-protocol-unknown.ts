import { defineRule } from "../../engine/rule.js";
import type { Finding } from "../../model/finding.js";
import { analyzeCommand, istioFinding, kubectl, yamlOf } from "./finding.js";
import { arrayOf, recordOf, refOf } from "../../istio/meta.js";
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
  scopes: ["lint", "diagnose"],
  analyze(view) {
    const findings: Finding[] = [];
    for (const service of view.kind("Service")) {
      arrayOf<Record<string, unknown>>(recordOf(service.spec)?.ports).forEach((raw, index) => {
        const value = raw?.appProtocol;
        if (typeof value !== "string" || isKnownAppProtocol(value)) return;
        const guess = ISTIO_PROTOCOLS.find((protocol) => value.toLowerCase().startsWith(protocol)) ?? "http";
        findings.push(
          istioFinding(this, view, {
            object: service,
            message: `Port appProtocol must follow <protocol> form: "${value}"`,
            path: ["spec", "ports", index, "appProtocol"],
            summary: `${refOf(service)} port ${String(raw?.port ?? "")} has appProtocol "${value}", which Istio does not recognise`,
            cause: "Istio reads appProtocol before the port name; an unknown value leaves the port to protocol sniffing.",
            fix: {
              description: `Set appProtocol to "${guess}".`,
              yaml: { before: yamlOf({ ports: [{ port: raw?.port, appProtocol: value }] }), after: yamlOf({ ports: [{ port: raw?.port, appProtocol: guess }] }), target: refOf(service) },
              commands: [kubectl("edit", service)],
            },
            verify: [analyzeCommand(service)],
          }),
        );
      });
    }
    return findings;
  },
});
