import { describe, expect, it } from "vitest";
import { buildView } from "../helpers/rule-tester.js";
import { registryOf } from "../../src/istio/registry.js";

const orders = "apiVersion: v1\nkind: Service\nmetadata:\n  name: orders\n  namespace: shop\nspec:\n  ports:\n  - port: 80\n";
const privateLedger = "apiVersion: v1\nkind: Service\nmetadata:\n  name: ledger\n  namespace: billing\n  annotations:\n    networking.istio.io/exportTo: \".\"\nspec:\n  ports:\n  - port: 8080\n";
const github = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: github\n  namespace: shop\nspec:\n  hosts:\n  - api.github.com\n  - \"*.githubusercontent.com\"\n  exportTo:\n  - .\n  location: MESH_EXTERNAL\n  ports:\n  - number: 443\n    name: https\n    protocol: TLS\n  resolution: DNS\n";
const view = () => buildView({ name: "hosts", files: { "orders.yaml": orders, "ledger.yaml": privateLedger, "se.yaml": github } });
const names = (entries: ReturnType<ReturnType<typeof registryOf>["forClient"]>) => entries.map((entry) => `${entry.object.kind}/${entry.object.metadata.name}`);

describe("host resolution for a pod's requests", () => {
  it("expands names with the pod's DNS search path", () => {
    const registry = registryOf(view());
    for (const sidecar of [false, true]) {
      expect(names(registry.forClient("orders", "shop", { sidecar }))).toEqual(["Service/orders"]);
      expect(names(registry.forClient("orders.shop", "legacy", { sidecar }))).toEqual(["Service/orders"]);
      expect(names(registry.forClient("orders.shop.svc", "legacy", { sidecar }))).toEqual(["Service/orders"]);
      expect(names(registry.forClient("orders.shop.svc.cluster.local", "legacy", { sidecar }))).toEqual(["Service/orders"]);
      expect(names(registry.forClient("orders", "legacy", { sidecar }))).toEqual([]);
    }
  });

  it("a sidecar sees only what is exported to its namespace; a pod without one reaches the Service through DNS", () => {
    const registry = registryOf(view());
    expect(names(registry.forClient("ledger.billing", "billing", { sidecar: true }))).toEqual(["Service/ledger"]);
    expect(names(registry.forClient("ledger.billing", "shop", { sidecar: true }))).toEqual([]);
    expect(names(registry.forClient("ledger.billing", "shop", { sidecar: false }))).toEqual(["Service/ledger"]);
  });

  it("ServiceEntry hosts, wildcards included, exist for sidecars of the namespaces they are exported to", () => {
    const registry = registryOf(view());
    expect(names(registry.forClient("api.github.com", "shop", { sidecar: true }))).toEqual(["ServiceEntry/github"]);
    expect(names(registry.forClient("raw.githubusercontent.com", "shop", { sidecar: true }))).toEqual(["ServiceEntry/github"]);
    expect(names(registry.forClient("api.github.com", "legacy", { sidecar: true }))).toEqual([]);
    expect(names(registry.forClient("api.github.com", "shop", { sidecar: false }))).toEqual([]);
  });
});
