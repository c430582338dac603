import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigDump } from "../../src/envoy/config-dump.js";
import { clusterTable } from "../../src/report/proxy-config-tables.js";
import { servicePortToTarget, type TraceContext } from "../../src/envoy/trace.js";
import { traceRequest } from "../../src/queries/trace.js";
import { loadPaths } from "../../src/sources/files.js";
import { ViewBuilder } from "../../src/view/builder.js";
import { parseKubeDocuments } from "../../src/sources/kube-documents.js";
import { catalogGatewayDump } from "./fixtures/catalog-gateway-dump.js";
import { catalogObjectsYaml } from "./fixtures/catalog-objects.js";

const objects = parseKubeDocuments(catalogObjectsYaml, "catalog.yaml").objects.map((loaded) => loaded.object);
const pods = objects.filter((object) => object.kind === "Pod");
const context: TraceContext = {
  pods,
  services: objects.filter((object) => object.kind === "Service"),
  podsByIp: new Map(pods.map((pod) => [pod.status.podIP as string, pod])),
};
const url = "http://catalog.istioinaction.io/items";

describe("envoy trace (ingress gateway routing to catalog subsets)", () => {
  it("stops at the missing subset clusters and writes the DestinationRule that fixes them", () => {
    const result = traceRequest(new ConfigDump(catalogGatewayDump({ withSubsets: false })), { url, port: 8080 }, context, "deploy/istio-ingressgateway -n istio-system");
    expect(result.steps.map((step) => [step.stage, step.ok])).toEqual([
      ["listener", true],
      ["filter-chain", true],
      ["route-config", true],
      ["virtual-host", true],
      ["route", true],
      ["cluster", false],
    ]);
    expect(result.steps[4]!.summary).toContain("20% outbound|80|version-v1|catalog.istioinaction.svc.cluster.local");
    expect(result.broken?.category).toBe("missing-cluster");
    expect(result.broken?.reason).toContain("sends 20% to outbound|80|version-v1|catalog.istioinaction.svc.cluster.local");
    expect(result.broken?.reason).toContain("no DestinationRule defines subsets version-v1, version-v2");
    expect(result.broken?.fix?.yaml).toBe(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: catalog
  namespace: istioinaction
spec:
  host: catalog.istioinaction.svc.cluster.local
  subsets:
  - name: version-v1
    labels:
      version: v1
  - name: version-v2
    labels:
      version: v2
`);
    expect(result.broken?.verify).toContain("istioctl proxy-config clusters deploy/istio-ingressgateway -n istio-system --fqdn catalog.istioinaction.svc.cluster.local --port 80");
  });

  it("follows the request to healthy endpoints and names the pod behind each once the DestinationRule exists", () => {
    const result = traceRequest(new ConfigDump(catalogGatewayDump({ withSubsets: true, timeout: "0.5s" })), { url, port: 8080 }, context);
    expect(result.broken).toBeUndefined();
    expect(result.timeoutMs).toBe(500);
    const v2 = result.clusters.find((cluster) => cluster.name.includes("version-v2"))!;
    expect(v2.endpoints).toEqual([
      { address: "10.244.0.18:3000", health: "HEALTHY", pod: "istioinaction/catalog-v2-7cc6f578cd-rjrms" },
      { address: "10.244.0.19:3000", health: "HEALTHY", pod: "istioinaction/catalog-v2-7cc6f578cd-5jzdl" },
    ]);
  });

  it("reports a cluster whose endpoints are all unhealthy as UH", () => {
    const result = traceRequest(new ConfigDump(catalogGatewayDump({ withSubsets: true, v2Health: "UNHEALTHY" })), { url, port: 8080 }, context);
    expect(result.broken?.category).toBe("no-healthy-upstream");
    expect(result.broken?.reason).toContain("outbound|80|version-v2|catalog.istioinaction.svc.cluster.local");
  });

  it("reports an unknown host as no virtual host (NR)", () => {
    const result = traceRequest(new ConfigDump(catalogGatewayDump({ withSubsets: true })), { url: "http://webapp.istioinaction.io/", port: 8080 }, context);
    expect(result.broken?.stage).toBe("virtual-host");
    expect(result.broken?.category).toBe("no-route");
  });

  it("reports a port with no listener", () => {
    const result = traceRequest(new ConfigDump(catalogGatewayDump({ withSubsets: true })), { url }, context);
    expect(result.broken?.stage).toBe("listener");
    expect(result.steps[0]!.summary).toContain("no listener on port 80 (listeners on 8080)");
  });

  it("prints the cluster table istioctl shows once the DestinationRule defines the subsets", () => {
    const table = clusterTable(new ConfigDump(catalogGatewayDump({ withSubsets: true })), { fqdn: "catalog.istioinaction.svc.cluster.local", port: 80 });
    expect(table).toBe(
      "SERVICE FQDN                                PORT     SUBSET         DIRECTION     TYPE     DESTINATION RULE\n" +
        "catalog.istioinaction.svc.cluster.local     80       -              outbound      EDS      catalog.istioinaction\n" +
        "catalog.istioinaction.svc.cluster.local     80       version-v1     outbound      EDS      catalog.istioinaction\n" +
        "catalog.istioinaction.svc.cluster.local     80       version-v2     outbound      EDS      catalog.istioinaction\n",
    );
  });

  it("traces through a real sidecar dump's inline route to its cluster", () => {
    const peer = resolve(import.meta.dirname, "../../../shared/peer/istioctl-proxyconfig/proxyconfig__config_dump.json");
    const dump = new ConfigDump(JSON.parse(readFileSync(peer, "utf8")));
    const result = traceRequest(dump, { url: "http://localhost:15021/healthz/ready" });
    expect(result.steps.map((step) => step.stage)).toEqual(["listener", "filter-chain", "route-config", "virtual-host", "route", "cluster", "endpoints"]);
    expect(result.clusters[0]!.name).toBe("agent");
  });
});

describe("envoy trace on a dump read as bytes", () => {
  it("gives the same result as on the parsed dump", () => {
    for (const options of [{ withSubsets: false }, { withSubsets: true }, { withSubsets: true, v2Health: "UNHEALTHY" }]) {
      const json = catalogGatewayDump(options);
      const parsed = traceRequest(new ConfigDump(json), { url, port: 8080 }, context);
      const indexed = traceRequest(ConfigDump.fromBuffer(Buffer.from(JSON.stringify(json, null, 2)))!, { url, port: 8080 }, context);
      expect(indexed.broken).toEqual(parsed.broken);
      expect(indexed.clusters).toEqual(parsed.clusters);
      expect(indexed.steps.map((step) => step.summary)).toEqual(parsed.steps.map((step) => step.summary));
    }
  });
});

describe("envoy trace through the ingress gateway Service", () => {
  // The lab's istio-ingressgateway Service and pod, as `kubectl get svc,pod -o json` gives them (port 80 -> targetPort 8080).
  const builder = new ViewBuilder();
  loadPaths([resolve(import.meta.dirname, "../../examples/lab/namespaces/istio-system")], builder);
  const view = builder.build({ mode: "offline" });
  const gateway = view.kind("Pod").find((pod) => pod.metadata.name?.startsWith("istio-ingressgateway"))!;
  const services = view.kind("Service");

  it("follows the Service's targetPort: port 80 is the gateway pod's 8080", () => {
    expect(servicePortToTarget(gateway, services, 80)).toMatchObject({ servicePort: 80, portName: "http2", targetPort: 8080 });
    expect(servicePortToTarget(gateway, services, 443)?.targetPort).toBe(8443);
    expect(servicePortToTarget(gateway, services, 9999)).toBeUndefined();
    const result = traceRequest(new ConfigDump(catalogGatewayDump({ withSubsets: true })), { url }, { ...context, proxyPod: gateway, services }, "deploy/istio-ingressgateway -n istio-system");
    expect(result.steps[0]).toMatchObject({ stage: "service", ok: true, summary: `Service istio-system/istio-ingressgateway port 80 (http2) -> targetPort 8080 on ${gateway.metadata.name}` });
    expect(result.steps[1]).toMatchObject({ stage: "listener", ok: true });
    expect(result.request.port).toBe(8080);
  });

  it("an explicit --port is the listener port, never remapped", () => {
    const result = traceRequest(new ConfigDump(catalogGatewayDump({ withSubsets: true })), { url, port: 80 }, { ...context, proxyPod: gateway, services }, "deploy/istio-ingressgateway -n istio-system");
    expect(result.steps[0]).toMatchObject({ stage: "listener", ok: false });
  });
});

