import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { INTERNAL_GATEWAY_MARKER } from "../../istio/gateways.js";
import { arrayOf, namespaceOf, recordOf, refOf } from "../../k8s/objects.js";
import { closest } from "../../istio/suggest.js";
import { resolveGatewayRef } from "../../istio/virtual-service.js";

export const virtualServiceGatewayNotFound = defineRule({
  id: "istio/virtualservice-gateway-not-found",
  category: "routing-reference-not-found",
  severity: "error",
  title: "VirtualService is bound to a Gateway that does not exist",
  docs: {
    cause: "`spec.gateways` names a Gateway that is not in the given namespace (a short name means the VirtualService's own namespace). The routes are never attached to any gateway, so ingress requests for these hosts get 404 NR.",
    fix: "Name the Gateway as `namespace/name` when it lives elsewhere (usually `istio-system/<gateway>`), or correct the name.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get gateways.networking.istio.io -A"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0101/", "https://kiali.io/docs/features/validations/#kia1102---virtualservice-is-pointing-to-a-non-existent-gateway"],
  },
  equivalents: ["IST0101", "KIA1102"],
  inputs: ["istio"],
  reads: ["Gateway", "VirtualService"],
  scopes: ["lint", "diagnose"],
  messages: {
    "gateway-not-found": "{resource} is bound to gateway \"{gateway}\", which does not exist in namespace {namespace}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const gateways = view.kind("Gateway");
    for (const vs of view.kind("VirtualService")) {
      const namespace = namespaceOf(vs);
      arrayOf(recordOf(vs.spec)?.gateways).forEach((ref, index) => {
        if (typeof ref !== "string" || ref === "mesh" || ref.includes(INTERNAL_GATEWAY_MARKER)) return;
        const target = resolveGatewayRef(ref, namespace);
        if (gateways.some((gateway) => (gateway.metadata.name ?? "") === target.name && namespaceOf(gateway) === target.namespace)) return;
        const sameName = gateways.find((gateway) => gateway.metadata.name === target.name);
        const near = closest(target.name, gateways.filter((gateway) => namespaceOf(gateway) === target.namespace).map((gateway) => gateway.metadata.name ?? ""));
        const corrected = sameName ? `${namespaceOf(sameName)}/${target.name}` : near ? (ref.includes("/") ? `${target.namespace}/${near}` : near) : undefined;
        const list = arrayOf<string>(recordOf(vs.spec)?.gateways);
        reportIstio(this, ctx, {
          object: vs,
          code: "IST0101",
          args: ["gateway", ref],
          path: ["spec", "gateways", index],
          message: "gateway-not-found",
          data: { resource: refOf(vs), gateway: ref, namespace: target.namespace || "(none)" },
          cause: sameName
            ? `A Gateway named ${target.name} exists in namespace ${namespaceOf(sameName)}; a short gateway name is looked up in the VirtualService's own namespace, so the routes are attached to nothing.`
            : `No Gateway ${target.namespace ? `${target.namespace}/` : ""}${target.name} exists, so these routes are attached to no gateway and requests for the hosts get 404.`,
          fix: {
            description: corrected ? `Refer to the gateway as "${corrected}".` : "Refer to an existing Gateway as namespace/name, or create it.",
            yaml: { before: yamlOf({ spec: { gateways: list } }), after: yamlOf({ spec: { gateways: list.map((item) => (item === ref ? (corrected ?? "<namespace>/<gateway>") : item)) } }), target: refOf(vs) },
            commands: [kubectl("edit", vs), "kubectl get gateways.networking.istio.io -A"],
          },
          verify: [analyzeCommand(vs)],
        });
      });
    }
  },
});
