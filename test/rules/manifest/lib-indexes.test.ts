import { describe, expect, it } from "vitest";
import { findNamed, inNamespace } from "../../../src/k8s/lookup.js";
import { selectorMatches } from "../../../src/k8s/selectors.js";
import { sameNamespace } from "../../../src/k8s/namespaces.js";
import { nodeMatchesPod, placementOf, schedulableNodes, untoleratedTaints } from "../../../src/k8s/nodes.js";
import { podSources, podSourcesIn, selectedBy } from "../../../src/k8s/services.js";
import { workloadsOf } from "../../../src/k8s/pod-templates.js";
import { viewFromTexts } from "../../../src/sources/load-view.js";

// The indexed lookups must answer exactly what a scan of every object answers, including for
// manifests without a namespace (they match any namespace).
const nodes = `
apiVersion: v1
kind: Node
metadata:
  name: worker-1
  labels: { kubernetes.io/hostname: worker-1, pool: general, topology.kubernetes.io/zone: eu-west-1a }
---
apiVersion: v1
kind: Node
metadata:
  name: gpu-1
  labels: { kubernetes.io/hostname: gpu-1, pool: gpu, topology.kubernetes.io/zone: eu-west-1b }
spec:
  taints: [{ key: nvidia.com/gpu, value: "true", effect: NoSchedule }]
---
apiVersion: v1
kind: Node
metadata:
  name: gpu-2
  labels: { kubernetes.io/hostname: gpu-2, pool: gpu, topology.kubernetes.io/zone: eu-west-1a }
spec:
  unschedulable: true
`;

function deployment(name: string, namespace: string | undefined, labels: Record<string, string>, podSpec: string): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}${namespace ? `\n  namespace: ${namespace}` : ""}
spec:
  replicas: 2
  selector:
    matchLabels: ${JSON.stringify(labels)}
  template:
    metadata:
      labels: ${JSON.stringify(labels)}
    spec:
${podSpec}
      containers:
        - name: app
          image: registry.example.com/${name}:1.4.2
`;
}

const workloads = [
  deployment("web", "shop", { app: "web", tier: "frontend" }, "      nodeSelector: { pool: general }"),
  deployment("trainer", "ml", { app: "trainer" }, "      nodeSelector: { pool: gpu }\n      tolerations: [{ key: nvidia.com/gpu, operator: Exists, effect: NoSchedule }]"),
  deployment("scorer", "ml", { app: "scorer" }, "      nodeSelector: { pool: gpu }"),
  deployment("zonal", "shop", { app: "zonal" }, "      affinity:\n        nodeAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms: [{ matchExpressions: [{ key: topology.kubernetes.io/zone, operator: In, values: [eu-west-1a] }] }]"),
  deployment("web", undefined, { app: "web", tier: "frontend" }, "      nodeSelector: { pool: general }"),
  deployment("cache", "ml", { app: "web" }, "      nodeSelector: { pool: general }"),
].join("\n---\n");

const configMaps = ["shop", undefined, "ml"]
  .map((namespace) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings${namespace ? `\n  namespace: ${namespace}` : ""}\ndata:\n  LOG_LEVEL: info\n`)
  .join("---\n");

const view = viewFromTexts({ "nodes.yaml": nodes, "apps.yaml": workloads, "config.yaml": configMaps }, { mode: "lint" });

describe("manifest lookups", () => {
  it("placementOf gives the nodes a scan of every node gives, for each workload", () => {
    const all = schedulableNodes(view.kind("Node"));
    const names = (list: { metadata: { name?: string } }[]) => list.map((node) => node.metadata.name);
    const answers = workloadsOf(view).map((workload) => {
      const selected = all.filter((node) => nodeMatchesPod(node, workload.spec));
      const expected = { selected: names(selected), placeable: names(selected.filter((node) => untoleratedTaints(node, workload.spec).length === 0)) };
      const placement = placementOf(view, workload.spec);
      expect({ selected: names(placement.selected), placeable: names(placement.placeable) }).toEqual(expected);
      return `${workload.name}: ${names(placement.placeable).join(",")}`;
    });
    expect(answers).toEqual(["web: worker-1", "trainer: gpu-1", "scorer: ", "zonal: worker-1", "web: worker-1", "cache: worker-1"]);
  });

  it("selectedBy and podSourcesIn keep namespaces apart and see sources without a namespace", () => {
    for (const namespace of ["shop", "ml", "other", undefined]) {
      const visible = podSources(view).filter((source) => sameNamespace(source.namespace, namespace));
      expect(podSourcesIn(view, namespace)).toEqual(visible);
      const selector = { app: "web" };
      expect(selectedBy(view, namespace, selector)).toEqual(visible.filter((source) => selectorMatches(selector, source.labels, { absent: "nothing" })));
    }
    expect(selectedBy(view, "ml", { app: "web" }).map((source) => `${source.namespace ?? "-"}/${source.name}`)).toEqual(["-/web", "ml/cache"]);
    expect(selectedBy(view, "shop", { matchLabels: { tier: "frontend" } }).map((source) => `${source.namespace ?? "-"}/${source.name}`)).toEqual(["shop/web", "-/web"]);
  });

  it("findNamed and inNamespace prefer the exact namespace, then objects without one", () => {
    expect(findNamed(view, "ConfigMap", "shop", "settings")?.metadata.namespace).toBe("shop");
    expect(findNamed(view, "ConfigMap", "billing", "settings")?.metadata.namespace).toBeUndefined();
    expect(findNamed(view, "ConfigMap", undefined, "settings")?.metadata.namespace).toBeUndefined();
    expect(findNamed(view, "ConfigMap", "shop", "missing")).toBeUndefined();
    expect(inNamespace(view, "ConfigMap", "ml").map((map) => map.metadata.namespace ?? "-")).toEqual(["-", "ml"]);
    expect(inNamespace(view, "ConfigMap", undefined)).toHaveLength(3);
  });
});
