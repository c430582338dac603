import { describe, expect, it } from "vitest";
import { liveEndpointRows, logLevelCommands, notableStats, parseAdminClusters, parseAdminStats, parseLogLevels, parseServerInfo } from "../../src/envoy/admin.js";
import { liveEndpointTable } from "../../src/report/proxy-config-tables.js";

/** /clusters?format=json as Envoy 1.35 prints it (envoy.admin.v3.Clusters), for the ingress gateway and catalog endpoints. */
const clusters = JSON.stringify({
  cluster_statuses: [
    {
      name: "outbound|80|version-v1|catalog.istioinaction.svc.cluster.local",
      added_via_api: true,
      host_statuses: [
        { address: { socket_address: { address: "10.244.0.17", port_value: 3000 } }, stats: [{ name: "cx_connect_fail" }, { value: "3", name: "rq_success" }], health_status: { eds_health_status: "HEALTHY" }, weight: 1, locality: {} },
        { address: { socket_address: { address: "10.244.0.21", port_value: 3000 } }, stats: [{ value: "9", name: "cx_connect_fail" }], health_status: { failed_outlier_check: true, eds_health_status: "HEALTHY" }, weight: 1, locality: {} },
      ],
    },
    { name: "sds-grpc", host_statuses: [{ address: { pipe: { path: "./var/run/secrets/workload-spiffe-uds/socket" } }, health_status: { eds_health_status: "HEALTHY" } }] },
    { name: "BlackHoleCluster" },
  ],
});

describe("Envoy admin endpoints", () => {
  it("prints istioctl's live endpoint table with OUTLIER CHECK from health_status.failed_outlier_check", () => {
    const hosts = parseAdminClusters(clusters);
    expect(liveEndpointTable(liveEndpointRows(hosts))).toBe(
      [
        "ENDPOINT                                                STATUS      OUTLIER CHECK     CLUSTER",
        "10.244.0.17:3000                                        HEALTHY     OK                outbound|80|version-v1|catalog.istioinaction.svc.cluster.local",
        "10.244.0.21:3000                                        HEALTHY     FAILED            outbound|80|version-v1|catalog.istioinaction.svc.cluster.local",
        "unix://./var/run/secrets/workload-spiffe-uds/socket     HEALTHY     OK                sds-grpc",
        "",
      ].join("\n"),
    );
    expect(liveEndpointTable(liveEndpointRows(hosts, { cluster: "sds-grpc" })).split("\n")).toHaveLength(3);
  });

  it("says when /clusters was read without ?format=json", () => {
    expect(() => parseAdminClusters("outbound|80||a.b.svc.cluster.local::10.244.0.17:3000::health_flags::healthy\n")).toThrow("?format=json");
  });

  it("picks NACKs, ejections and connect failures out of /stats", () => {
    const stats = parseAdminStats("cluster_manager.cds.update_rejected: 0\nlistener_manager.lds.update_rejected: 3\ncluster.outbound|80||catalog.istioinaction.svc.cluster.local.outlier_detection.ejections_active: 1\nserver.state: 0\ncluster.x.upstream_rq_time: P0(nan,1.0) P25(nan,1.025)\n");
    expect(stats.size).toBe(4);
    expect(notableStats(stats).map((item) => item.name)).toEqual(["listener_manager.lds.update_rejected", "cluster.outbound|80||catalog.istioinaction.svc.cluster.local.outlier_detection.ejections_active"]);
  });

  it("reads server_info's startup log levels and the /logging listing", () => {
    expect(parseServerInfo(JSON.stringify({ version: "abc/1.35.3/Clean/RELEASE/BoringSSL", state: "LIVE", command_line_options: { log_level: "warning", component_log_level: "misc:error" }, uptime_current_epoch: "5790s" }))).toEqual({ version: "abc/1.35.3/Clean/RELEASE/BoringSSL", state: "LIVE", uptime: "5790s", logLevel: "warning", componentLogLevel: "misc:error" });
    // istioctl proxy-config log output of the ingress gateway (Istio 1.27), as the admin endpoint prints it.
    const levels = parseLogLevels("active loggers:\n  admin: warning\n  connection: warning\n  http: warning\n  router: debug\n");
    expect(Object.fromEntries(levels)).toEqual({ admin: "warning", connection: "warning", http: "warning", router: "debug" });
  });

  it("changing a level is printed as commands", () => {
    expect(logLevelCommands("istio-ingressgateway-74df47f5f9-nv65v", "istio-system", "debug")).toEqual([
      "istioctl proxy-config log istio-ingressgateway-74df47f5f9-nv65v -n istio-system --level debug",
      "kubectl exec istio-ingressgateway-74df47f5f9-nv65v -n istio-system -c istio-proxy -- pilot-agent request POST 'logging?level=debug'",
    ]);
  });
});
