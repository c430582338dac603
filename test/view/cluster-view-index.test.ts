import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { viewFromPaths, viewFromTexts } from "../../src/sources/load-view.js";

describe("ClusterView indexes", () => {
  const view = viewFromPaths([resolve(__dirname, "../../examples/lab")]);

  it("list the objects of a kind in one namespace, in the order of list(kind)", () => {
    let compared = 0;
    for (const kind of view.kinds()) {
      const namespaces = new Set(view.list(kind).map((loaded) => loaded.object.metadata.namespace));
      expect(new Set(view.namespacesOf(kind))).toEqual(namespaces);
      for (const namespace of [...namespaces, "no-such-namespace"]) {
        expect(view.listIn(kind, namespace)).toEqual(view.list(kind).filter((loaded) => loaded.object.metadata.namespace === namespace));
        expect(view.kindIn(kind, namespace)).toEqual(view.kind(kind).filter((object) => object.metadata.namespace === namespace));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(10);
    expect(view.kindIn("NoSuchKind", "default")).toEqual([]);
  });

  it("keep cluster-scoped objects apart from namespaced ones", () => {
    const small = viewFromTexts({
      "objects.yaml": [
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  mode: fast",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: slow",
      ].join("\n---\n"),
    });
    expect(small.kindIn("Namespace", undefined).map((object) => object.metadata.name)).toEqual(["shop"]);
    expect(small.kindIn("ConfigMap", "shop").map((object) => object.data?.mode)).toEqual(["fast"]);
    expect(small.kindIn("ConfigMap", undefined).map((object) => object.data?.mode)).toEqual(["slow"]);
    expect(small.kindIn("ConfigMap", "")).toEqual([]);
  });

  it("find events by the kind of object they are about and by reason, in the order of events", () => {
    const kinds = new Set(view.events.map((event) => event.involved.kind));
    expect(kinds.size).toBeGreaterThan(1);
    for (const kind of [...kinds, "NoSuchKind"]) expect(view.eventsAbout(kind)).toEqual(view.events.filter((event) => event.involved.kind === kind));
    const reasons = [...new Set(view.events.map((event) => event.reason))];
    expect(reasons.length).toBeGreaterThan(2);
    for (const reason of reasons) expect(view.eventsWithReason(reason)).toEqual(view.events.filter((event) => event.reason === reason));
    const [first, second, third] = reasons as [string, string, string];
    expect(view.eventsWithReason(third, first, second, first)).toEqual(view.events.filter((event) => [first, second, third].includes(event.reason)));
    expect(view.eventsWithReason("NoSuchReason")).toEqual([]);
  });

  it("find the pods scheduled on a node", () => {
    const nodes = new Set(view.kind("Pod").map((pod) => pod.spec?.nodeName).filter((name): name is string => typeof name === "string"));
    expect(nodes.size).toBeGreaterThan(0);
    for (const node of nodes) expect(view.podsOnNode(node)).toEqual(view.kind("Pod").filter((pod) => pod.spec?.nodeName === node));
    expect(view.podsOnNode("no-such-node")).toEqual([]);
  });
});
