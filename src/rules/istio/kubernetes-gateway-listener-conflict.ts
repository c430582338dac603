import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl } from "./finding.js";
import { nameOf, refOf } from "../../k8s/objects.js";
import { kubernetesGateways, listenersOf, sameListener } from "../../istio/gateway-api.js";

const describe = (listener: { hostname?: string; port: unknown; protocol: unknown }) => `${listener.hostname}:${String(listener.port)}/${String(listener.protocol)}`;

/**
 * Kiali's KIA1503 (two listeners of one Gateway with the same hostname, port and protocol) and
 * KIA1501 (a listener of another Gateway serves the same combination).
 */
export const kubernetesGatewayListenerConflict = defineRule({
  id: "istio/kubernetes-gateway-listener-conflict",
  category: "routing-conflict",
  severity: "error",
  title: "Kubernetes Gateway listeners claim the same hostname, port and protocol",
  docs: {
    cause: "Each listener of a Gateway must have a distinct combination of hostname, port and protocol; two that do not are rejected by the API server's validation (Gateway API v1.1 and later) or marked `Conflicted` and not served. Two Gateways with a listener for the same hostname, port and protocol compete for the same traffic where they share an address.",
    fix: "Give each listener its own hostname, port or protocol, or merge the duplicates into one listener; for two Gateways, serve the hostname from one of them.",
    verify: ["kubectl get gateways.gateway.networking.k8s.io -A -o yaml", "kubectl get gateway <name> -n <namespace> -o jsonpath='{.status.listeners}'"],
    references: ["https://gateway-api.sigs.k8s.io/reference/spec/#listener", "https://gateway-api.sigs.k8s.io/api-types/gateway/", "https://kiali.io/docs/features/validations/"],
  },
  equivalents: ["KIA1503", "KIA1501"],
  inputs: ["manifests", "istio"],
  reads: ["Gateway"],
  scopes: ["lint", "diagnose"],
  messages: {
    "listeners-conflict": "{resource} listeners {twin} and {listener} both serve {serves}",
    "gateways-share-listener": "{resource} listener {listener} serves {serves}, as {rivals} {verb}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const gateways = kubernetesGateways(view);
    for (const gateway of gateways) {
      const listeners = listenersOf(gateway);
      for (const listener of listeners) {
        const twin = listeners.find((other) => other.index < listener.index && other.name !== listener.name && sameListener(listener, other));
        if (twin) {
          reportIstio(this, ctx, {
            object: gateway,
            istioMessage: "Each listener must have a unique combination of Hostname, Port, and Protocol",
            path: ["spec", "listeners", listener.index, "name"],
            message: "listeners-conflict",
            data: { resource: refOf(gateway), twin: twin.name, listener: listener.name, serves: describe(listener) },
            cause: "Listeners with the same hostname, port and protocol are rejected or marked Conflicted; the routes of one never get traffic.",
            fix: { description: `Merge listener ${listener.name} into ${twin.name}, or change its hostname or port.`, commands: [kubectl("edit", gateway)] },
            equivalents: ["KIA1503"],
            verify: [kubectl("get", gateway, "-o jsonpath='{.status.listeners}'")],
          });
        }
        // Kiali compares Gateways by name: a Gateway of the same name in another namespace is not a rival.
        const rivals = gateways.filter((other) => nameOf(other) !== nameOf(gateway) && listenersOf(other).some((item) => sameListener(listener, item)));
        if (rivals.length === 0) continue;
        reportIstio(this, ctx, {
          object: gateway,
          istioMessage: "More than one K8s Gateway for the same host port combination",
          path: ["spec", "listeners", listener.index, "hostname"],
          message: "gateways-share-listener",
          data: { resource: refOf(gateway), listener: listener.name, serves: describe(listener), rivals: rivals.map(refOf).join(", "), verb: rivals.length === 1 ? "does" : "do" },
          cause: "Two Gateways that serve the same hostname on the same port split or shadow each other's traffic where they share an address or DNS name.",
          fix: { description: `Serve ${listener.hostname} from one Gateway only.`, commands: [kubectl("edit", gateway)] },
          severity: "warning",
          equivalents: ["KIA1501"],
          verify: [analyzeCommand(gateway), "kubectl get gateways.gateway.networking.k8s.io -A"],
        });
      }
    }
  },
});
