import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runRules } from "../../../src/engine/engine.js";
import { buildLintInput } from "../../../src/sources/lint-input.js";
import { meshNetworksUnknownRegistry } from "../../../src/rules/istio/mesh-networks-unknown-registry.js";
import { testRule } from "../../helpers/rule-tester.js";

/** The istio ConfigMap carries MeshNetworks under data.meshNetworks. */
const istioConfigMap = (registry: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
data:
  mesh: |-
    defaultConfig:
      discoveryAddress: istiod.istio-system.svc:15012
  meshNetworks: |-
    networks:
      network1:
        endpoints:
        - fromRegistry: Kubernetes
        gateways:
        - registryServiceName: istio-eastwestgateway.istio-system.svc.cluster.local
          port: 15443
      network2:
        endpoints:
        - fromRegistry: ${registry}
        gateways:
        - address: 203.0.113.10
          port: 15443
---
apiVersion: v1
kind: Secret
metadata:
  name: istio-remote-secret-cluster2
  namespace: istio-system
  labels:
    istio/multiCluster: "true"
type: Opaque
stringData:
  cluster2: |
    apiVersion: v1
    kind: Config
`;

testRule(meshNetworksUnknownRegistry, {
  valid: [{ name: "remote cluster registered by its secret", files: { "istio.yaml": istioConfigMap("cluster2") } }],
  invalid: [{ name: "registry name that no remote secret provides", files: { "istio.yaml": istioConfigMap("cluster-2") }, expect: { severity: "error", resource: { kind: "MeshNetworks", name: "meshnetworks" }, summary: /network2 takes endpoints from registry "cluster-2"/, equivalents: ["IST0126"] } }],
});

describe("MeshNetworks given as a file of its own", () => {
  it("points the finding at the fromRegistry line of that file", () => {
    const dir = mkdtempSync(join(tmpdir(), "ktriage-meshnetworks-"));
    try {
      const file = join(dir, "meshnetworks.yaml");
      writeFileSync(file, "networks:\n  network1:\n    endpoints:\n    - fromRegistry: Kubernetes\n  network2:\n    endpoints:\n    - fromRegistry: cluster-east\n    gateways:\n    - address: 203.0.113.10\n      port: 15443\n");
      const { view } = buildLintInput({ paths: [], meshNetworksFile: file });
      const [finding, ...rest] = runRules([meshNetworksUnknownRegistry], view, { scope: "lint" }).findings;
      expect(rest).toEqual([]);
      expect(finding!.resource).toMatchObject({ kind: "MeshNetworks", file, line: 7 });
      expect(finding!.evidence[0]).toMatchObject({ path: file, line: 7 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
