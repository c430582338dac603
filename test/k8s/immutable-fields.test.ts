import { describe, expect, it } from "vitest";
import { immutableChanges, recreateSteps } from "../../src/k8s/immutable-fields.js";
import { mergePatch, type Json } from "../../src/engine/patch/strategic-merge.js";
import type { KubeObject } from "../../src/model/kube.js";
import { IMMUTABLE_CASES } from "./immutable-fields.cases.js";

describe("fields the API server does not let change in place", () => {
  it.each(IMMUTABLE_CASES)("$name", ({ object, patch, refused }) => {
    const after = mergePatch(object as Json, patch as Json) as unknown as KubeObject;
    expect(immutableChanges(object as KubeObject, after)).toEqual(refused);
  });

  it("a bound claim may grow its storage request, nothing else", () => {
    const bound = { ...IMMUTABLE_CASES.find((c) => c.name === "an unbound claim's storage request")!.object, status: { phase: "Bound" } } as KubeObject;
    const grown = mergePatch(bound as unknown as Json, { spec: { resources: { requests: { storage: "2Gi" } } } }) as unknown as KubeObject;
    expect(immutableChanges(bound, grown)).toEqual([]);
    const limited = mergePatch(bound as unknown as Json, { spec: { resources: { limits: { storage: "2Gi" } } } }) as unknown as KubeObject;
    expect(immutableChanges(bound, limited)).toEqual(["spec.resources"]);
  });

  it("re-creating keeps a controller's pods running and names what a claim's deletion costs", () => {
    const deployment = IMMUTABLE_CASES[0]!.object as KubeObject;
    expect(recreateSteps({ ...deployment, metadata: { name: "web", namespace: "shop" } }, ["spec.selector"])).toEqual([
      "# spec.selector of Deployment web cannot be changed in place (the API server refuses the update): re-create it with the change",
      "kubectl get deployment web -n shop -o yaml > web.yaml   # then edit web.yaml as the change above shows",
      "# kubectl delete deployment web -n shop --cascade=orphan   # its pods keep running",
      "# kubectl apply -f web.yaml   # the new Deployment adopts the pods its selector matches",
    ]);
    const steps = recreateSteps({ ...(IMMUTABLE_CASES[5]!.object as KubeObject), metadata: { name: "data", namespace: "db" } }, ["spec.storageClassName"], "k8s/db.yaml");
    expect(steps).toContain("# kubectl delete persistentvolumeclaim data -n db   # a bound claim's data then follows its volume's reclaim policy");
    expect(steps.at(-1)).toBe("# kubectl apply -f k8s/db.yaml");
    expect(steps.some((step) => step.startsWith("kubectl get"))).toBe(false);
  });
});
