import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, fieldEvidence, reportIstio, kubectl, yamlOf } from "./finding.js";
import { gatewayServers, INTERNAL_GATEWAY_MARKER, serverHostAdmits } from "../../istio/gateways.js";
import { arrayOf, nameOf, namespaceOf, recordOf, refOf } from "../../k8s/objects.js";
import { resolveGatewayRef, vsHosts } from "../../istio/virtual-service.js";

export const virtualServiceHostNotInGateway = defineRule({
  id: "istio/virtualservice-host-not-in-gateway",
  category: "routing-reference-not-found",
  severity: "warning",
  title: "VirtualService hosts are not served by the Gateway it is bound to",
  docs: {
    cause: "None of the VirtualService's hosts match the hosts of a Gateway it is bound to (including the Gateway's `namespace/host` restrictions), so the gateway never applies these routes: requests get 404 NR at the gateway.",
    fix: "Add the host to the Gateway server (or use a wildcard the host falls under), or correct the VirtualService host.",
    verify: ["istioctl analyze -n <namespace>", "istioctl proxy-config routes deploy/istio-ingressgateway -n istio-system"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0132/"],
  },
  equivalents: ["IST0132"],
  inputs: ["istio"],
  reads: ["Gateway", "VirtualService"],
  scopes: ["lint", "diagnose"],
  messages: {
    "hosts-not-in-gateway": "{resource} hosts {hosts} are not among the hosts of gateway {gateway} ({serverHosts})",
    "gateway-not-found": "{resource} hosts {hosts} are not among the hosts of gateway {gateway}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const gateways = view.kind("Gateway");
    for (const vs of view.kind("VirtualService")) {
      const namespace = namespaceOf(vs);
      const hosts = vsHosts(vs);
      arrayOf(recordOf(vs.spec)?.gateways).forEach((ref) => {
        if (typeof ref !== "string" || ref === "mesh" || ref.includes(INTERNAL_GATEWAY_MARKER)) return;
        const target = resolveGatewayRef(ref, namespace);
        const gateway = gateways.find((item) => item.metadata.name === target.name && namespaceOf(item) === target.namespace);
        const servers = gateway ? gatewayServers(gateway) : [];
        const admitted = servers.some((server) => server.hosts.some((serverHost) => hosts.some((host) => serverHostAdmits(serverHost, target.namespace, host, namespace))));
        if (admitted) return;
        const serverHosts = servers.flatMap((server) => server.hosts);
        reportIstio(this, ctx, {
          object: vs,
          code: "IST0132",
          args: [hosts.join(","), nameOf(vs), ref],
          path: ["spec", "hosts"],
          message: gateway ? "hosts-not-in-gateway" : "gateway-not-found",
          data: { resource: refOf(vs), hosts: hosts.join(", "), gateway: ref, serverHosts: serverHosts.join(", ") || "none" },
          cause: gateway
            ? `The gateway only accepts ${serverHosts.join(", ") || "no host"}${serverHosts.some((host) => host.includes("/")) ? " (a `namespace/` prefix limits which namespaces may bind)" : ""}; routes for other hosts, or from other namespaces, are dropped and requests get 404.`
            : `The gateway does not exist, so it serves no host.`,
          fix: gateway
            ? {
                description: `Add ${hosts[0] ?? "the host"} to a server of ${refOf(gateway)}.`,
                yaml: {
                  before: yamlOf({ spec: { servers: servers.map((server) => ({ hosts: server.hosts })) } }),
                  after: yamlOf({ spec: { servers: servers.map((server, i) => ({ hosts: i === 0 ? [...server.hosts, ...hosts.slice(0, 1)] : server.hosts })) } }),
                  target: refOf(gateway),
                },
                commands: [kubectl("edit", gateway)],
              }
            : { description: "Bind the VirtualService to an existing gateway that serves its hosts.", commands: [kubectl("edit", vs)] },
          evidence: gateway ? [fieldEvidence(view, gateway, ["spec", "servers"], `${refOf(gateway)} server hosts: ${serverHosts.join(", ") || "(none)"}`)] : [],
          verify: [analyzeCommand(vs), `curl -sv -H 'Host: ${hosts[0] ?? "<host>"}' http://<ingress-address>/`],
        });
      });
    }
  },
});
