// A stand-in for one Istio proxy's Envoy admin port (15000): it serves
// recorded admin responses, bound to this machine's non-loopback address so the
// real kube-apiserver's pod proxy (which refuses loopback pod IPs) can reach it.
import { readFileSync } from "node:fs";
import http from "node:http";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";

const PEER = join(import.meta.dirname, "../../../shared/peer/istioctl-proxyconfig");

/** The first IPv4 address that is not loopback: the pod IP the API server dials. */
export function routableAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === "IPv4" && !address.internal) return address.address;
  }
  throw new Error("no non-loopback IPv4 address on this machine: the API server's pod proxy cannot reach a local server");
}

/**
 * /clusters?format=json for the recorded dump: one host_status per EDS
 * endpoint of writer__endpoint__configdump.json, with its health; the first
 * outbound host is marked ejected by outlier detection.
 */
export function clustersFromDump(): unknown {
  const dump = JSON.parse(readFileSync(join(PEER, "writer__endpoint__configdump.json"), "utf8")) as { configs: Array<Record<string, unknown>> };
  const endpoints = dump.configs.find((config) => String(config["@type"]).endsWith("EndpointsConfigDump")) as Record<string, Array<{ endpoint_config: Record<string, unknown> }>>;
  const assignments = [...(endpoints.static_endpoint_configs ?? []), ...(endpoints.dynamic_endpoint_configs ?? [])].map((entry) => entry.endpoint_config);
  let ejected = false;
  return {
    cluster_statuses: assignments.map((assignment) => ({
      name: assignment.cluster_name,
      added_via_api: String(assignment.cluster_name).includes("|"),
      host_statuses: ((assignment.endpoints as Array<{ lb_endpoints?: Array<Record<string, Record<string, unknown>>> }> | undefined) ?? []).flatMap((group) =>
        (group.lb_endpoints ?? []).map((lb) => {
          const failed = !ejected && String(assignment.cluster_name).startsWith("outbound|");
          if (failed) ejected = true;
          return {
            address: lb.endpoint!.address,
            stats: [{ name: "cx_connect_fail", value: failed ? "7" : "0" }, { name: "rq_success", value: "112" }],
            health_status: { eds_health_status: lb.health_status ?? "HEALTHY", ...(failed ? { failed_outlier_check: true } : {}) },
            weight: 1,
            locality: {},
          };
        }),
      ),
    })),
  };
}

/** Envoy 1.35 (Istio 1.27) /server_info as it answers for a sidecar started by pilot-agent. */
const SERVER_INFO = {
  version: "6a5f1c7e0d2b9f4a3c8e1d7b5a0f2c4e6d8b1a3f/1.35.3/Clean/RELEASE/BoringSSL",
  state: "LIVE",
  hot_restart_version: "disabled",
  command_line_options: {
    base_id: "0",
    concurrency: 2,
    config_path: "etc/istio/proxy/envoy-rev.json",
    log_level: "warning",
    component_log_level: "misc:error",
    log_format: "%Y-%m-%dT%T.%fZ\t%l\tenvoy %n %g:%#\t%v\tthread=%t",
    service_cluster: "istio-proxy",
    service_node: "",
    drain_time: "45s",
    parent_shutdown_time: "60s",
    mode: "Serve",
    disable_hot_restart: true,
  },
  uptime_current_epoch: "5790s",
  uptime_all_epochs: "5790s",
  node: { id: "sidecar~10.244.0.17~catalog-5899bbc954-xnq22.istioinaction~istioinaction.svc.cluster.local", cluster: "catalog.istioinaction" },
};

const STATS = [
  "cluster.outbound|80||catalog.istioinaction.svc.cluster.local.outlier_detection.ejections_active: 1",
  "cluster.outbound|80||catalog.istioinaction.svc.cluster.local.upstream_cx_connect_fail: 7",
  "cluster_manager.cds.update_rejected: 0",
  "listener_manager.lds.update_rejected: 2",
  "server.state: 0",
  "server.uptime: 5790",
  "",
].join("\n");

