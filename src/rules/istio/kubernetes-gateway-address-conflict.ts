import { defineRule } from "../../contract/rule.js";
import { reportIstio, kubectl } from "./finding.js";
import { arrayOf, nameOf, recordOf, refOf } from "../../k8s/objects.js";
import { kubernetesGateways } from "../../istio/gateway-api.js";

function addressesOf(gateway: { spec?: unknown }): Array<{ type: string; value: string; index: number }> {
  return arrayOf(recordOf(gateway.spec)?.addresses).flatMap((item, index) => {
    const address = recordOf(item);
    return address && typeof address.type === "string" && typeof address.value === "string" && address.value !== "" ? [{ type: address.type, value: address.value, index }] : [];
  });
}

/** Kiali's KIA1502: two Kubernetes Gateways request the same address (same type and value). */
export const kubernetesGatewayAddressConflict = defineRule({
  id: "istio/kubernetes-gateway-address-conflict",
  category: "routing-conflict",
  severity: "warning",
  title: "Two Kubernetes Gateways request the same address",
  docs: {
    cause: "Two Gateways list the same entry (type and value) in `spec.addresses`. Only one can be given the address: the other stays unprogrammed (`AddressNotAssigned`), or both are bound to one Service and their listeners merge or conflict.",
    fix: "Give each Gateway its own address, or serve both sets of listeners from one Gateway.",
    verify: ["kubectl get gateways.gateway.networking.k8s.io -A -o wide", "kubectl get gateway <name> -n <namespace> -o jsonpath='{.status.addresses}'"],
    references: ["https://gateway-api.sigs.k8s.io/reference/spec/#gatewayspecaddress", "https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/#manual-deployment", "https://kiali.io/docs/features/validations/"],
  },
  equivalents: ["KIA1502"],
  inputs: ["manifests", "istio"],
  reads: ["Gateway"],
  scopes: ["lint", "diagnose"],
  messages: {
    "same-address": "{resource} requests address {address} ({type}), as {rivals} {verb}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const gateways = kubernetesGateways(view);
    for (const gateway of gateways) {
      for (const address of addressesOf(gateway)) {
        const rivals = gateways.filter((other) => nameOf(other) !== nameOf(gateway) && addressesOf(other).some((item) => item.type === address.type && item.value === address.value));
        if (rivals.length === 0) continue;
        reportIstio(this, ctx, {
          object: gateway,
          istioMessage: "More than one K8s Gateway for the same address and type combination",
          path: ["spec", "addresses", address.index, "value"],
          message: "same-address",
          data: { resource: refOf(gateway), address: address.value, type: address.type, rivals: rivals.map(refOf).join(", "), verb: rivals.length === 1 ? "does" : "do" },
          cause: "One address can be assigned to one Gateway deployment; the other Gateway is left without it or merged into the first.",
          fix: { description: "Give this Gateway an address of its own, or merge the Gateways.", commands: [kubectl("edit", gateway)] },
          verify: [kubectl("get", gateway, "-o jsonpath='{.status.addresses}'")],
        });
      }
    }
  },
});
