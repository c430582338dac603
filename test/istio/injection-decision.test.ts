import { describe, expect, it } from "vitest";
import { buildView } from "../helpers/rule-tester.js";
import { injectionDecision } from "../../src/istio/injection-decision.js";

const ns = (labels: string[]): string => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    kubernetes.io/metadata.name: shop\n${labels.map((label) => `    ${label}\n`).join("")}`;
const decide = (labels: string[], pod: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}, hostNetwork = false) =>
  injectionDecision(buildView({ name: "ns", files: { "ns.yaml": ns(labels) } }), "shop", pod, hostNetwork);

describe("sidecar injection decision (Istio's default injector webhooks)", () => {
  it("injects in a namespace labelled istio-injection=enabled", () => {
    expect(decide(["istio-injection: enabled"])).toMatchObject({ injected: true, requestedBy: "namespace label istio-injection=enabled" });
  });
  it("injects in a namespace labelled istio.io/rev=default", () => {
    expect(decide(["istio.io/rev: default"])).toMatchObject({ injected: true, revision: "default" });
  });
  it("does not inject an unlabelled namespace, unless the pod asks with its label", () => {
    expect(decide([]).injected).toBe(false);
    expect(decide([], { labels: { "sidecar.istio.io/inject": "true" } }).injected).toBe(true);
  });
  it("respects explicit opt-outs", () => {
    expect(decide(["istio-injection: disabled"], { labels: { "sidecar.istio.io/inject": "true" } })).toMatchObject({ injected: false, optedOut: "namespace label istio-injection=disabled" });
    expect(decide(["istio-injection: enabled"], { labels: { "sidecar.istio.io/inject": "false" } }).injected).toBe(false);
  });
  it("never injects host-network pods", () => {
    expect(decide(["istio-injection: enabled"], {}, true)).toMatchObject({ injected: false, blockedBy: expect.stringContaining("hostNetwork") });
  });
  it("istio-injection wins over istio.io/rev on the namespace", () => {
    expect(decide(["istio-injection: enabled", "istio.io/rev: canary"]).injected).toBe(true);
  });
});