/** istiod 1.24 /debug/syncz: one proxy in sync, one whose listener update Envoy rejected. */
const SYNCZ = [
  {
    cluster_id: "Kubernetes",
    proxy: "catalog-5899bbc954-xnq22.istioinaction",
    proxy_type: "sidecar",
    istio_version: "1.24.2",
    cluster_sent: "2025-01-12T08:14:01Z/41",
    cluster_acked: "2025-01-12T08:14:01Z/41",
    listener_sent: "2025-01-12T08:14:01Z/41",
    listener_acked: "2025-01-12T08:14:01Z/41",
    resources: {
      "type.googleapis.com/envoy.config.cluster.v3.Cluster": { sent: "2025-01-12T08:14:01Z/41", acked: "2025-01-12T08:14:01Z/41", sentTime: "2025-01-12T08:14:01.118Z" },
      "type.googleapis.com/envoy.config.listener.v3.Listener": { sent: "2025-01-12T08:14:01Z/41", acked: "2025-01-12T08:14:01Z/41", sentTime: "2025-01-12T08:14:01.120Z" },
    },
  },
  {
    cluster_id: "Kubernetes",
    proxy: "catalog-v2-7cc6f578cd-rjrms.istioinaction",
    proxy_type: "sidecar",
    istio_version: "1.24.2",
    resources: {
      "type.googleapis.com/envoy.config.cluster.v3.Cluster": { sent: "2025-01-12T08:14:01Z/41", acked: "2025-01-12T08:14:01Z/41", sentTime: "2025-01-12T08:14:01.118Z" },
      "type.googleapis.com/envoy.config.listener.v3.Listener": { sent: "2025-01-12T08:14:01Z/41", acked: "2025-01-12T08:13:30Z/40", sentTime: "2025-01-12T08:14:01.120Z", lastError: "Error adding/updating listener(s) 0.0.0.0_3000: duplicate listener 0.0.0.0_3000 found" },
    },
  },
];

export interface AdminServer {
  address: string;
  port: number;
  /** Paths (with query) the API server asked for. */
  requests: string[];
  close(): Promise<void>;
}

/** `configDump`: what /config_dump answers (by default the recorded sidecar dump of the istioctl proxy-config tests). */
export async function startEnvoyAdmin(options: { configDump?: string } = {}): Promise<AdminServer> {
  const requests: string[] = [];
  const configDump = options.configDump ?? readFileSync(join(PEER, "proxyconfig__config_dump.json"));
  const clusters = JSON.stringify(clustersFromDump());
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const url = new URL(request.url ?? "/", "http://envoy");
    const send = (status: number, type: string, body: string | Buffer) => {
      response.writeHead(status, { "Content-Type": type });
      response.end(body);
    };
    if (url.pathname === "/config_dump") return send(200, "application/json", configDump);
    if (url.pathname === "/clusters") return url.searchParams.get("format") === "json" ? send(200, "application/json", clusters) : send(200, "text/plain", "");
    if (url.pathname === "/server_info") return send(200, "application/json", JSON.stringify(SERVER_INFO, null, 2));
    if (url.pathname === "/stats") return send(200, "text/plain; charset=UTF-8", STATS);
    // Envoy's /logging mutates server state: a GET is refused (admin.cc, mutates_server_state).
    if (url.pathname === "/logging") return request.method === "POST" ? send(200, "text/plain", "active loggers:\n  admin: warning\n") : send(405, "text/plain", `Method ${request.method} not allowed, POST required.`);
    // istiod's monitoring port serves /debug/syncz; the same server stands in for it behind the istiod Service.
    if (url.pathname === "/debug/syncz") return send(200, "application/json", JSON.stringify(SYNCZ, null, 4));
    send(404, "text/plain", "invalid path. admin commands are:\n");
  });
  const address = routableAddress();
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  return {
    address,
    port: (server.address() as AddressInfo).port,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
