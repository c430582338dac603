import { describe, expect, it } from "vitest";
import { buildView } from "../helpers/rule-tester.js";
import { accessLineParser, destinationOf, isRegistryOnlyBlock } from "../../src/envoy/access-log/entries.js";

const parseAccessEntry = accessLineParser();
import { proxyConfigProblems, sidecarAnnotationProblems } from "../../src/istio/annotation-values.js";
import { isProductionNamespace } from "../../src/k8s/environment.js";
import { outboundPolicy } from "../../src/istio/mesh-config.js";
import { parseQuantity } from "../../src/k8s/quantities.js";
import { labelSelectorMatches } from "../../src/k8s/selectors.js";

describe("mesh helpers", () => {
  it("parses Istio's default text access log format", () => {
    const entry = parseAccessEntry('[2025-10-23T05:12:31.482Z] "- - -" 0 UH - - "-" 0 0 0 - "-" "-" "-" "-" "-" BlackHoleCluster - 140.82.112.6:443 10.42.0.9:51234 api.github.com -');
    expect(entry).toMatchObject({ responseCode: 0, responseFlags: "UH", upstreamCluster: "BlackHoleCluster", downstreamLocalAddress: "140.82.112.6:443", downstreamRemoteAddress: "10.42.0.9:51234", requestedServerName: "api.github.com" });
    expect(destinationOf(entry!)).toEqual({ host: "api.github.com", port: 443 });
    expect(isRegistryOnlyBlock(entry!)).toBe(true);
    expect(parseAccessEntry("2025-10-23T05:12:00.000000Z\tinfo\tEnvoy proxy is ready")).toBeUndefined();
  });

  it("parses JSON access log entries", () => {
    const entry = parseAccessEntry('{"start_time":"2025-10-23T05:12:40.118Z","method":"GET","path":"/","protocol":"HTTP/1.1","response_code":502,"response_flags":"-","response_code_details":"direct_response","authority":"httpbin.org","upstream_cluster":"-","route_name":"block_all"}');
    expect(entry?.routeName).toBe("block_all");
    expect(isRegistryOnlyBlock(entry!)).toBe(true);
  });

  it("finds unknown and malformed sidecar annotations, with a suggestion", () => {
    const problems = sidecarAnnotationProblems({ "sidecar.istio.io/proxyCpu": "100m", "sidecar.istio.io/proxyMemory": "lots", "sidecar.istio.io/inject": "true", "app.kubernetes.io/name": "x" });
    expect(problems.map((problem) => [problem.key, problem.unknown, problem.suggestion])).toEqual([
      ["sidecar.istio.io/proxyCpu", true, "sidecar.istio.io/proxyCPU"],
      ["sidecar.istio.io/proxyMemory", false, undefined],
    ]);
  });

  it("checks ProxyConfig fields and types", () => {
    expect(proxyConfigProblems({ holdApplicationUntilProxyStarts: true, concurrency: 2, proxyMetadata: { ISTIO_META_DNS_CAPTURE: "true" } })).toEqual([]);
    expect(proxyConfigProblems({ holdApplicationUntilProxyStarts: "yes", proxyMetadata: { ISTIO_META_DNS_CAPTURE: true } })).toHaveLength(2);
  });

  it("parses Kubernetes quantities", () => {
    expect(parseQuantity("128Mi")).toBe(128 * 1024 * 1024);
    expect(parseQuantity("100m")).toBeCloseTo(0.1);
    expect(parseQuantity("2")).toBe(2);
    expect(parseQuantity("1 core")).toBeUndefined();
  });

  it("matches label selectors with expressions", () => {
    expect(labelSelectorMatches({ matchExpressions: [{ key: "istio-injection", operator: "DoesNotExist" }] }, { app: "x" }, { absent: "everything" })).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "sidecar.istio.io/inject", operator: "NotIn", values: ["false"] }] }, { "sidecar.istio.io/inject": "false" }, { absent: "everything" })).toBe(false);
    expect(labelSelectorMatches({}, {}, { absent: "everything" })).toBe(true);
  });

  it("tells production namespaces by name or label", () => {
    const view = buildView({ name: "ns", files: { "ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n  labels:\n    env: prod\n" } });
    expect(isProductionNamespace(view, "payments")).toBe(true);
    expect(isProductionNamespace(view, "shop-prod")).toBe(true);
    expect(isProductionNamespace(view, "shop-dev")).toBe(false);
    expect(isProductionNamespace(view, "product-catalog")).toBe(false);
  });

  it("reads outboundTrafficPolicy from the istio ConfigMap, ALLOW_ANY when unset", () => {
    const cm = (mesh: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |-\n${mesh.split("\n").map((line) => `    ${line}`).join("\n")}\n`;
    expect(outboundPolicy(buildView({ name: "a", files: { "cm.yaml": cm("rootNamespace: istio-system") } }))).toMatchObject({ mode: "ALLOW_ANY", explicit: false });
    expect(outboundPolicy(buildView({ name: "b", files: { "cm.yaml": cm("outboundTrafficPolicy:\n  mode: REGISTRY_ONLY") } }))).toMatchObject({ mode: "REGISTRY_ONLY", explicit: true, source: { path: "cm.yaml" } });
    expect(outboundPolicy(buildView({ name: "c", files: {} }))).toBeUndefined();
  });
});
