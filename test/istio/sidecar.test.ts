import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/model/kube.js";
import { hasSidecar, hasSidecarOrInjectionStatus } from "../../src/istio/sidecar.js";

function pod(containers: string[], initContainers: string[], annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "api", namespace: "shop", ...(annotations ? { annotations } : {}) },
    spec: { containers: containers.map((name) => ({ name })), initContainers: initContainers.map((name) => ({ name })) },
  } as KubeObject;
}

describe("a pod's sidecar", () => {
  const status = { "sidecar.istio.io/status": '{"containers":["istio-proxy"],"revision":"default"}' };
  it("is an istio-proxy container, regular or native", () => {
    expect(hasSidecar(pod(["app", "istio-proxy"], []))).toBe(true);
    expect(hasSidecar(pod(["app"], ["istio-proxy"]))).toBe(true);
    expect(hasSidecar(pod(["app"], ["istio-init"]))).toBe(false);
  });
  it("the injector's status annotation alone is not a sidecar, but counts as marked by the injector", () => {
    expect(hasSidecar(pod(["app"], [], status))).toBe(false);
    expect(hasSidecarOrInjectionStatus(pod(["app"], [], status))).toBe(true);
    expect(hasSidecarOrInjectionStatus(pod(["app", "istio-proxy"], []))).toBe(true);
    expect(hasSidecarOrInjectionStatus(pod(["app"], [], { "sidecar.istio.io/status": "" }))).toBe(false);
    expect(hasSidecarOrInjectionStatus(pod(["app"], []))).toBe(false);
  });
});
