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
});
