import { describe, expect, it } from "vitest";
import { parseProxyStatus } from "../../src/envoy/proxy-status.js";

describe("proxy-status parsing", () => {
  it("reads the 1.27+ SUBSCRIBED TYPES layout, aligned as istioctl prints it", () => {
    const table = parseProxyStatus(`NAME       CLUSTER      ISTIOD      VERSION     SUBSCRIBED TYPES
proxy1     cluster1     istiod1     1.20        5 (CDS,LDS,EDS,RDS,ECDS)
proxy4     cluster4     istiod4     1.20        0
`);
    expect(table.layout).toBe("subscribed");
    expect(table.rows.map((row) => [row.proxy, row.cluster, row.istiod, row.version, row.subscribed])).toEqual([
      ["proxy1", "cluster1", "istiod1", "1.20", ["CDS", "LDS", "EDS", "RDS", "ECDS"]],
      ["proxy4", "cluster4", "istiod4", "1.20", []],
    ]);
  });

  it("reads per-type columns with ages and NOT SENT, and the pre-1.22 note", () => {
    const table = parseProxyStatus(`NAME                                 CLUSTER        CDS                LDS                EDS          RDS                          ISTIOD                   VERSION
details-v1-7d4d9d5fcb-5lz7p.bookinfo     Kubernetes     SYNCED (4m)        SYNCED (4m)        NOT SENT     STALE (Never Acknowledged)     istiod-5c4f7b8d9-q7xkd     1.21.2
`);
    const row = table.rows[0]!;
    expect(row.pod).toBe("details-v1-7d4d9d5fcb-5lz7p");
    expect(row.namespace).toBe("bookinfo");
    expect(row.types).toEqual({ CDS: { state: "SYNCED", note: "4m" }, LDS: { state: "SYNCED", note: "4m" }, EDS: { state: "NOT SENT" }, RDS: { state: "STALE", note: "Never Acknowledged" } });
    expect(row.version).toBe("1.21.2");
  });

  it("says which line is not a proxy-status row", () => {
    const table = parseProxyStatus("NAME CLUSTER ISTIOD VERSION SUBSCRIBED TYPES\nproxy1 cluster1 istiod1 1.27.0 four (CDS)\n");
    expect(table.problems).toEqual([{ line: 2, message: 'SUBSCRIBED TYPES "four (CDS)" is not "N (TYPES)"' }]);
  });

  it("reads the older /debug/syncz list with sent/acked nonces", () => {
    const table = parseProxyStatus(JSON.stringify([{ cluster_id: "Kubernetes", proxy: "productpage-v1-6b746f74dc-9stvs.default", istio_version: "1.10.0", cluster_sent: "LNG5eJyA2Rg=", cluster_acked: "LNG5eJyA2Rg=", listener_sent: "Kx9bFfF0mTs=", listener_acked: "", route_sent: "", route_acked: "" }]));
    expect(table.rows[0]!.types).toMatchObject({ CDS: { state: "SYNCED" }, LDS: { state: "STALE", note: "Never Acknowledged" }, RDS: { state: "NOT SENT" } });
  });

  it("reads istiod 1.22+ /debug/syncz with per-type-URL resources, ERROR from lastError", () => {
    const table = parseProxyStatus(JSON.stringify([{ cluster_id: "Kubernetes", proxy: "ratings-v1-f745cf57b-qrxl2.bookinfo", proxy_type: "sidecar", istio_version: "1.23.0", resources: {
      "type.googleapis.com/envoy.config.cluster.v3.Cluster": { sent: "n2", acked: "n2", sentTime: "2024-09-02T10:00:00Z" },
      "type.googleapis.com/envoy.config.route.v3.RouteConfiguration": { sent: "n3", acked: "n2", sentTime: "2024-09-02T10:00:00Z" },
      "type.googleapis.com/envoy.config.listener.v3.Listener": { sent: "n3", acked: "n2", lastError: "duplicate listener 0.0.0.0_9080 found" },
    } }]));
    expect(table.layout).toBe("syncz");
    expect(table.rows[0]!.types).toEqual({ CDS: { state: "SYNCED" }, RDS: { state: "STALE" }, LDS: { state: "ERROR", note: "duplicate listener 0.0.0.0_9080 found" } });
    expect(table.rows[0]!.version).toBe("1.23.0");
  });

  it("reads the istioctl 1.4 layout with its PILOT column", () => {
    const table = parseProxyStatus(`NAME                                                   CDS        LDS        EDS               RDS          PILOT                            VERSION
details-v1-c5b5f496d-7thfn.default                     SYNCED     SYNCED     SYNCED (50%)      SYNCED       istio-pilot-75bdf98789-n2kqh     1.4.0
`);
    expect(table.rows[0]).toMatchObject({ pod: "details-v1-c5b5f496d-7thfn", istiod: "istio-pilot-75bdf98789-n2kqh", version: "1.4.0", types: { EDS: { state: "SYNCED", note: "50%" } } });
  });

  it("reads -o json in snake_case as well as protojson camelCase", () => {
    const table = parseProxyStatus(JSON.stringify({ resources: [{ node: { id: "a.b" }, generic_xds_configs: [{ type_url: "type.googleapis.com/envoy.config.cluster.v3.Cluster", config_status: "STALE" }] }] }));
    expect(table.layout).toBe("json");
    expect(table.rows[0]!.types).toEqual({ CDS: { state: "STALE" } });
  });
});
