import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { arrayOf, recordOf, refOf } from "../../k8s/objects.js";

export const serviceEntryAddressesRequired = defineRule({
  id: "istio/serviceentry-addresses-required",
  category: "outbound-traffic-blocked",
  severity: "warning",
  title: "TCP ServiceEntry without addresses",
  docs: {
    cause: "A ServiceEntry port is TCP (or has no protocol) and the entry has no `addresses`. TCP traffic is matched by destination IP, so without a virtual IP (and without DNS auto-allocation) the sidecar cannot tell this host's traffic apart and it falls through to PassthroughCluster or BlackHoleCluster.",
    fix: "Add `addresses` (the external IPs or a virtual IP), set the port protocol (HTTP/HTTPS/TLS), or turn on DNS auto-allocation (ISTIO_META_DNS_CAPTURE and ISTIO_META_DNS_AUTO_ALLOCATE in proxyMetadata).",
    verify: ["istioctl analyze -n <namespace>", "istioctl proxy-config listeners deploy/<client> --port <port>"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0134/"],
  },
  equivalents: ["IST0134"],
  inputs: ["istio", "mesh-config"],
  reads: ["EndpointSlice", "Endpoints", "Service", "ServiceEntry", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "tcp-without-addresses": "{resource} port {port} is {protocol} and the entry has no addresses",
    "no-protocol-without-addresses": "{resource} port {port} is without protocol (TCP) and the entry has no addresses",
  },
  analyze(ctx) {
    const { view } = ctx;
    const metadata = recordOf(view.meshConfig?.defaultConfig?.proxyMetadata);
    if (String(metadata?.ISTIO_META_DNS_AUTO_ALLOCATE ?? "").toLowerCase() === "true") return;
    for (const entry of view.kind("ServiceEntry")) {
      const spec = recordOf(entry.spec) ?? {};
      if (arrayOf(spec.addresses).length > 0) continue;
      if (arrayOf(recordOf(entry.status)?.addresses).length > 0) continue;
      const ports = arrayOf<Record<string, unknown>>(spec.ports).filter((port) => recordOf(port) !== undefined);
      const index = ports.findIndex((port) => {
        const protocol = typeof port?.protocol === "string" ? port.protocol.toUpperCase() : "";
        return protocol === "" || protocol === "TCP";
      });
      if (index < 0) continue;
      const port = ports[index]!;
      reportIstio(this, ctx, {
        object: entry,
        code: "IST0134",
        path: ["spec", "ports", arrayOf(spec.ports).indexOf(port), port.protocol === undefined ? "number" : "protocol"],
        message: port.protocol ? "tcp-without-addresses" : "no-protocol-without-addresses",
        data: { resource: refOf(entry), port: String(port.number ?? ""), ...(port.protocol ? { protocol: String(port.protocol) } : {}) },
        cause: "TCP listeners match on destination IP; with no address the sidecar cannot route this host's TCP traffic to it.",
        fix: {
          description: port.number === 443 ? "Declare the port as TLS/HTTPS, or add addresses." : "Add the IPs (or a virtual IP) of the external host, or declare the protocol.",
          yaml: { before: yamlOf({ spec: { ports: [port] } }), after: yamlOf({ spec: { addresses: ["<ip-or-cidr>"], ports: [{ ...port, protocol: port.number === 443 ? "TLS" : "TCP" }] } }), target: refOf(entry) },
          commands: [kubectl("edit", entry)],
        },
        verify: [analyzeCommand(entry)],
      });
    }
  },
});
