import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { analyzeRule } from "../../../src/engine/engine.js";
import type { KubeObject } from "../../../src/model/kube.js";
import { destinationRuleHostNotFound } from "../../../src/rules/istio/destinationrule-host-not-found.js";
import { memoryUnsetRule } from "../../../src/rules/manifest/memory-unset.js";
import { ViewBuilder } from "../../../src/view/builder.js";

/**
 * A finding about an object read from the API server has no file (its origin is the API call,
 * `api:GET ...`), whichever way its rule reports: through reportIstio or straight through ctx.report.
 */
const rule = parse("apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n  namespace: shop\nspec:\n  host: reviews.shop.svc.cluster.local\n") as KubeObject;
const deployment = parse(
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      containers:\n      - name: app\n        image: registry.example.com/api:1.4.2\n",
) as KubeObject;

function liveView() {
  const builder = new ViewBuilder();
  builder.addObject(rule, { file: "api:GET /apis/networking.istio.io/v1/namespaces/shop/destinationrules" });
  builder.addObject(deployment, { file: "api:GET /apis/apps/v1/namespaces/shop/deployments" });
  return builder.build({ mode: "live", now: new Date("2026-12-02T12:00:00Z") });
}

function fileView() {
  const builder = new ViewBuilder();
  builder.addObject(rule, { file: "shop/reviews.yaml", line: 1 });
  return builder.build({ mode: "offline" });
}

describe("findings about live objects", () => {
  it("an Istio rule's finding names the object without the API call as its file", () => {
    const [finding] = analyzeRule(destinationRuleHostNotFound, liveView());
    expect(finding?.resource).toEqual({ kind: "DestinationRule", namespace: "shop", name: "reviews" });
  });

  it("as a rule reporting through ctx.report alone does", () => {
    const findings = analyzeRule(memoryUnsetRule, liveView());
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) expect(finding.resource.file).toBeUndefined();
  });

  it("an object from a file keeps its file and line", () => {
    const [finding] = analyzeRule(destinationRuleHostNotFound, fileView());
    expect(finding?.resource).toMatchObject({ kind: "DestinationRule", namespace: "shop", name: "reviews", file: "shop/reviews.yaml", line: 1 });
  });
});
