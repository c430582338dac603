/** proxy-status outputs as istioctl and istiod print them, shared by the proxy-status rules' tests. */

/** The istioinaction catalog mesh (Istio in Action, ch. 10) as istioctl 1.27 prints it, columns collapsed to single spaces. */
export const catalogMesh127 = `NAME CLUSTER ISTIOD VERSION SUBSCRIBED TYPES
catalog-5899bbc954-xnq22.istioinaction Kubernetes istiod-85798b5866-8ptm6 1.27.0 4 (CDS,LDS,EDS,RDS)
catalog-primary-658c756d7f-kv52g.istioinaction Kubernetes istiod-85798b5866-8ptm6 1.27.0 4 (CDS,LDS,EDS,RDS)
catalog-v2-7cc6f578cd-5jzdl.istioinaction Kubernetes istiod-85798b5866-8ptm6 1.27.0 4 (CDS,LDS,EDS,RDS)
catalog-v2-7cc6f578cd-rjrms.istioinaction Kubernetes istiod-85798b5866-8ptm6 1.27.0 4 (CDS,LDS,EDS,RDS)
istio-egressgateway-559bd55945-nspdv.istio-system Kubernetes istiod-85798b5866-8ptm6 1.27.0 3 (CDS,LDS,EDS)
istio-ingressgateway-74df47f5f9-nv65v.istio-system Kubernetes istiod-85798b5866-8ptm6 1.27.0 4 (CDS,LDS,EDS,RDS)
`;

/** istioctl 1.24 (per-type columns, ages since 1.23), aligned by its tabwriter. */
export const perType124 = `NAME                                              CLUSTER        CDS                LDS                EDS                RDS                ECDS         ISTIOD                      VERSION
catalog-5899bbc954-xnq22.istioinaction            Kubernetes     SYNCED (2m3s)      SYNCED (2m3s)      SYNCED (2m3s)      SYNCED (2m3s)      NOT SENT     istiod-7d4f9c7b6d-2xk8q     1.24.2
catalog-v2-7cc6f578cd-5jzdl.istioinaction         Kubernetes     STALE (14m)        SYNCED (14m)       STALE (14m)        SYNCED (14m)       NOT SENT     istiod-7d4f9c7b6d-2xk8q     1.24.2
istio-ingressgateway-74df47f5f9-nv65v.istio-system     Kubernetes     SYNCED (2m3s)      SYNCED (2m3s)      SYNCED (2m3s)      NOT SENT     NOT SENT     istiod-7d4f9c7b6d-2xk8q     1.22.1
`;

/** istioctl 1.27 -v: one column per type, alphabetical. */
export const verbose127 = `NAME       CLUSTER      CDS       ECDS       EDS        LDS        RDS          ISTIOD      VERSION
proxy1.default     cluster1     STALE     SYNCED     SYNCED     SYNCED     NOT SENT     istiod1     1.27.0
`;

/** istioctl 1.27 as its own test data prints it (istioctl/pkg/writer/pilot/testdata): a proxy with no subscription, and a ztunnel. */
export const subscribed127 = `NAME                                   CLUSTER      ISTIOD                      VERSION     SUBSCRIBED TYPES
catalog-5899bbc954-xnq22.istioinaction     Kubernetes     istiod-85798b5866-8ptm6     1.27.0      4 (CDS,LDS,EDS,RDS)
orders-6c9f8d7b5-4xkzq.shop                Kubernetes     istiod-85798b5866-8ptm6     1.27.0      0
ztunnel-7xk2p.istio-system                 Kubernetes     istiod-85798b5866-8ptm6     1.27.0      2 (WADS,WDS)
`;

/** istioctl 1.30 proxy-status -o json: a proxy whose CDS push was rejected (ERROR). */
export const json130 = JSON.stringify({
  versionInfo: "1.30.0",
  resources: [
    {
      "@type": "type.googleapis.com/envoy.service.status.v3.ClientConfig",
      node: { id: "ratings-v1-f745cf57b-qrxl2.bookinfo", metadata: { CLUSTER_ID: "Kubernetes", ISTIO_VERSION: "1.28.1" } },
      genericXdsConfigs: [
        { typeUrl: "type.googleapis.com/envoy.config.cluster.v3.Cluster", configStatus: "ERROR" },
        { typeUrl: "type.googleapis.com/envoy.config.listener.v3.Listener", configStatus: "SYNCED" },
      ],
    },
  ],
  typeUrl: "type.googleapis.com/envoy.service.status.v3.ClientConfig",
  controlPlane: { identifier: '{"Component":"istiod","ID":"istiod-6b9c8d7f5-wq2lp","Info":{"version":"1.30.0","revision":"","golang_version":"","status":"","tag":""}}' },
}, null, 4);

/** istiod 1.24 /debug/syncz: per type URL, with the NACK in lastError. */
export const syncz124 = JSON.stringify([
  {
    cluster_id: "Kubernetes",
    proxy: "reviews-v2-5b667bcbf8-hq7ns.bookinfo",
    proxy_type: "sidecar",
    istio_version: "1.24.2",
    cluster_sent: "2025-01-12T08:14:01Z/41",
    cluster_acked: "2025-01-12T08:14:01Z/41",
    listener_sent: "2025-01-12T08:14:01Z/41",
    listener_acked: "2025-01-12T08:13:30Z/40",
    resources: {
      "type.googleapis.com/envoy.config.cluster.v3.Cluster": { sent: "2025-01-12T08:14:01Z/41", acked: "2025-01-12T08:14:01Z/41", sentTime: "2025-01-12T08:14:01.118Z" },
      "type.googleapis.com/envoy.config.listener.v3.Listener": {
        sent: "2025-01-12T08:14:01Z/41",
        acked: "2025-01-12T08:13:30Z/40",
        sentTime: "2025-01-12T08:14:01.120Z",
        lastError: "Error adding/updating listener(s) 0.0.0.0_9080: duplicate listener 0.0.0.0_9080 found",
      },
    },
  },
], null, 4);
